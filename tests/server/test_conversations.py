"""Client conversations from tests/conversations/*.yml against the real server.

Each file lists conversations a client could have, in their own words. The driver
says the opening messages, consents (`consent`, "yes" unless given) and anything more
(`says`), then answers each question the assistant asks from `answers` (by question; "no"
when not listed), until the advice arrives, and checks its payload (`at_once`: the advice
answers the opening messages). An outcome less
cautious than expected is an under-triage.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.server

CONVERSATIONS = Path(__file__).resolve().parents[1] / "conversations"
MAX_TURNS = 60
RANK = {"proceed_gently": 0, "shorten": 1, "postpone": 2}


def load_conversations() -> list[dict]:
    conversations = []
    for file in sorted(CONVERSATIONS.glob("*.yml")):
        for conversation in yaml.safe_load(file.read_text())["conversations"]:
            conversations.append({**conversation, "file": file.name})
    return conversations


def advice_in(replies: list[dict]) -> dict | None:
    return next((r["custom"] for r in replies if "advice" in (r.get("custom") or {})), None)


def opening_advice(assistant, conversation: dict) -> dict | None:
    """The advice given in reply to the opening messages alone, if any."""
    sender = assistant.new_sender()
    for text in conversation.get("opening", ["hi"]):
        replies = assistant.say(sender, text)
        if advice_in(replies) is not None:
            return advice_in(replies)
    return None


def have_conversation(assistant, conversation: dict) -> tuple[dict, list[str]]:
    sender = assistant.new_sender()
    replies = []
    for text in [*conversation.get("opening", ["hi"]), conversation.get("consent", "yes"),
                 *conversation.get("says", [])]:
        replies = assistant.say(sender, text)
        if advice_in(replies) is not None:  # an urgent sign is answered at once
            return advice_in(replies), []
    answers = {q: a if isinstance(a, list) else [a]
               for q, a in conversation.get("answers", {}).items()}
    asked: list[str] = []
    for _ in range(MAX_TURNS):
        payload = advice_in(replies)
        if payload is not None:
            return payload, asked
        question = assistant.tracker(sender)["slots"]["requested_slot"]
        assert question, f"no advice and no open question; last replies: {replies}"
        asked.append(question)
        queue = answers.get(question, [])
        replies = assistant.say(sender, queue.pop(0) if queue else "no")
    pytest.fail(f"no advice after {MAX_TURNS} turns; asked {asked}")


@pytest.mark.parametrize("conversation", load_conversations(), ids=lambda c: c["name"])
def test_conversation(assistant, conversation):
    expected = conversation["expect"]
    if expected.get("at_once"):
        payload, asked = opening_advice(assistant, conversation), []
        assert payload is not None, "the advice did not answer the opening"
    else:
        payload, asked = have_conversation(assistant, conversation)
    assert RANK[payload["advice"]] >= RANK[expected["advice"]], (
        f"UNDER-TRIAGE: got {payload}, expected {expected}; asked {asked}")
    assert payload["advice"] == expected["advice"], f"got {payload}; asked {asked}"
    assert payload["urgent_care"] == expected.get("urgent_care", False), payload
    assert set(expected.get("reasons", [])) <= set(payload["reasons"]), payload
    assert not set(expected.get("not_reasons", [])) & set(payload["reasons"]), payload
    assert not set(expected.get("not_asked", [])) & set(asked), f"asked again: {asked}"


def test_the_outcomes_are_balanced():
    counts = {}
    for conversation in load_conversations():
        key = "urgent" if conversation["expect"].get("urgent_care") else \
            conversation["expect"]["advice"]
        counts[key] = counts.get(key, 0) + 1
    assert sum(counts.values()) >= 40
    assert min(counts.get(k, 0) for k in ("urgent", "postpone", "shorten", "proceed_gently")) >= 8
