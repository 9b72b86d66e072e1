"""Turns what the client wrote into answers to the check's questions.

Two sources, both produced by NLU before the action runs: the intent (a yes, a no
or a "not sure" to the question just asked) and the clinical findings
(clinical_nlu: "no fever but my left foot has been numb since Sunday" answers
three questions at once). Findings about the past, about someone else or about a
"what if" never answer anything; a symptom reported as present may upgrade an
earlier "no" at any time, while a "no" only fills a question not yet answered.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from protocol.questions import FREE_TEXT, NO, RED_FLAGS, SCREENS, UNKNOWN, YES
from protocol.thresholds import FEVER_C, HIGH_FEVER_C

INTENT_ANSWERS = {"affirm": YES, "deny": NO, "unsure": UNKNOWN}
# A yes or no that DIET is not sure of is no answer: asked again, then "unknown".
# (Gibberish such as "lalala" came out as a 0.63 "deny".)
ANSWER_CONFIDENCE = 0.8
# "yes my neuro said it's fine": a clear yes or no word opening a bare answer answers
# the question, over the intent DIET guessed ("no idea" is no answer, and a "not sure"
# intent always stays unknown).
LEADING_WORDS = {
    **dict.fromkeys(("yes", "yeah", "yep", "yup", "yea", "yeh", "yess", "ya", "y"), YES),
    **dict.fromkeys(("no", "nope", "nah", "n", "noo"), NO),
}
NOT_AN_ANSWER_AFTER = {"idea", "clue", "doubt"}
# A no must be said, not guessed: DIET has read gibberish ("lalala") as a 0.98 "deny",
# which would record "no" to a safety question. A "deny" counts only with a word that
# can carry a no; otherwise the question is asked again, then recorded as "not sure".
SAYS_NO = re.compile(
    r"\b(no+|nop|nope|nah|n|not|nothing|none|never|neither|nor|negative|zero|nil|fine|ok"
    r"|okay|alright|well|good|clear|normal|usual|unchanged|same)\b"
    r"|\b(ai|are|ca|could|did|does|do|had|has|have|is|must|should|was|were|wo|would)n'?t\b",
    re.IGNORECASE,
)
# Doubt is not a no: DIET has read "i'm not sure if it's a cold or hayfever" as "deny",
# and "nah, not sure" opens with a no. Said with doubt, a no is recorded as "not sure",
# which fails closed.
DOUBT = re.compile(
    r"\b(not (really |quite |totally |entirely |100% )?(sure|certain)|unsure|uncertain|dunno"
    r"|no idea|(don't|dont|do not|can't|cant|cannot) (really )?(know|tell|say)(?! of\b)"
    r"|maybe|perhaps|possibly|might|hard to (say|tell)|who knows)\b",
    re.IGNORECASE,
)
# Intents the dialogue rules answer (why, what is, a person, start over, bye, forget me).
DIGRESSIONS = {"ask_why", "ask_term", "request_human", "start_over", "goodbye", "delete_my_data"}
# Set by precheck/nlu/message_guard.py on a message too long to read: it answers nothing,
# and the rules say so while the open question stays open.
TOO_LONG = "message_too_long"

MAX_FREE_TEXT = 200

UNCLEAR_HINT = "Sorry, I didn't catch that. You can tap a button, or answer yes, no or not sure."
RECORDED_AS_UNKNOWN = "Thanks. I'll note that as \"not sure\"."


@dataclass
class Turn:
    """What one client message changes: slot updates and any message to say first."""

    updates: dict[str, Any] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)


def findings_to_answers(
    entities: Iterable[Mapping[str, Any]], finding_slots: Mapping[str, str]
) -> dict[str, Any]:
    """Answers stated in free text, from clinical findings and button entities."""
    answers: dict[str, Any] = {}
    for entity in entities:
        kind, value, role = entity.get("entity"), entity.get("value"), entity.get("role")
        if kind == "red_flag" and value in RED_FLAGS:
            answers[value] = YES
        elif kind == "finding" and value in finding_slots:
            _apply_finding(answers, finding_slots[value], role or "present")
        elif kind == "temperature":
            _apply_temperature(answers, value)
    _apply_onset(answers, entities)
    if answers.get("sensory_change") == YES and body_parts(entities):
        answers.setdefault("sensory_areas", ", ".join(body_parts(entities)))
    return answers


def _apply_finding(answers: dict[str, Any], slot: str, context: str) -> None:
    if context == "present":
        answers[slot] = YES
    elif context == "negated":
        answers.setdefault(slot, NO)
    elif context == "stable" and slot == "sensory_change":
        answers[slot] = YES
        answers.setdefault("sensory_change_is_new", NO)
    elif context == "stable" and slot == "fatigue_today":
        answers[slot] = YES
        answers.setdefault("fatigue_unusual", NO)


def _apply_temperature(answers: dict[str, Any], value: Any) -> None:
    try:
        celsius = float(value)
    except (TypeError, ValueError):
        return
    answers["temperature_c"] = celsius
    if celsius >= HIGH_FEVER_C:
        answers["high_fever_or_confusion"] = YES
    answers["fever"] = YES if celsius >= FEVER_C else answers.get("fever", NO)


def _apply_onset(answers: dict[str, Any], entities: Iterable[Mapping[str, Any]]) -> None:
    """A sensory change said to be recent is new; one felt for years is long-standing."""
    if answers.get("sensory_change") != YES:
        return
    for entity in entities:
        if entity.get("entity") == "onset":
            new = NO if entity.get("role") == "long_standing" else YES
            answers.setdefault("sensory_change_is_new", new)
            answers.setdefault("sensory_since", str(entity.get("value")))


def body_parts(entities: Iterable[Mapping[str, Any]]) -> list[str]:
    return [str(e["value"]) for e in entities if e.get("entity") == "body_part"]


def answer_to_question(
    question: str | None, message: Mapping[str, Any], stated: Mapping[str, Any]
) -> Any:
    """The answer to the question just asked, or None if the message gave none.

    A message that states something about other questions ("no fever" in reply to the
    numbness question) is about those: its yes or no does not answer this one, which
    is asked again. Findings that answer nothing (someone else's, past, what-if) do not
    count: "no, my sister has flu" is a plain no.
    """
    if question is None:
        return None
    if question in stated:
        return stated[question]
    intent = (message.get("intent") or {}).get("name")
    entities = message.get("entities") or []
    if question in FREE_TEXT:
        return _place_answer(intent, message.get("text") or "", entities)
    if question == "sensory_change_is_new":
        onset = [e for e in entities if e.get("entity") == "onset"]
        if onset:
            return NO if onset[0].get("role") == "long_standing" else YES
    if intent == "unsure":
        return UNKNOWN
    if stated:
        return None
    return yes_no_answer(message)


def yes_no_answer(message: Mapping[str, Any]) -> str | None:
    """The yes, no or "not sure" a message gives, or None when it gives none clearly."""
    intent = message.get("intent") or {}
    text = (message.get("text") or "").replace("\u2019", "'")
    answer = leading_answer(text)
    if answer is None and intent.get("confidence", 1.0) >= ANSWER_CONFIDENCE:
        answer = INTENT_ANSWERS.get(intent.get("name"))
    if answer != NO or is_payload(text):
        return answer
    if DOUBT.search(text):
        return UNKNOWN
    return NO if SAYS_NO.search(text) else None


def is_payload(text: str) -> bool:
    """A button's payload ("/deny") is a choice the client made, not text DIET guessed."""
    return text.lstrip().startswith("/")


def leading_answer(text: str) -> str | None:
    words = re.findall(r"[a-z']+", text.lower())
    if not words or (len(words) > 1 and words[1] in NOT_AN_ANSWER_AFTER):
        return None
    return LEADING_WORDS.get(words[0])


def _place_answer(intent: str | None, text: str, entities: list) -> str:
    if intent == "unsure":
        return UNKNOWN
    return ", ".join(body_parts(entities)) or text.strip()[:MAX_FREE_TEXT] or UNKNOWN


def merge(current: Mapping[str, Any], stated: Mapping[str, Any], question: str | None) -> dict:
    """Stated answers that may change the slots (see the module docstring)."""
    updates = {}
    for slot, value in stated.items():
        may_change = value == YES or current.get(slot) is None or slot == question
        if may_change and current.get(slot) != value:
            updates[slot] = value
    return updates


def answer_screens(slots: Mapping[str, Any], updates: dict[str, Any]) -> None:
    """A "no" to a screen answers every open question of its group; so does a "not
    sure" about red flags, which must then be treated as possibly present."""
    merged = {**slots, **updates}
    for screen, members in SCREENS.items():
        answer = merged.get(screen)
        if answer == NO or (answer == UNKNOWN and members is RED_FLAGS):
            for member in members:
                if merged.get(member) is None:
                    updates[member] = answer
    if merged.get("red_flag_which") == UNKNOWN:
        for flag in RED_FLAGS:
            if merged.get(flag) is None:
                updates[flag] = UNKNOWN


def understand(
    message: Mapping[str, Any],
    slots: Mapping[str, Any],
    question: str | None,
    finding_slots: Mapping[str, str],
) -> Turn | None:
    """Interprets one message; None means a digression for the dialogue rules."""
    entities = message.get("entities") or []
    if any(entity.get("entity") == TOO_LONG for entity in entities):
        return None
    stated = findings_to_answers(entities, finding_slots)
    intent = (message.get("intent") or {}).get("name")
    if intent in DIGRESSIONS and not stated:
        return None
    answer = answer_to_question(question, message, stated)
    if answer is not None:
        stated[question] = answer
    turn = Turn(updates=merge(slots, stated, question))
    if answer is None and question is not None and not turn.updates:
        _unclear(turn, slots, question)
    answer_screens(slots, turn.updates)
    return turn


def _unclear(turn: Turn, slots: Mapping[str, Any], question: str) -> None:
    """First unclear answer: ask again. Second: record "unknown" (fails closed)."""
    if slots.get("unclear_answer") == question:
        turn.updates[question] = UNKNOWN
        turn.updates["unclear_answer"] = None
        turn.messages.append(RECORDED_AS_UNKNOWN)
    else:
        turn.updates["unclear_answer"] = question
        turn.messages.append(UNCLEAR_HINT)


def understand_history(
    messages: Iterable[Mapping[str, Any]], finding_slots: Mapping[str, str]
) -> dict[str, Any]:
    """Answers the client gave before the check started (e.g. in their first message)."""
    answers: dict[str, Any] = {}
    for message in messages:
        stated = findings_to_answers(message.get("entities") or [], finding_slots)
        answers.update(merge(answers, stated, None))
    return answers

