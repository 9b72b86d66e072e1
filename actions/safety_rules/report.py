"""What the client reported before the session, one field per intake question.

Field names are the Rasa slot names of docs/contracts.md section 1, so the dialogue glue is one
line: `ClientReport.from_slots(tracker.slots)`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from enum import Enum


class Answer(str, Enum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"

    @classmethod
    def parse(cls, value: object) -> Answer:
        """Only a clear "yes" or "no" counts as an answer.

        Anything else (None = never asked, "unknown", an unclear or malformed value) is UNKNOWN,
        because an unknown answer is never treated less carefully than "yes" (fail closed).
        """
        if isinstance(value, str) and value.strip().lower() in (cls.YES.value, cls.NO.value):
            return cls(value.strip().lower())
        return cls.UNKNOWN


@dataclass(frozen=True)
class ClientReport:
    # Red flags (R1–R7)
    stroke_signs: Answer = Answer.UNKNOWN
    chest_pain_or_breathlessness: Answer = Answer.UNKNOWN
    clot_signs: Answer = Answer.UNKNOWN
    sudden_vision_loss: Answer = Answer.UNKNOWN
    high_fever_or_confusion: Answer = Answer.UNKNOWN
    sudden_severe_headache: Answer = Answer.UNKNOWN
    cannot_walk_or_stand_safely: Answer = Answer.UNKNOWN
    # Postpone and shorten (P1–P9, S1–S3)
    active_flare_up: Answer = Answer.UNKNOWN
    recent_relapse: Answer = Answer.UNKNOWN
    relapse_cleared: Answer = Answer.UNKNOWN
    new_or_worsening_symptoms: Answer = Answer.UNKNOWN
    sensory_change: Answer = Answer.UNKNOWN
    sensory_change_is_new: Answer = Answer.UNKNOWN
    fever: Answer = Answer.UNKNOWN
    infection_signs: Answer = Answer.UNKNOWN
    fatigue_today: Answer = Answer.UNKNOWN
    fatigue_unusual: Answer = Answer.UNKNOWN
    heat_worsening_now: Answer = Answer.UNKNOWN
    blood_pressure_or_fainting: Answer = Answer.UNKNOWN
    known_dvt: Answer = Answer.UNKNOWN
    heart_or_circulation_problem: Answer = Answer.UNKNOWN
    heart_cleared: Answer = Answer.UNKNOWN
    first_massage: Answer = Answer.UNKNOWN
    # Session precautions (G6–G10)
    spasticity: Answer = Answer.UNKNOWN
    nerve_pain: Answer = Answer.UNKNOWN
    osteoporosis: Answer = Answer.UNKNOWN
    pressure_sores: Answer = Answer.UNKNOWN
    balance_problems: Answer = Answer.UNKNOWN
    # Details, not answers
    sensory_areas: tuple[str, ...] = ()
    sensory_since: str | None = None
    temperature_c: float | None = None
    pressure_sore_areas: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # Normalise here rather than trust the caller: slots arrive as plain strings and lists.
        for question in ANSWER_FIELDS:
            object.__setattr__(self, question, Answer.parse(getattr(self, question)))
        object.__setattr__(self, "sensory_areas", _areas(self.sensory_areas))
        object.__setattr__(self, "pressure_sore_areas", _areas(self.pressure_sore_areas))
        object.__setattr__(self, "sensory_since", _text(self.sensory_since))
        object.__setattr__(self, "temperature_c", _celsius(self.temperature_c))

    @classmethod
    def from_slots(cls, slots: Mapping[str, object]) -> ClientReport:
        """Build a report from Rasa slot values; slots that are not intake fields are ignored."""
        return cls(**{name: value for name, value in slots.items() if name in _ALL_FIELDS})

    def answer(self, question: str) -> Answer:
        return getattr(self, question)


ANSWER_FIELDS: tuple[str, ...] = tuple(
    field.name for field in fields(ClientReport) if isinstance(field.default, Answer)
)
_ALL_FIELDS = frozenset(field.name for field in fields(ClientReport))


def _areas(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, (list, tuple)) else (value,)
    return tuple(text for text in (str(item).strip() for item in items) if text)


def _text(value: object) -> str | None:
    text = "" if value is None else str(value).strip()
    return text or None


def _celsius(value: object) -> float | None:
    """A temperature that cannot be read is dropped; the fever question still covers it."""
    if value is None or isinstance(value, bool):
        return None
    try:
        celsius = float(value)
    except (TypeError, ValueError):
        return None
    return celsius if math.isfinite(celsius) else None
