"""Single replies of a blind bank, read as the running assistant reads them: the trained
model's NLU (the same graph the server runs), then the intake form's reading of the reply to
the question its topic is about, in a check where everything before it was answered "no".

A reply is read right when the asked topic gets the expected reading (yes, no or not sure;
for places, every area named) and every other topic the reply states gets its reading too.
The worst error, a yes or a present symptom read as a no, is counted on its own.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from actions import understanding
from actions.consent import WELCOME
from bench.understanding.bank import READINGS, TOPIC_ANSWERS
from clinical_nlu.vocabulary import finding_slots
from protocol import questions

# What must be answered for a question to be asked (its follow-up condition), and how.
BEFORE = {name: q.get("asked_if") or {} for name, q in questions.QUESTIONS.items()}
NO_RED_FLAGS = {**dict.fromkeys(questions.RED_FLAGS, "no"), "red_flag_screen": "no"}
RULES = Path(__file__).resolve().parents[2] / "data" / "rules.yml"
# What the dialogue rules do with each intent in reply to the welcome's "shall we start?"
CONSENT_STEPS = {"precheck_form": "yes", "action_decline": "no"}
SCREEN_TOPICS = {"red_flags": "red_flag_screen", "conditions": "conditions_screen"}
# bank topics of a doctor's word
CLEARANCES = {topic for topic, answer in TOPIC_ANSWERS.items()
              if answer in understanding.CLEARANCES}


@dataclass
class Reading:
    item: dict[str, Any]
    got: dict[str, Any]  # topic -> what the assistant recorded (None: nothing)
    digression: bool
    right: bool
    yes_as_no: list[str] = field(default_factory=list)
    said: list[str] = field(default_factory=list)
    # a doctor's word read where the client gave none: a yes there lowers the advice
    cleared_wrongly: list[str] = field(default_factory=list)


def slots_before(answer: str) -> dict[str, Any]:
    if answer == "red_flag_screen":
        return {}
    if answer in questions.RED_FLAGS:
        return {"red_flag_screen": "unknown"}
    return {**NO_RED_FLAGS, **BEFORE.get(answer, {})}


def read(item: dict[str, Any], message: dict[str, Any]) -> Reading:
    """The assistant's reading of one reply, scored against the bank's expectation."""
    if item["topic"] == "consent":
        return _score(item, consent_reading(message, consent_by_intent()))
    question = TOPIC_ANSWERS[item["topic"]]
    slots = {**slots_before(question), "requested_slot": question}
    turn = understanding.understand(message, slots, question, finding_slots())
    if turn is None:
        return _score(item, {}, digression=True, said=[])
    got = {topic: turn.updates.get(answer) for topic, answer in TOPIC_ANSWERS.items()}
    for screen, answer in SCREEN_TOPICS.items():
        got[screen] = _screen_reading(turn.updates, answer)
    return _score(item, got, said=turn.messages)


def _screen_reading(updates: dict[str, Any], screen: str) -> str | None:
    """A screen is answered by its own slot or through its members: one member present is a
    yes to the screen, every member denied is a no."""
    if updates.get(screen) is not None:
        return updates[screen]
    members = [updates.get(member) for member in questions.SCREENS[screen]]
    if "yes" in members:
        return "yes"
    if "unknown" in members:
        return "unknown"
    return "no" if members and all(m == "no" for m in members) else None


def consent_reading(message: dict[str, Any], by_intent: dict[str, str]) -> dict[str, Any]:
    """As the dialogue reads a reply to "shall we start?": consent by the intent NLU settled
    (DIET, then the statement resolver's reading of the words), as the rules take it; and
    what the reply tells, which the check uses once it starts and the urgent advice at once
    (actions/consent.py)."""
    stated = understanding.understand_history([message], finding_slots())
    got: dict[str, Any] = {topic: stated.get(answer) for topic, answer in TOPIC_ANSWERS.items()}
    for screen, answer in SCREEN_TOPICS.items():
        got[screen] = _screen_reading(stated, answer)
    got["consent"] = by_intent.get((message.get("intent") or {}).get("name"))
    return got


@functools.cache
def consent_by_intent() -> dict[str, str]:
    """Intent -> consent reading, from the rules that follow the welcome (data/rules.yml): a
    rule going on to the form is a yes, to the decline a no, and "unsure" (asked again with
    an explanation) a not sure."""
    readings = {"unsure": READINGS["unsure"]}
    for rule in yaml.safe_load(RULES.read_text())["rules"]:
        steps = rule.get("steps") or []
        for before, said, after in zip(steps, steps[1:], steps[2:], strict=False):
            if before.get("action") == WELCOME and "intent" in said \
                    and after.get("action") in CONSENT_STEPS:
                readings[said["intent"]] = CONSENT_STEPS[after["action"]]
    return readings


def _score(item: dict[str, Any], got: dict[str, Any], digression: bool = False,
           said: list[str] | None = None) -> Reading:
    expect, asked = item["expect"], item["topic"]
    if item["kind"] != "answer":
        # a question back, a wish to stop or to talk to someone, or nothing readable: the
        # asked topic stays open (not answered, not "not sure")
        right = got.get(asked) is None
        return Reading(item, got, digression, right, said=said or [])
    wrong, dangerous, cleared = [], [], []
    for topic, wanted in expect.items():
        if topic != "consent" and topic not in TOPIC_ANSWERS:
            continue
        have = got.get(topic)
        if isinstance(wanted, list):
            ok = have is not None and all(_area_named(area, str(have)) for area in wanted)
        else:
            ok = have == READINGS[wanted]
            if wanted in ("yes", "unsure") and have == "no":
                dangerous.append(topic)
            if topic in CLEARANCES and wanted in ("no", "unsure") and have == "yes":
                cleared.append(topic)
        if not ok:
            wrong.append(topic)
    return Reading(item, got, digression, not wrong, dangerous, said or [], cleared)


def _area_named(area: str, recorded: str) -> bool:
    words = [w for w in area.lower().replace("-", " ").split() if w not in ("my", "the", "of")]
    return bool(words) and words[-1].rstrip("s") in recorded.lower()


async def parse_all(model: str, texts: list[str]) -> list[dict[str, Any]]:
    from rasa.core.agent import Agent
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)  # Rasa logs every parse, text included, at debug
    agent = Agent.load(model)
    return [await agent.parse_message(text) for text in texts]


def evaluate(model: str, items: list[dict[str, Any]]) -> list[Reading]:
    messages = asyncio.run(parse_all(model, [item["reply"] for item in items]))
    return [read(item, message) for item, message in zip(items, messages, strict=True)]


def summary(readings: list[Reading]) -> dict[str, Any]:
    by_topic: dict[str, Counter] = {}
    for reading in readings:
        counts = by_topic.setdefault(reading.item["topic"], Counter())
        counts["replies"] += 1
        counts["right"] += reading.right
        counts["yes_as_no"] += bool(reading.yes_as_no)
        counts["cleared_wrongly"] += bool(reading.cleared_wrongly)
    total = Counter()
    for counts in by_topic.values():
        total.update(counts)
    return {"total": dict(total), "by_topic": {t: dict(c) for t, c in sorted(by_topic.items())}}
