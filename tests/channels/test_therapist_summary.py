"""The therapist's summary: shown at the end of a check in the terminal (`make shell`),
and read over the HTTP API with the token (scripts/summary.py, `make summary`), from the
session's assistant (tests/conftest.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import requests

from actions.advice import ActionGiveAdvice
from tests.dialogue.test_actions import RETURNING_CLIENT_ALL_WELL, run, tracker
from tests.server.test_conversations import have_conversation

ROOT = Path(__file__).resolve().parents[2]
SUMMARY = "Summary for the therapist"
NUMB_HANDS_AND_A_SORE = {
    "name": "long-standing numb hands and a pressure sore",
    "answers": {"sensory_change": "yes, my hands are numb",
                "sensory_areas": "both hands",
                "sensory_change_is_new": "no, they've been like that for years",
                "conditions_screen": "yes",
                "pressure_sores": "yes",
                "pressure_sore_areas": "left heel"},
}


def said_on(channel: str) -> list[dict]:
    return [{"event": "user", "text": "no", "input_channel": channel,
             "parse_data": {"intent": {"name": "deny", "confidence": 1.0}, "entities": []}}]


async def test_the_terminal_shows_the_summary_with_the_advice():
    slots = {**RETURNING_CLIENT_ALL_WELL, "nerve_pain": "yes"}
    _, messages = await run(ActionGiveAdvice(), tracker(slots, events=said_on("cmdline")))
    summary = next(m["text"] for m in messages if m["text"].startswith(SUMMARY))
    for section in ("Outcome: PROCEED GENTLY", "Reasons:", "G6", "Client reported:",
                    "Areas to avoid or treat very gently:"):
        assert section in summary


async def test_clients_on_other_channels_get_no_summary_unasked():
    _, messages = await run(ActionGiveAdvice(),
                            tracker(RETURNING_CLIENT_ALL_WELL, events=said_on("whatsapp")))
    assert not any(m["text"].startswith(SUMMARY) for m in messages)


def summary_script(assistant, conversation: str, *options: str, token: str | None = None):
    return subprocess.run(
        [sys.executable, "-m", "scripts.summary", conversation, "--url", assistant.url,
         "--token", assistant.token if token is None else token, *options],
        cwd=ROOT, capture_output=True, text=True, timeout=120)


@pytest.mark.server
def test_the_summary_over_the_http_api_needs_the_token(assistant):
    sender = assistant.new_sender()
    refused = requests.get(f"{assistant.url}/conversations/{sender}/tracker", timeout=30)
    assert refused.status_code == 401
    result = summary_script(assistant, sender, token="wrong")
    assert result.returncode == 2 and "refused the token" in result.stderr


@pytest.mark.server
def test_the_structured_summary_of_a_finished_check(assistant):
    sender = assistant.new_sender()
    client = SimpleNamespace(say=assistant.say, tracker=assistant.tracker,
                             new_sender=lambda: sender)
    payload, _ = have_conversation(client, NUMB_HANDS_AND_A_SORE)

    check = json.loads(summary_script(assistant, sender, "--json").stdout)
    assert (check["conversation"], check["outcome"]) == (sender, payload["advice"])
    assert [r["rule"] for r in check["reasons"]] == payload["reasons"]
    assert {"G5", "G9"} <= {p["rule"] for p in check["precautions"]}
    # The areas as the assistant understood them (its vocabulary names body parts).
    slots = assistant.tracker(sender)["slots"]
    sores, numb = check["areas"]["avoid"], check["areas"]["very_gently"]
    assert sores and all(area in str(slots["pressure_sore_areas"]) for area in sores)
    assert numb and all(area in str(slots["sensory_areas"]) for area in numb)
    assert {"sensory_change", "pressure_sores"} <= set(check["reported"]["yes"])

    readable = summary_script(assistant, sender)
    assert readable.returncode == 0, readable.stderr
    assert f"Conversation {sender} (rest)" in readable.stdout
    assert f"- Avoid entirely (pressure sores): {', '.join(sores)}." in readable.stdout
    assert f"- Very gently only (numbness or reduced feeling): {', '.join(numb)}." \
        in readable.stdout


@pytest.mark.server
def test_no_summary_before_a_check_is_finished(assistant):
    sender = assistant.new_sender()
    assistant.say(sender, "hi")
    result = summary_script(assistant, sender)
    assert result.returncode == 2 and "no finished check" in result.stderr
