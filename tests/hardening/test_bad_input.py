"""Bad input against the real server: every message gets a clear answer below HTTP 500,
nothing a client sends stops the server, and another client's check carries on to its
advice meanwhile."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.hardening.conftest import REQUEST_MAX_BYTES
from tests.server.conftest import Assistant
from tests.server.test_conversations import have_conversation
from tests.server.test_socketio import talk

pytestmark = pytest.mark.server

LIMIT = 2000  # MessageGuard max_characters (its default; config.yml does not change it)
HUNDRED_KB = "my left foot has been numb since Sunday and I am very tired. " * 1700
TOO_LONG = "too long"

ODD_MESSAGES = {
    "empty": "",
    "whitespace only": " \t\n  \u00a0",
    "right-to-left marks": "\u202byes\u202c \u200f",
    "zero-width characters": "n\u200bo\u200d\ufeff",
    "emoji": "\U0001f44d\U0001f912\U0001f525",
    "French": "j'ai de la fi\u00e8vre depuis hier",
    "German": "Ich habe seit gestern Fieber",
    "Chinese": "\u6211\u53d1\u70e7\u4e86",
    "Arabic": "\u0639\u0646\u062f\u064a \u062d\u0645\u0649",
    "HTML and script": "<script>alert('x')</script><b>yes</b><img src=x onerror=alert(1)>",
    "SQL-like": "'; DROP TABLE events; -- 1 OR 1=1",
    "a lone slash": "/",
    "an unknown intent payload": "/drop_everything{\"x\": 1}",
    "control characters": "yes\x00\x07\x1b[31m",
    "just under the limit": "no " * (LIMIT // 3),
}


def post(assistant: Assistant, **request) -> requests.Response:
    return requests.post(f"{assistant.url}/webhooks/rest/webhook", timeout=120, **request)


def texts(replies: list[dict]) -> str:
    return " ".join(reply.get("text", "") for reply in replies)


@pytest.mark.parametrize("message", ODD_MESSAGES.values(), ids=ODD_MESSAGES.keys())
def test_an_odd_message_gets_a_clear_answer(assistant, message):
    sender = assistant.new_sender()
    response = post(assistant, json={"sender": sender, "message": message})
    assert response.status_code == 200
    assert texts(response.json()).strip(), response.json()


def test_a_100_kb_message_is_refused_with_the_limit(assistant):
    replies = assistant.say(assistant.new_sender(), HUNDRED_KB)
    assert TOO_LONG in texts(replies)
    assert f"under {LIMIT} characters" in texts(replies)


def test_during_the_check_a_long_message_leaves_the_question_open(assistant):
    sender = assistant.new_sender()
    assistant.say(sender, "hi")
    question = assistant.say(sender, "yes")[-1]["text"]
    replies = assistant.say(sender, "x" * (LIMIT + 1))
    assert TOO_LONG in replies[0]["text"]
    assert replies[-1]["text"] == question
    assert assistant.tracker(sender)["slots"]["red_flag_screen"] is None


async def test_socketio_messages_are_bounded_too(assistant):
    replies = await talk(assistant.url, uuid.uuid4().hex, "x" * 50_000)
    assert TOO_LONG in texts(replies)


BODIES = {
    "message is a number": {"json": {"sender": "s", "message": 42}},
    "message is null": {"json": {"sender": "s", "message": None}},
    "message is a list": {"json": {"sender": "s", "message": ["hi"]}},
    "message is an object": {"json": {"sender": "s", "message": {"text": "hi"}}},
    "no message": {"json": {"sender": "s"}},
    "no sender": {"json": {"message": "hi"}},
    "an empty sender": {"json": {"sender": " ", "message": "hi"}},
    "a sender too long for the database": {"json": {"sender": "s" * 300, "message": "hi"}},
    "metadata is a list": {"json": {"sender": "s", "message": "hi", "metadata": [1]}},
    "a JSON list": {"json": ["hi"]},
    "a JSON string": {"json": "hi"},
    "plain text": {"data": b"hi", "headers": {"Content-Type": "text/plain"}},
    "empty body": {"data": b""},
    "invalid UTF-8": {"data": b'{"sender": "s", "message": "\xff\xfe caf\xe9"}',
                      "headers": {"Content-Type": "application/json"}},
    "truncated JSON": {"data": b'{"sender": "s", "message": "hi'},
}


@pytest.mark.parametrize("request_", BODIES.values(), ids=BODIES.keys())
def test_a_malformed_request_gets_a_client_error_not_a_crash(private_assistant, request_):
    """precheck.channels.rest.CheckedRestInput (Rasa's own REST channel answers 500 to some)."""
    response = post(private_assistant, **request_)
    assert 400 <= response.status_code < 500, response.text
    assert response.text


def test_a_body_over_the_request_size_limit_is_refused(private_assistant):
    response = post(private_assistant, json={"sender": private_assistant.new_sender(),
                                             "message": "x" * (2 * REQUEST_MAX_BYTES)})
    assert response.status_code == 413
    assert "too long" in texts(post(private_assistant, json={
        "sender": private_assistant.new_sender(), "message": HUNDRED_KB}).json())


def test_a_well_formed_request_with_a_numeric_sender_is_answered(private_assistant):
    response = post(private_assistant, json={"sender": 20261123, "message": "hi"})
    assert "not a medical device" in texts(response.json())


def test_a_flood_from_one_client_does_not_stop_another_clients_check(assistant):
    flooder = assistant.new_sender()
    flood = [{"sender": flooder, "message": message} for message in
             ["hi", "yes", "no", HUNDRED_KB, "", "\u202e"] * 8]
    with ThreadPoolExecutor(max_workers=9) as pool:
        check = pool.submit(have_conversation, assistant, {})
        statuses = list(pool.map(lambda body: post(assistant, json=body).status_code, flood))
        payload, _ = check.result(timeout=900)
    assert max(statuses) < 500, statuses
    assert payload["advice"] == "proceed_gently"
    assert assistant.process.poll() is None
