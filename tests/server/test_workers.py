"""The Rasa server runs a worker per core (at most two; README "Configuration") on the
embedded defaults, and its workers keep each conversation's turns one at a time."""

from __future__ import annotations

import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.server.conftest import rasa_workers

pytestmark = pytest.mark.server

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import stack  # noqa: E402  (scripts/ is not a package)

STAGGER_S = 0.03


def test_the_server_runs_the_configured_number_of_workers(assistant):
    workers = rasa_workers(assistant)
    assert len(workers) == int(stack.settings()["SANIC_WORKERS"])
    if len(workers) > 1:
        assert (assistant.log.parent / "locks.db").exists(), "the workers share no locks"


def test_messages_sent_at_once_in_one_conversation_are_all_kept_in_turn(assistant):
    sender = assistant.new_sender()
    assistant.say(sender, "hi")
    messages = [f"message {n}" for n in range(16)]

    def send(n: int) -> None:
        time.sleep(n * STAGGER_S)  # arriving while others are answered: both workers take some
        assistant.say(sender, messages[n])

    with ThreadPoolExecutor(len(messages)) as pool:
        list(pool.map(send, range(len(messages))))

    events = assistant.tracker(sender)["events"]
    said = [event["text"] for event in events if event["event"] == "user"]
    assert sorted(said[1:]) == sorted(messages), "a turn overwrote another: locks not shared"
    # Each turn ends by listening before the next message is taken in.
    kinds = [event.get("name") if event["event"] == "action" else event["event"]
             for event in events if event["event"] in ("user", "action")]
    assert all(kinds[i - 1] == "action_listen"
               for i, kind in enumerate(kinds) if kind == "user" and i > 0)
