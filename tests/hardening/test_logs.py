"""Nothing a client says reaches the logs at the default level: the server log of the
test session (Rasa and the action server, as `make run` writes them) is searched for the
words of a check full of symptoms, said in every way that could be logged."""

from __future__ import annotations

import pytest

from tests.hardening.test_bad_input import post
from tests.server.test_conversations import have_conversation

pytestmark = pytest.mark.server

# Rare words, so a hit is this test's text and not a log's own vocabulary.
SAID = ["numbness", "tingling", "shivering", "migraine", "Quetzalcoatl"]
CHECK = {
    "opening": ["hi, my left foot has numbness and tingling since Sunday, Quetzalcoatl"],
    "answers": {"fever": "yes 39.5 and shivering", "sudden_severe_headache": "a migraine"},
}


@pytest.fixture(params=["assistant", "private_assistant"])
def any_assistant(request):
    """As configured today, and with the privacy classes (docs/privacy.md)."""
    return request.getfixturevalue(request.param)


def test_no_message_text_in_the_logs(any_assistant):
    assistant = any_assistant
    have_conversation(assistant, CHECK)
    for message in ["/ numbness Quetzalcoatl", "/{numbness}", "numbness " * 400,
                    "/affirm{\"x\": tingling}", "/affirm@tingling"]:
        post(assistant, json={"sender": assistant.new_sender(), "message": message})
    post(assistant, json={"sender": assistant.new_sender(), "message": ["migraine"]})
    post(assistant, json={"sender": ["Quetzalcoatl"], "message": "shivering"})

    log = assistant.log.read_text(errors="replace").lower()
    leaked = [word for word in SAID if word.lower() in log]
    assert leaked == [], f"in {assistant.log}"
