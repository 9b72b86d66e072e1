"""Named conditions over a ClientReport, so each rule in rules.py reads like the clinical spec.

A condition answers like the client does:
  YES      the rule applies, confirmed by the client's answers;
  UNKNOWN  the rule applies only because an answer is unknown (it still fires: fail closed,
           but the reason is marked "not confirmed");
  NO       the rule does not apply.
all_of() takes the weakest of its parts and any_of() the strongest (three-valued logic), so a rule
fires exactly when the spec's "≠ no" / "≠ yes" formula holds, and is confirmed only when no unknown
answer was needed to make it fire.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from .report import Answer, ClientReport

_STRENGTH = {Answer.NO: 0, Answer.UNKNOWN: 1, Answer.YES: 2}


class Condition(Protocol):
    questions: tuple[str, ...]

    def __call__(self, report: ClientReport) -> Answer: ...

    def describe(self, label: Callable[[str], str]) -> str:
        """When it holds, in words; `label` names a question's answer (the review sheet)."""
        ...


# How each kind of question condition reads in words.
_WORDS = {
    (Answer.YES, Answer.UNKNOWN, Answer.NO): "yes or unknown",
    (Answer.NO, Answer.UNKNOWN, Answer.YES): "not a clear yes",
    (Answer.YES, Answer.NO, Answer.NO): "a clear yes",
    (Answer.NO, Answer.NO, Answer.YES): "a clear no",
}


@dataclass(frozen=True)
class _Question:
    question: str
    if_yes: Answer
    if_unknown: Answer
    if_no: Answer

    @property
    def questions(self) -> tuple[str, ...]:
        return (self.question,)

    def __call__(self, report: ClientReport) -> Answer:
        meaning = {Answer.YES: self.if_yes, Answer.UNKNOWN: self.if_unknown, Answer.NO: self.if_no}
        return meaning[report.answer(self.question)]

    def describe(self, label: Callable[[str], str]) -> str:
        return f"“{label(self.question)}” is {_WORDS[self.if_yes, self.if_unknown, self.if_no]}"


def reported(question: str) -> Condition:
    """The client said yes, or we could not find out (treated as yes, not confirmed)."""
    return _Question(question, Answer.YES, Answer.UNKNOWN, Answer.NO)


def not_confirmed(question: str) -> Condition:
    """The client did not clearly say yes (e.g. no clearance from the doctor yet, or unknown)."""
    return _Question(question, Answer.NO, Answer.UNKNOWN, Answer.YES)


def confirmed_yes(question: str) -> Condition:
    """The client clearly said yes; unknown does not count."""
    return _Question(question, Answer.YES, Answer.NO, Answer.NO)


def confirmed_no(question: str) -> Condition:
    """The client clearly said no; unknown does not count."""
    return _Question(question, Answer.NO, Answer.NO, Answer.YES)


@dataclass(frozen=True)
class _Combined:
    parts: tuple[Condition, ...]
    pick: Callable[..., Answer]  # min for all_of, max for any_of

    @property
    def questions(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(q for part in self.parts for q in part.questions))

    def __call__(self, report: ClientReport) -> Answer:
        return self.pick((part(report) for part in self.parts), key=_STRENGTH.__getitem__)

    def describe(self, label: Callable[[str], str]) -> str:
        return (" **and** " if self.pick is min else " **or** ").join(
            f"({part.describe(label)})" if isinstance(part, _Combined) else part.describe(label)
            for part in self.parts)


def all_of(*parts: Condition) -> Condition:
    return _Combined(parts, min)


def any_of(*parts: Condition) -> Condition:
    return _Combined(parts, max)


@dataclass(frozen=True)
class _TemperatureAtLeast:
    celsius: float
    questions: tuple[str, ...] = ()

    def __call__(self, report: ClientReport) -> Answer:
        measured = report.temperature_c
        return Answer.YES if measured is not None and measured >= self.celsius else Answer.NO

    def describe(self, label: Callable[[str], str]) -> str:
        return f"a temperature the client gave of {self.celsius:.1f} °C or more"


def temperature_at_least(celsius: float) -> Condition:
    """A measured temperature the client told us; no temperature given never fires on its own."""
    return _TemperatureAtLeast(celsius)


@dataclass(frozen=True)
class _Always:
    questions: tuple[str, ...] = ()

    def __call__(self, report: ClientReport) -> Answer:
        return Answer.YES

    def describe(self, label: Callable[[str], str]) -> str:
        return "every session"


def always() -> Condition:
    """For precautions that apply to every session."""
    return _Always()
