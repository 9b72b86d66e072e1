"""The real stack answers over REST and keeps conversations in its tracker store."""

import sqlite3

import pytest
import requests

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


def post(assistant, body):
    response = requests.post(f"{assistant.url}/webhooks/rest/webhook", json=body, timeout=60)
    response.raise_for_status()
    return response.json()


def user_messages(assistant, sender):
    return [e["text"] for e in assistant.tracker(sender)["events"] if e["event"] == "user"]


def test_a_message_sent_again_with_its_id_is_answered_once(assistant):
    # The widget's "Try again" after a lost answer: the assistant already read "Yes, let's
    # start"; read again, it would be a yes to the red flags (urgent care, without one).
    sender = assistant.new_sender()
    assistant.say(sender, "hi")
    consent = {"sender": sender, "message": "/affirm", "message_id": "widget-1"}
    first = post(assistant, consent)
    again = post(assistant, consent)
    assert again == first
    assert "urgent signs" in again[-1]["text"]
    assert user_messages(assistant, sender) == ["hi", "/affirm"]
    # a new id is a new message
    post(assistant, {**consent, "message": "/deny", "message_id": "widget-2"})
    assert user_messages(assistant, sender) == ["hi", "/affirm", "/deny"]


@pytest.mark.parametrize("message_id", [7, "", "x" * 200])
def test_a_message_id_that_is_no_short_text_is_refused(assistant, message_id):
    response = requests.post(f"{assistant.url}/webhooks/rest/webhook", timeout=60, json={
        "sender": assistant.new_sender(), "message": "hi", "message_id": message_id})
    assert response.status_code == 400
    assert "message_id" in response.json()["error"]
