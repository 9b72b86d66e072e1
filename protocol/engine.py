"""Evaluate every rule of the table against a report and combine them into one decision."""

from __future__ import annotations

from dataclasses import dataclass

from .report import Answer, ClientReport
from .rules import (
    NOT_CONFIRMED_CLIENT_TEXT,
    NOT_CONFIRMED_THERAPIST_NOTE,
    RULES,
    RULES_VERSION,
    Level,
    Rule,
)


@dataclass(frozen=True)
class Reason:
    rule_id: str
    level: Level
    confirmed: bool  # False when the rule fired only because an answer was unknown
    client_text: str
    therapist_text: str
    source: str


@dataclass(frozen=True)
class Decision:
    outcome: Level  # postpone, shorten or proceed_gently; never urgent (that is urgent_care)
    urgent_care: bool
    reasons: tuple[Reason, ...]  # red flags, postpone and shorten rules that fired, in table order
    precautions: tuple[Reason, ...]  # "gently" rules; also when postponed, for the rebooking
    rules_version: str = RULES_VERSION

    def payload(self) -> dict[str, object]:
        """The machine-readable contract the dialogue sends (docs/contracts.md section 1)."""
        return {
            "advice": self.outcome.value,
            "urgent_care": self.urgent_care,
            "reasons": [reason.rule_id for reason in self.reasons],
            "unconfirmed": [reason.rule_id for reason in self.reasons if not reason.confirmed],
            "rules_version": self.rules_version,
        }


def evaluate(report: ClientReport) -> Decision:
    fired = [
        _reason(rule, verdict, report)
        for rule in RULES
        if (verdict := rule.condition(report)) is not Answer.NO
    ]
    reasons = tuple(r for r in fired if r.level is not Level.PROCEED_GENTLY)
    precautions = tuple(r for r in fired if r.level is Level.PROCEED_GENTLY)
    most_conservative = max(
        (r.level for r in reasons), key=lambda level: level.rank, default=Level.PROCEED_GENTLY
    )
    urgent_care = most_conservative is Level.URGENT
    return Decision(
        outcome=Level.POSTPONE if urgent_care else most_conservative,
        urgent_care=urgent_care,
        reasons=reasons,
        precautions=precautions,
    )


_AREAS_NOT_NAMED = " (areas not named — ask the client)"


def _reason(rule: Rule, verdict: Answer, report: ClientReport) -> Reason:
    confirmed = verdict is Answer.YES
    if confirmed:
        client_text = rule.client_text.format_map(_areas(report, if_not_named=""))
        therapist_text = rule.therapist_text.format_map(_areas(report, _AREAS_NOT_NAMED))
    else:
        client_text = NOT_CONFIRMED_CLIENT_TEXT[rule.level].format(topic=rule.topic)
        therapist_note = rule.therapist_text.format_map(_areas(report, if_not_named=""))
        therapist_text = f"{therapist_note} {NOT_CONFIRMED_THERAPIST_NOTE}"
    return Reason(rule.rule_id, rule.level, confirmed, client_text, therapist_text, rule.source)


def _areas(report: ClientReport, if_not_named: str) -> dict[str, str]:
    """Body areas for the {numb_areas} and {sore_areas} slots in the rule texts."""

    def listed(areas: tuple[str, ...]) -> str:
        return f" ({', '.join(areas)})" if areas else if_not_named

    return {
        "numb_areas": listed(report.sensory_areas),
        "sore_areas": listed(report.pressure_sore_areas),
    }
