"""A client asks the real assistant to delete their data: after they confirm, the
conversation is gone from its database, before and during the check; a "no" keeps
everything and the check's question stays open."""

from __future__ import annotations

import sqlite3

import pytest

pytestmark = pytest.mark.server

DELETED = "have been deleted"


def stored_events(assistant, sender: str) -> int:
    with sqlite3.connect(assistant.log.parent / "conversations.db") as db:
        return db.execute("SELECT COUNT(*) FROM events WHERE sender_id = ?",
                          (sender,)).fetchone()[0]


def last_text(replies: list[dict]) -> str:
    return replies[-1]["text"]


def test_a_confirmed_request_deletes_the_conversation(private_assistant):
    assistant = private_assistant
    sender, other = assistant.new_sender(), assistant.new_sender()
    assistant.say(other, "hi")
    assistant.say(sender, "hi, my left foot has been numb since Sunday")
    assert "delete this conversation" in last_text(assistant.say(sender, "delete my data"))
    assert stored_events(assistant, sender) > 0

    replies = assistant.say(sender, "yes")

    assert DELETED in last_text(replies) and "therapist will not see" in last_text(replies)
    assert stored_events(assistant, sender) == 0
    assert stored_events(assistant, other) > 0
    assert "not a medical device" in last_text(assistant.say(sender, "hi"))
    said = [e["text"] for e in assistant.tracker(sender)["events"] if e["event"] == "user"]
    assert said == ["hi"]


def start_check(assistant, sender: str) -> str:
    assistant.say(sender, "hi")
    return last_text(assistant.say(sender, "yes"))


def test_during_the_check_no_keeps_everything_and_the_question_stays_open(private_assistant):
    assistant = private_assistant
    sender = assistant.new_sender()
    question = start_check(assistant, sender)
    assert "delete this conversation" in last_text(assistant.say(sender, "forget me"))
    replies = assistant.say(sender, "no")
    assert "nothing has been deleted" in replies[0]["text"]
    assert last_text(replies) == question
    slots = assistant.tracker(sender)["slots"]
    assert slots["requested_slot"] == "red_flag_screen" and slots["red_flag_screen"] is None


def test_during_the_check_yes_deletes_the_conversation(private_assistant):
    assistant = private_assistant
    sender = assistant.new_sender()
    start_check(assistant, sender)
    assistant.say(sender, "no")
    assistant.say(sender, "erase what I told you")
    assert DELETED in last_text(assistant.say(sender, "yes"))
    assert stored_events(assistant, sender) == 0
