"""Turn a Decision into the client's message and the therapist's summary."""

from __future__ import annotations

from .engine import Decision, Reason
from .questions import FOLLOW_UPS
from .report import ANSWER_FIELDS, Answer, ClientReport
from .rules import RULES, Level

# Keyed by the situation: URGENT stands for "postpone + urgent care".
_CLIENT_HEADLINE = {
    Level.URGENT: (
        "Please get medical help now: call your local emergency number or go to urgent care."
    ),
    Level.POSTPONE: "Please do not have your massage for now; we will move it to a later date.",
    Level.SHORTEN: (
        "You can come for your massage, but we will book a short session of about 30 minutes."
    ),
    Level.PROCEED_GENTLY: "You can come for your massage as planned, and it will be gentle.",
}
_CLIENT_NEXT_STEP = {
    Level.URGENT: (
        "Do not have a massage today. Once a doctor has seen you, call the clinic to book again."
    ),
    Level.POSTPONE: "Please call the clinic to talk it over and to book a new date.",
    Level.SHORTEN: "If anything changes before your session, please call the clinic first.",
    Level.PROCEED_GENTLY: "If anything changes before your session, please call the clinic first.",
}
# Red flags we could not rule out are grouped, so the client reads the advice once, not per sign.
_NOT_RULED_OUT = (
    "We could not rule out these signs. If you have any of them now, please get medical help now:"
)
_TOPIC = {rule.rule_id: rule.topic for rule in RULES}
_DISCLAIMER = (
    "This check is not a medical device. It does not diagnose you and does not take the place of"
    " your doctor. You can call the clinic at any time{phone}."
)
_THERAPIST_OUTCOME = {
    Level.URGENT: (
        "POSTPONE + URGENT CARE: do not treat; the client was told to get medical help now."
    ),
    Level.POSTPONE: "POSTPONE: cancel or move the booking.",
    Level.SHORTEN: "SHORTEN: 30-minute protocol, plus every precaution below.",
    Level.PROCEED_GENTLY: "PROCEED GENTLY: as booked, with the precautions below.",
}


def client_message(decision: Decision, clinic_phone: str | None) -> str:
    situation = _situation(decision)
    parts = [_CLIENT_HEADLINE[situation]]
    reasons = _reasons_for_client(decision)
    not_ruled_out = [r for r in reasons if r.level is Level.URGENT and not r.confirmed]
    why = [r.client_text for r in reasons if r not in not_ruled_out]
    if why:
        parts.append(_bullets("Why:", why))
    # With a red flag confirmed the check stops before asking the others; listing those
    # as "not ruled out" would only bury the one instruction that matters.
    if not_ruled_out and not _red_flag_confirmed(reasons):
        parts.append(_bullets(_NOT_RULED_OUT, [_TOPIC[r.rule_id] for r in not_ruled_out]))
    parts.append(_CLIENT_NEXT_STEP[situation])
    if decision.outcome is not Level.POSTPONE:
        parts.append(_bullets("In your session:", [p.client_text for p in decision.precautions]))
    # A missing phone slot must not print "None" into a safety message.
    parts.append(_DISCLAIMER.format(phone=f": {clinic_phone}" if clinic_phone else ""))
    return "\n\n".join(parts)


def _red_flag_confirmed(reasons: list[Reason]) -> bool:
    return any(r.level is Level.URGENT and r.confirmed for r in reasons)


def therapist_summary(decision: Decision, report: ClientReport) -> str:
    precautions_heading = (
        "Precautions (for when the client rebooks):"
        if decision.outcome is Level.POSTPONE
        else "Precautions for this session:"
    )
    outcome = _THERAPIST_OUTCOME[_situation(decision)]
    lines = [f"Outcome: {outcome} (rules {decision.rules_version})"]
    if decision.reasons:
        lines.append("Reasons:")
        lines += [f"- {r.rule_id} ({r.level.value}): {r.therapist_text}" for r in decision.reasons]
    else:
        lines.append("Reasons: none.")
    lines.append(precautions_heading)
    lines += [f"- {p.rule_id}: {p.therapist_text}" for p in decision.precautions]
    lines += ["Client reported:", *_reported(report)]
    unconfirmed = [r.rule_id for r in (*decision.reasons, *decision.precautions) if not r.confirmed]
    if unconfirmed:
        lines.append(f"Not confirmed (answer unknown, ask the client): {', '.join(unconfirmed)}.")
    return "\n".join(lines)


def _situation(decision: Decision) -> Level:
    return Level.URGENT if decision.urgent_care else decision.outcome


def _reasons_for_client(decision: Decision) -> list[Reason]:
    """Only the reasons behind the outcome.

    A short-session reason means nothing when the massage is postponed. When urgent care is
    needed, unconfirmed postpone reasons are left out so that nothing buries the emergency.
    """
    situation = _situation(decision)
    return [
        reason
        for reason in decision.reasons
        if reason.level is situation
        or (decision.urgent_care and reason.level is Level.POSTPONE and reason.confirmed)
    ]


def _not_asked(report: ClientReport, question: str) -> bool:
    """A follow-up the answers before it made pointless ("relapse cleared" after no relapse):
    no answer, but none was needed, unlike a "not sure" the therapist should ask about."""
    condition = FOLLOW_UPS.get(question)
    return (condition is not None and report.answer(question) is Answer.UNKNOWN
            and any(report.answer(earlier).value != answer
                    for earlier, answer in condition.items()))


def _bullets(heading: str, items: list[str]) -> str:
    return "\n".join([heading, *(f"- {item}" for item in items)])


def _reported(report: ClientReport) -> list[str]:
    not_asked = [q for q in ANSWER_FIELDS if _not_asked(report, q)]

    def questions(answer: Answer) -> list[str]:
        return [q.replace("_", " ") for q in ANSWER_FIELDS
                if report.answer(q) is answer and q not in not_asked]

    yes, unknown = questions(Answer.YES), questions(Answer.UNKNOWN)
    lines = [f"- Yes: {', '.join(yes) or 'none'}.", f"- Unknown: {', '.join(unknown) or 'none'}."]
    if not_asked:
        lines.append(f"- Not asked (did not apply): "
                     f"{', '.join(q.replace('_', ' ') for q in not_asked)}.")
    if questions(Answer.NO):
        lines.append("- No: every other question.")
    if report.sensory_areas or report.sensory_since:
        areas = ", ".join(report.sensory_areas) or "areas not named"
        since = report.sensory_since or "not said"
        lines.append(f"- Numbness or tingling: {areas}; since: {since}.")
    if report.temperature_c is not None:
        lines.append(f"- Temperature: {report.temperature_c:.1f} °C.")
    if report.pressure_sore_areas:
        lines.append(f"- Pressure sores: {', '.join(report.pressure_sore_areas)}.")
    return lines
