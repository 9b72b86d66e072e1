"""What the client reported before the session: one field per answer of the question
catalogue (questions.yml), plus the details (places, since when, a temperature).

Field names are the catalogue's, which are the Rasa slot names, so the dialogue glue is one
line: `ClientReport.from_slots(tracker.slots)`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, make_dataclass
from enum import Enum

from .questions import ANSWERS


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
class _Details:
    """What the client reported besides the answers: places, since when, a temperature."""

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


# One field per answer the rules read, named as the question catalogue names it (and so as
# the Rasa slot), never asked = UNKNOWN: an interrupted check cannot come out as "go ahead".
ANSWER_FIELDS: tuple[str, ...] = ANSWERS
ClientReport = make_dataclass(
    "ClientReport",
    [(name, Answer, field(default=Answer.UNKNOWN)) for name in ANSWER_FIELDS],
    bases=(_Details,),
    frozen=True,
)
ClientReport.__module__ = __name__
_ALL_FIELDS = frozenset(f.name for f in fields(ClientReport))


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
