"""The message length guard: a message over the limit is not read; it becomes the fallback
intent with the limit as the message_too_long entity, as Rasa's RegexMessageHandler reads it."""

from __future__ import annotations

from pathlib import Path

from rasa.nlu.classifiers.regex_message_handler import RegexMessageHandler
from rasa.shared.core.domain import Domain
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from precheck.nlu.message_guard import MessageGuard

ROOT = Path(__file__).resolve().parents[2]


def guarded(text: str, limit: int = 20) -> Message:
    message = Message(data={TEXT: text})
    MessageGuard({"max_characters": limit}).process([message])
    return RegexMessageHandler().process([message], Domain.load(str(ROOT / "domain")))[0]


def test_a_message_over_the_limit_is_replaced_by_the_too_long_intent():
    message = guarded("my foot is not numb, " * 5)
    assert message.get(INTENT)["name"] == "nlu_fallback"
    assert [(e["entity"], e["value"]) for e in message.get(ENTITIES)] == [
        ("message_too_long", "20")]
    assert "numb" not in message.get(TEXT)


def test_a_message_at_the_limit_is_read_as_it_is():
    message = guarded("x" * 20)
    assert message.get(TEXT) == "x" * 20 and message.get(INTENT) is None


def test_the_limit_is_counted_in_characters_not_bytes():
    assert guarded("\U0001f912" * 20).get(TEXT) == "\U0001f912" * 20


def test_a_slash_that_is_no_button_payload_is_dropped_and_the_words_read():
    assert guarded("/{my foot is numb}", limit=2000).get(TEXT) == "{my foot is numb}"
    assert guarded(" / ", limit=2000).get(TEXT) == ""


def test_a_button_payload_is_left_to_rasa():
    assert guarded("/affirm", limit=2000).get(INTENT)["name"] == "affirm"
