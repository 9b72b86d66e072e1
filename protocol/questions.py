"""The question catalogue (questions.yml): which question the check asks next, given the
answers so far, and the words it asks them in.

The order, the groups and the follow-ups are data beside the wording, so a reviewer reads
them in one file: red flags first, then every question in catalogue order, a follow-up only
after the answer it depends on, a screen only while one of its members is still open.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml

YES, NO, UNKNOWN = "yes", "no", "unknown"
CATALOGUE_PATH = Path(__file__).with_name("questions.yml")


def load_catalogue(path: Path = CATALOGUE_PATH) -> dict[str, Any]:
    with path.open(encoding="utf-8") as file:
        return yaml.safe_load(file)


CATALOGUE = load_catalogue()
QUESTIONS: dict[str, dict[str, Any]] = CATALOGUE["questions"]

# What the rules read (yes, no or unknown each), in the order the check reaches them.
ANSWERS = tuple(name for name, q in QUESTIONS.items() if q["kind"] == "yes_no")
# What the check can ask, in order.
ASKED = tuple(QUESTIONS)
# A screen asks about a group at once; "no" answers every question of the group.
SCREENS = {name: tuple(q["members"]) for name, q in QUESTIONS.items() if q["kind"] == "screen"}
RED_FLAGS = SCREENS["red_flag_screen"]
CONDITIONS = SCREENS["conditions_screen"]
# Follow-ups whose answer a reply can state in passing, in the catalogue's words (`says`).
STATED_FOLLOW_UPS = tuple(name for name, q in QUESTIONS.items()
                          if q.get("asked_if") and q.get("says"))
# Follow-up questions of an answer, with the answers that must come first (`asked_if`):
# after any other answer the check never asks them.
FOLLOW_UPS = {name: q["asked_if"] for name, q in QUESTIONS.items()
              if name in ANSWERS and set(q.get("asked_if") or ()) <= set(ANSWERS)
              and q.get("asked_if")}
# Answers that are places on the body, not yes/no.
FREE_TEXT = frozenset(name for name, q in QUESTIONS.items() if q["kind"] == "places")


def red_flag_stops_the_check(slots: dict[str, Any]) -> bool:
    """A present (or unconfirmed) red flag ends the check at once: urgent advice next."""
    return any(slots.get(flag) in (YES, UNKNOWN) for flag in RED_FLAGS)


def required_questions(slots: dict[str, Any]) -> list[str]:
    """The questions that apply to this client, in the order they are asked."""
    if red_flag_stops_the_check(slots):
        return []
    return [name for name in ASKED if _applies(QUESTIONS[name], slots)]


def _applies(question: dict[str, Any], slots: dict[str, Any]) -> bool:
    members = question.get("members")
    if members and all(slots.get(member) is not None for member in members):
        return False  # every member of the group is already answered
    condition = question.get("asked_if") or {}
    return all(slots.get(earlier) == answer for earlier, answer in condition.items())


def next_question(slots: dict[str, Any]) -> str | None:
    return next((q for q in required_questions(slots) if slots.get(q) is None), None)


def question_message(question: str) -> dict[str, Any]:
    """The question as a bot message: text, and buttons where they help."""
    entry = QUESTIONS[question]
    buttons = CATALOGUE["button_sets"][entry["buttons"]] if entry["buttons"] else []
    return {"text": entry["ask"], "buttons": buttons}


def statement(question: str, text: str) -> str | None:
    """The answer a reply states in words the question lists (`says`), or None.

    A phrase inside a longer phrase of the other answer does not count ("new" in "nothing
    new"); when a yes and a no phrase both stand, the reply says neither."""
    found = [(m.start(), m.end(), answer) for answer, patterns in _says(question).items()
             for pattern in patterns for m in pattern.finditer(text.lower())]
    standing = {answer for start, end, answer in found
                if not any(s <= start and end <= e and (e - s) > (end - start) and a != answer
                           for s, e, a in found)}
    return standing.pop() if len(standing) == 1 else None


@cache
def _says(question: str) -> dict[str, list[re.Pattern]]:
    says = QUESTIONS[question].get("says") or {}
    return {answer: [re.compile(p) for p in patterns] for answer, patterns in says.items()}


def why_we_ask(question: str) -> str:
    return QUESTIONS[question]["why"]


def explain_term(text: str) -> str | None:
    """A short plain answer to "what is X?" for the words the check uses."""
    lowered = text.lower()
    for entry in CATALOGUE["glossary"].values():
        if any(name in lowered for name in entry["names"]):
            return entry["meaning"]
    return None


def known_terms() -> list[str]:
    return [entry["names"][0] for entry in CATALOGUE["glossary"].values()]

