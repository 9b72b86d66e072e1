"""The real stack answers over REST and keeps conversations in its tracker store."""

import sqlite3

import pytest

pytestmark = pytest.mark.server


def test_a_greeting_gets_the_welcome_with_consent_buttons(assistant):
    replies = assistant.say(assistant.new_sender(), "hello")
    assert "not a medical device" in replies[0]["text"]
    assert [b["payload"] for b in replies[0]["buttons"]] == ["/affirm", "/deny"]


def test_consent_starts_the_check_with_the_red_flags(assistant):
    sender = assistant.new_sender()
    assistant.say(sender, "hi")
    replies = assistant.say(sender, "/affirm")
    assert "urgent signs" in replies[-1]["text"]
    assert assistant.tracker(sender)["slots"]["requested_slot"] == "red_flag_screen"


def test_no_consent_ends_politely_and_asks_nothing(assistant):
    sender = assistant.new_sender()
    assistant.say(sender, "hi")
    replies = assistant.say(sender, "/deny")
    assert len(replies) == 1
    assert "?" not in replies[0]["text"]
    assert assistant.tracker(sender)["active_loop"] in ({}, None) or \
        assistant.tracker(sender)["active_loop"].get("name") is None


def test_conversations_are_kept_in_sqlite(assistant):
    sender = assistant.new_sender()
    assistant.say(sender, "hi")
    db = str(assistant.log.parent / "conversations.db")
    with sqlite3.connect(db) as connection:
        rows = connection.execute("SELECT COUNT(*) FROM events WHERE sender_id = ?",
                                  (sender,)).fetchone()[0]
    assert rows > 0
