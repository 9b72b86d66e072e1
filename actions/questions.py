"""Which question the check asks next, given the answers so far.

The wording lives in intake_questions.yml; the order and the conditions live here,
because they follow the clinical rules (actions/safety_rules): red flags first, and
a follow-up question only when the answer before it makes it matter.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

YES, NO, UNKNOWN = "yes", "no", "unknown"

RED_FLAGS = (
    "stroke_signs",
    "chest_pain_or_breathlessness",
    "clot_signs",
    "sudden_vision_loss",
    "high_fever_or_confusion",
    "sudden_severe_headache",
    "cannot_walk_or_stand_safely",
)
CONDITIONS = ("known_dvt", "heart_or_circulation_problem", "osteoporosis", "pressure_sores")

# A screen asks about a group at once; "no" answers every question of the group.
SCREENS = {"red_flag_screen": RED_FLAGS, "conditions_screen": CONDITIONS}

# (question, the earlier question and answer it depends on)
INTAKE = (
    ("active_flare_up", None),
    ("recent_relapse", None),
    ("relapse_cleared", ("recent_relapse", YES)),
    ("new_or_worsening_symptoms", None),
    ("sensory_change", None),
    ("sensory_areas", ("sensory_change", YES)),
    ("sensory_change_is_new", ("sensory_change", YES)),
    ("fever", None),
    ("infection_signs", None),
    ("fatigue_today", None),
    ("fatigue_unusual", ("fatigue_today", YES)),
    ("heat_worsening_now", None),
    ("blood_pressure_or_fainting", None),
    ("conditions_screen", None),
    ("known_dvt", None),
    ("heart_or_circulation_problem", None),
    ("heart_cleared", ("heart_or_circulation_problem", YES)),
    ("osteoporosis", None),
    ("pressure_sores", None),
    ("pressure_sore_areas", ("pressure_sores", YES)),
    ("balance_problems", None),
    ("spasticity", None),
    ("nerve_pain", None),
    ("first_massage", None),
)

# Answers that are places on the body, not yes/no.
FREE_TEXT = {"sensory_areas", "pressure_sore_areas"}


def red_flag_stops_the_check(slots: dict[str, Any]) -> bool:
    """A present (or unconfirmed) red flag ends the check at once: urgent advice next."""
    return any(slots.get(flag) in (YES, UNKNOWN) for flag in RED_FLAGS)


def required_questions(slots: dict[str, Any]) -> list[str]:
    """The questions that apply to this client, in the order they are asked."""
    if red_flag_stops_the_check(slots):
        return []
    questions = []
    if any(slots.get(flag) is None for flag in RED_FLAGS):
        questions.append("red_flag_screen")
        if slots.get("red_flag_screen") == YES:
            questions.append("red_flag_which")
    for question, depends_on in INTAKE:
        if question in SCREENS and all(slots.get(m) is not None for m in SCREENS[question]):
            continue
        if depends_on is None or slots.get(depends_on[0]) == depends_on[1]:
            questions.append(question)
    return questions


def next_question(slots: dict[str, Any]) -> str | None:
    return next((q for q in required_questions(slots) if slots.get(q) is None), None)


@lru_cache(maxsize=1)
def catalogue() -> dict[str, Any]:
    with (Path(__file__).parent / "intake_questions.yml").open(encoding="utf-8") as file:
        return yaml.safe_load(file)


def question_message(question: str) -> dict[str, Any]:
    """The question as a bot message: text, and buttons where they help."""
    entry = catalogue()["questions"][question]
    buttons = catalogue()["button_sets"][entry["buttons"]] if entry["buttons"] else []
    return {"text": entry["ask"], "buttons": buttons}


def why_we_ask(question: str) -> str:
    return catalogue()["questions"][question]["why"]


def explain_term(text: str) -> str | None:
    """A short plain answer to "what is X?" for the words the check uses."""
    lowered = text.lower()
    for entry in catalogue()["glossary"].values():
        if any(name in lowered for name in entry["names"]):
            return entry["meaning"]
    return None


def known_terms() -> list[str]:
    return [entry["names"][0] for entry in catalogue()["glossary"].values()]
