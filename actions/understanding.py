"""Turns what the client wrote into answers to the check's questions.

What NLU produced before the action runs: the clinical findings (clinical_nlu: "no fever
but my left foot has been numb since Sunday" answers three questions at once), the words
(clinical_nlu.polarity, and the catalogue's phrases per question), and DIET's intent,
which only speaks where the words and findings say nothing. A symptom reported as present
may upgrade an earlier "no" at any time, while a "no" only fills a question not yet
answered.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from clinical_nlu import polarity, vocabulary
from protocol import questions
from protocol.questions import FREE_TEXT, NO, QUESTIONS, RED_FLAGS, SCREENS, UNKNOWN, YES
from protocol.thresholds import FEVER_C, FEVER_F, HIGH_FEVER_C, HIGH_FEVER_F

INTENT_ANSWERS = {"affirm": YES, "deny": NO, "unsure": UNKNOWN}
POLARITY = {"yes": YES, "no": NO, "unsure": UNKNOWN}
# A yes or no that DIET is not sure of is no answer: asked again, then "unknown".
# (Gibberish such as "lalala" came out as a 0.63 "deny".)
ANSWER_CONFIDENCE = 0.8
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
# Doubt strong enough to unsettle a yes the findings or phrases state ("I think he said yes?
# I can't remember"); a "maybe" beside a symptom ("a little maybe, my face feels tingly") is
# still a yes.
UNSURE_OF_IT = re.compile(
    r"\b(not (really |quite |totally |entirely |100% )?(sure|certain)|unsure|uncertain|dunno"
    r"|no idea|idk|(don'?t|do not|can'?t|cannot|couldn'?t) (really |honestly )?(know|tell|say"
    r"|remember|recall|be sure)|hard to (say|tell)|who knows)\b(?! why)",
    re.IGNORECASE,
)
# A yes said as the reply's first word, which a no in the findings or phrases cannot
# outweigh ("yes, but it's the same as always"); "I always have a bit of a cough, nothing
# different" or "i have 3 kids so its explained" open with no such word.
LEADING_YES = re.compile(r"^\W*(yes+|yeah|yep|yup|yea|yeh|ya|y|kinda|kind of|sort of|a bit|"
                         r"a little|slightly|somewhat)\b", re.IGNORECASE)
# A doctor's word lowers the advice (returning after a relapse is shortened, not postponed):
# it is a yes only in so many words, or a plain yes, never an "I have ..." or "I did ...".
CLEARANCES = {"relapse_cleared", "heart_cleared"}
CLEARED_YES = re.compile(r"^\W*(yes+|yeah|yep|yup|yea|yeh|ya|y|aye|definitely|absolutely"
                         r"|of course|correct|(he|she|they) (did|has|have)(?! not))\b",
                         re.IGNORECASE)
# Intents the dialogue rules answer (why, what is, a person, start over, bye, forget me).
DIGRESSIONS = {"ask_why", "ask_term", "request_human", "start_over", "goodbye", "delete_my_data"}
# Set by precheck/nlu/message_guard.py on a message too long to read: it answers nothing,
# and the rules say so while the open question stays open.
TOO_LONG = "message_too_long"

MAX_FREE_TEXT = 200
# Every question is settled within this many client replies, digressions included: on the
# last, a reply that answers nothing is recorded "not sure" (no dead end, and fail closed).
MAX_TURNS = 3
# What the rules still answer on the last turn: leaving, a person, starting again, privacy.
ALWAYS_ANSWERED = {"request_human", "start_over", "goodbye", "delete_my_data"}

UNCLEAR_HINT = "Sorry, I didn't catch that. You can tap a button, or answer yes, no or not sure."
RECORDED_AS_UNKNOWN = "Thanks. I'll note that as \"not sure\"."


@dataclass
class Turn:
    """What one client message changes: slot updates and any message to say first."""

    updates: dict[str, Any] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)


def findings_to_answers(
    entities: Iterable[Mapping[str, Any]], finding_slots: Mapping[str, str], text: str = ""
) -> dict[str, Any]:
    """Answers stated in free text (`text`), from clinical findings and button entities."""
    answers: dict[str, Any] = {}
    # "my eye went dark this morning, it's mostly back now": a red flag that came and went
    # today is still a red flag (a passing stroke sign is the warning); one three weeks ago
    # that went off on its own is a history for the relapse questions.
    recent = any(e.get("entity") == "onset" and (
        e.get("role") == "sudden" or TODAY.search(str(e.get("value", "")))) for e in entities)
    for entity in entities:
        kind, value, role = entity.get("entity"), entity.get("value"), entity.get("role")
        if kind == "red_flag" and value in RED_FLAGS:
            answers[value] = YES
        elif kind == "finding" and value in finding_slots and not _a_condition(entity, text):
            slot = finding_slots[value]
            if role == "historical" and (recent and slot in RED_FLAGS or slot in LIFELONG):
                role = "present"
            if role == "present" and slot == "active_flare_up" and (
                    _ended_ago(entities, text) or _dated_by(entity, text)):
                role = "historical"
            _apply_finding(answers, slot, role or "present")
        elif kind == "temperature":
            _apply_temperature(answers, value, role)
    beside = _new_beside_old(entities, finding_slots)
    if beside:
        # "always a bit numb but the burning started monday": the old one says nothing of
        # whether the feeling is new
        answers.pop("sensory_change_is_new", None)
    _apply_onset(answers, entities, old_says_no=not beside)
    places_in_passing(answers, entities, text)
    return answers


def _new_beside_old(entities: Iterable[Mapping[str, Any]],
                    finding_slots: Mapping[str, str]) -> bool:
    roles = {e.get("role") for e in entities if e.get("entity") == "finding"
             and finding_slots.get(e.get("value")) == "sensory_change"}
    return {"stable", "present"} <= roles


AGO = re.compile(r"\bago\b")


def _ended_ago(entities: Iterable[Mapping[str, Any]], text: str) -> bool:
    """"my relapse of one month ago": a relapse dated in the past, not said to go on."""
    dated = any(e.get("entity") == "onset" and AGO.search(str(e.get("value", "")))
                and not str(e.get("value", "")).lower().startswith("since") for e in entities)
    return dated and not GOES_ON.search(text.lower())


# "first time back since my relapse", "I come back after my relapse": the relapse is the
# point time is counted from, so it is behind the client.
DATED_BY = re.compile(
    r"\b(since|after|before) (my|the|that|her|his|this) (last |recent |latest )?$")


# "my eyes go a touch double when I'm exhausted": the tiredness is when it happens, not
# how the client is today.
CONDITION = re.compile(r"\b(when|whenever|if) (i'?m|im|i am|i get|i feel)( really| very| a bit)? $")


def _a_condition(entity: Mapping[str, Any], text: str) -> bool:
    start = entity.get("start")
    return isinstance(start, int) and CONDITION.search(text[:start].lower()) is not None


def _dated_by(entity: Mapping[str, Any], text: str) -> bool:
    start = entity.get("start")
    return isinstance(start, int) and DATED_BY.search(text[:start].lower()) is not None


def places_in_passing(answers: dict[str, Any], entities: Iterable[Mapping[str, Any]],
                      text: str) -> None:
    """"yes, one on my tailbone": the places a yes names answer its "where?" follow-up."""
    named = body_parts(entities, text)
    for question in FREE_TEXT if named else ():
        condition = QUESTIONS[question].get("asked_if") or {}
        if condition and all(answers.get(q) == a for q, a in condition.items()):
            answers.setdefault(question, ", ".join(named))


# "not today" is no today: "sometimes my chest gets tight, but not today"
TODAY = re.compile(r"\b(?<!not )(?<!nothing like that )(today|this (morning|afternoon|evening)"
                   r"|tonight|last night|an? hour|hours|minutes|earlier|just now|yesterday)\b")


# What the client lives with: long-standing is still a yes.
LASTING_CONDITIONS = {"balance_problems", "spasticity", "nerve_pain", "osteoporosis",
                      "heart_or_circulation_problem", "pressure_sores"}


# ... and what stays with them once told: "a stent in 2020, I'm fine now" is a heart problem
LIFELONG = {"heart_or_circulation_problem", "osteoporosis"}


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
    elif context == "stable" and slot in LASTING_CONDITIONS:
        answers[slot] = YES  # "wobbly, but that's normal for me": it applies to the client
    elif context == "stable" and slot == "infection_signs":
        # "runny nose, but that's my usual hay fever": the client's everyday, not an infection
        answers.setdefault(slot, NO)


def _apply_temperature(answers: dict[str, Any], value: Any, scale: str | None) -> None:
    """A reading (in °C) against the thresholds, in the scale the client read it in: 102 °F
    is 38.9 °C, and 102 °F is a high fever."""
    try:
        celsius = float(value)
    except (TypeError, ValueError):
        return
    answers["temperature_c"] = celsius
    reading, fever, high = celsius, FEVER_C, HIGH_FEVER_C
    if scale == "fahrenheit":
        reading, fever, high = round(celsius * 9 / 5 + 32, 1), FEVER_F, HIGH_FEVER_F
    if reading >= high:
        answers["high_fever_or_confusion"] = YES
    answers["fever"] = YES if reading >= fever else answers.get("fever", NO)


SHORT_REPLY_WORDS = 3
BARE_NUMBER = re.compile(r"(?<![\w.,])(\d{2,3}(?:[.,]\d)?)(?![\w.,]*\d)")


def bare_temperature(question: str | None, message: Mapping[str, Any],
                     entities: list) -> list[dict[str, Any]]:
    """"YES 102", "38ish", "101.5 this morning" to the fever question: a number alone is the
    temperature there (elsewhere clinical_nlu wants a word for it, "temp 38"), Celsius or
    Fahrenheit by its range; but only a decimal, one with "ish", or in a reply of a few
    words ("no fever in 40 years" gives no reading)."""
    read = any(e.get("entity") == "temperature" for e in entities)
    # a reading clinical_nlu left out: "my son had 39.4 yesterday"
    left_out = any(e.get("entity") == "finding" and e.get("value") in vocabulary.FEVERS
                   and e.get("role") in vocabulary.NOT_NOW for e in entities)
    if question != "fever" or read or left_out:
        return []
    spec = vocabulary.cached()["temperature"]
    text = message.get("text") or ""
    short = len(text.split()) <= SHORT_REPLY_WORDS
    for match in BARE_NUMBER.finditer(text):
        if not (short or "." in match.group(1) or "," in match.group(1)
                or text[match.end():match.end() + 3].lower() == "ish"):
            continue
        value = float(match.group(1).replace(",", "."))
        for scale, (low, high) in (("celsius", spec["celsius_range"]),
                                   ("fahrenheit", spec["fahrenheit_range"])):
            if low <= value <= high:
                celsius = value if scale == "celsius" else round((value - 32) * 5 / 9, 1)
                return [{"entity": "temperature", "value": celsius, "role": scale}]
    return []


def _apply_onset(answers: dict[str, Any], entities: Iterable[Mapping[str, Any]],
                 old_says_no: bool) -> None:
    """A sensory change said to be recent is new; one felt for years is long-standing."""
    if answers.get("sensory_change") != YES:
        return
    onsets = [entity for entity in entities if entity.get("entity") == "onset"]
    if onsets:
        # "numb since 2015 but worse this week", "always a bit numb but the burning started
        # monday": any recent onset makes it new, whatever an old one said
        old = all(entity.get("role") == "long_standing" for entity in onsets)
        if not old:
            answers["sensory_change_is_new"] = YES
        elif old_says_no:
            # not beside a new feeling: "numb feet a long time, but this tingling is new"
            answers.setdefault("sensory_change_is_new", NO)
        answers.setdefault("sensory_since", str(onsets[0].get("value")))


def body_parts(entities: Iterable[Mapping[str, Any]], text: str) -> list[str]:
    """The places named, in the client's own words ("left heel", "tailbone"), for the
    therapist; each once."""
    named = [_words_at(text, e) or str(e["value"])
             for e in entities if e.get("entity") == "body_part"]
    return list(dict.fromkeys(named))


def _words_at(text: str, entity: Mapping[str, Any]) -> str:
    start, end = entity.get("start"), entity.get("end")
    return " ".join(text[start:end].lower().split()) if start is not None and end else ""


def answer_to_question(
    question: str | None, message: Mapping[str, Any], stated: Mapping[str, Any],
    finding_slots: Mapping[str, str] | None = None,
) -> Any:
    """The answer to the question just asked, or None if the message gave none.

    In this order: places where the question asks for them; a red flag named, for a
    screen; what the findings say about the question's own topic ("no fever"), a phrase
    the catalogue lists for it ("been going for years") or, for "is it new?", an onset (a
    no with doubt or a yes in the words is "not sure"); the topic as over or as someone
    else's ("my son's had a cold, I'm fine"), a no now; then a yes, no or "not sure" in
    words. A yes or no said in the same clause as findings about other questions ("yes my
    foot is numb" to the fever question) is about those, and the question is asked again;
    said on its own ("no, but my foot is numb") it answers the question.
    """
    if question is None:
        return None
    intent = (message.get("intent") or {}).get("name")
    entities = message.get("entities") or []
    text = words_read(message)
    if question in FREE_TEXT:
        return stated.get(question) or _place_answer(intent, message, entities)
    members = SCREENS.get(question, ())
    if any(stated.get(member) == YES for member in members):
        return YES  # a red flag named is a yes to the screen, whatever the first word says
    if members and NONE_ON_THE_LIST.search(text.lower()) and \
            polarity.reading(text, "presence") != "unsure":
        # "I use a wheelchair. No new weakness, and nothing else on that list."
        return _no_unless_unread(question, message, entities)
    if _over_since(question, text, entities, finding_slots or {}):
        return NO
    if any(e.get("entity") == "finding" for e in entities) and _anothers(
            question, text, entities, finding_slots or {}):
        return NO  # before the question's own words: "my dad has a pacemaker but I'm fine"
    said = (stated.get(question) or questions.statement(question, text)
            or _about(question, entities))
    if question == "sensory_change_is_new" and said is None:
        onsets = [e.get("role") for e in entities if e.get("entity") == "onset"]
        if onsets:
            said = NO if all(role == "long_standing" for role in onsets) else YES
    if said is None and _only_usual(question, entities, text):
        said = NO
    if said is not None:
        # Doubt is never a no ("not sure, my foot feels odd but I wouldn't call it numb"), nor
        # a yes ("I think he said yes? it was a really quick phone call": a clearance not
        # confirmed), and words against findings settle nothing safer than "not sure".
        in_words = polarity.reading(text, "presence")
        against = in_words == "unsure" or (in_words == YES and LEADING_YES.match(text))
        doubted = (said == NO and against) or (
            said == YES and UNSURE_OF_IT.search(text) is not None)
        return UNKNOWN if doubted else said
    if intent == "unsure" and polarity.reading(text, "presence") not in (YES, NO):
        # DIET's doubt, unless the words say yes ("kinda") or a no without doubt ("i dont
        # think so", a hedged no); doubt in the words stays doubt
        return UNKNOWN
    if _no_longer(question, text, entities, finding_slots or {}):
        return NO
    # A screen, or a red flag, is never denied on DIET's guess alone, only in words.
    answer = yes_no_answer(message, words_only=question in RED_FLAG_QUESTIONS or bool(members))
    if answer == NO:
        answer = _no_unless_unread(question, message, entities)
    if answer == YES and question in RED_FLAG_QUESTIONS and not is_payload(text) \
            and polarity.reading(text, "presence") != YES:
        return None  # "My eyes are fine": DIET's guess alone never calls for urgent care
    if answer == YES and question in CLEARANCES and not (
            is_payload(text) or CLEARED_YES.match(text)):
        return None  # "I have an appointment next Tuesday": asked again, never taken as cleared
    if stated and not members and not _said_on_its_own(text, entities):
        return None
    if question == "conditions_screen" and any(stated.get(m) == YES for m in members) \
            and ONLY_THESE.search(text.lower()):
        for member in members:
            stated.setdefault(member, NO)  # "just osteoporosis", "heart rhythm. Other things no."
        return YES
    if answer is None and question == "conditions_screen" and any(m in stated for m in members):
        # "just the AF, no clots, bones fine": the members it did not settle are asked one
        # by one (for the red flags, an open screen would read as "not ruled out")
        return UNKNOWN
    return answer


SENTENCE = re.compile(r"[^.!?\n]+")
# Where the urgent signs show, and what they touch (the screen's list): a sentence naming one
# tells of something, whether or not we can read what.
RED_FLAG_WORDS = {"face", "mouth", "lip", "lips", "arm", "arms", "leg", "legs", "calf",
                  "calves", "shin", "chest", "eye", "eyes", "head", "vision", "sight",
                  "breath", "breathing", "breathe", "speech", "speak", "talk", "walk", "stand"}
WORD = re.compile(r"[a-z]+")
# A sentence that denies: it opens with a no ("No chest pain.") or says a place is fine.
DENIES = re.compile(r"^\W*(no|nope|nah|not|nothing|never|none)\b"
                    r"|\b(is|are|was|feels?|all|both) (fine|ok|okay|good|normal)\b",
                    re.IGNORECASE)


def _no_unless_unread(question: str, message: Mapping[str, Any], entities: list) -> str | None:
    """A no, except to an urgent sign beside something told that we cannot read ("Nothing
    like a stroke, no. The only odd thing is my right calf, ..."): then the screen's red
    flags are asked one at a time, and a single one again."""
    if question in RED_FLAG_QUESTIONS and _unread_urgent_mention(entities,
                                                                 message.get("text") or ""):
        return UNKNOWN if question == "red_flag_screen" else None
    return NO


def _unread_urgent_mention(entities: list, text: str) -> bool:
    """A sentence tells of a place or a function an urgent sign touches, with no finding we
    can read and no denial ("Only breathing is difficult since yesterday")."""
    for sentence in SENTENCE.finditer(text):
        inside = [e for e in entities
                  if sentence.start() <= e.get("start", -1) < sentence.end()]
        named = set(WORD.findall(sentence.group().lower())) & RED_FLAG_WORDS
        if (named and not any(e.get("entity") == "finding" for e in inside)
                and not DENIES.search(sentence.group())):
            return True
    return False


def _only_usual(question: str, entities: list, text: str) -> bool:
    """An urgent sign is sudden or new: told of only as the client's usual ("wobbly but
    that's normal for me", "breathless on hills, same for ages"), or as past ("blurry since
    optic neuritis in 2012"), and not as begun today, it is not there now."""
    usual = QUESTIONS[question].get("usual_form") or ()
    told = [e.get("role") for e in entities
            if e.get("entity") == "finding" and e.get("value") in usual]
    return bool(told) and all(role in ("stable", "historical") for role in told) \
        and TODAY.search(text.lower()) is None


def _about(question: str, entities: list) -> str | None:
    """What the findings the question is `about` (questions.yml) say: present is a yes,
    denied a no (both: neither). A stable one says nothing ("last relapse 2018, stable
    since" is no recent relapse)."""
    about = QUESTIONS[question].get("about") or ()
    roles = {e.get("role") for e in entities
             if e.get("entity") == "finding" and e.get("value") in about}
    said = {YES if role == "present" else NO for role in roles if role in ("present", "negated")}
    return said.pop() if len(said) == 1 else None


RED_FLAG_QUESTIONS = {"red_flag_screen", *RED_FLAGS}
# A screen denied as a whole, wherever it is said in the reply.
NONE_ON_THE_LIST = re.compile(
    r"\b(nothing|none|no)( else)? (on|from|of) (that|the|this|your) list\b"
    r"|\bnone of (them|those|these|that|it|the above)\b|\bno to (all|everything|the lot)\b")
# A screen answered with what applies and that nothing else does.
ONLY_THESE = re.compile(
    r"\b(just|only)\b|\bnothing else\b|\bnone of the (others|rest|other)\b"
    r"|\bno to the (rest|others)\b|\b(the )?(rest|others|other things|other ones)( are)?,? no\b"
    r"|\bthat'?s (it|all)\b|\bnot the (rest|others)\b")
# Questions about the past or a doctor's word, where an episode that is over still counts.
ABOUT_THE_PAST = {"recent_relapse", "relapse_cleared", "heart_cleared", "first_massage"}
# "yes, back in the spring, it's gone now": over, unless it goes on or came back.
OVER = re.compile(
    r"\b(gone now|it'?s gone|all gone|(has |have )?(cleared|cleared up|settled|went away|gone away)"
    r"|not any ?more|no longer|better now|fine now|got over it|over now|all over|recovered"
    r"|healed|years back|(\w+ )?(years|months) ago|(all )?resolved|long gone|tested negative"
    r"|(now|feel|feeling|i'?m|im|i am) (ok|okay|fine|good|better|well)( now)?$"
    r"|(feel|feeling|i'?m|im|i am) (ok|okay|fine|good|better|well) now"
    r"|(feel|feeling) (loads|much|a lot|so much|way) better|now (is )?finish(ed)?|finish(ed)? now"
    r"|back in (the )?(spring|summer|autumn|fall|winter|\d{4}))\b")
# "had one last week, gone now": the question's own topic, told as had
HAD_IT = re.compile(r"^\W*(i )?(had|have had|i'?ve had|ive had) (one|it|that|them|some)\b")
# "I fainted once in 2010, nothing since": said to be over in so many words, whatever the
# findings' own reading of the episode.
OVER_SINCE = re.compile(
    r"\b(nothing|none|not once|nothing like that|no more|never again) (since|now|after|today)"
    r"|\b(since then|after that|ever since),? (nothing|none|no more|fine|ok|okay|normal)"
    r"|\bnot (now|today|since|any ?more)\s*[.!]?$|\bhealed (up |completely|now|fully)"
    r"|\bsettled (right |back )?down\b|\bgot over\b|\bcleared up\b|\ball gone\b")
GOES_ON = re.compile(r"\b(still|again|came back|come back|back again|keeps?|on and off|"
                     r"nearly healed|almost healed|not quite healed|healing|"
                     r"ongoing|right now|at the moment|currently|these days)\b")


# Questions about a past relapse: what a reply tells of it is that episode ("yes, a month
# ago, my leg was weak for two weeks"), not how the client is now; that is asked.
ABOUT_A_RELAPSE = {"recent_relapse", "relapse_cleared"}


def about_the_past(question: str | None, text: str, stated: dict[str, Any]) -> dict[str, Any]:
    """What a reply to a question about the past says about now: a flare-up only if it goes
    on ("I'm still in one"; the flare-up question was asked before); told of a past relapse,
    only its own answers and red flags, the rest is asked in its turn."""
    if question not in ABOUT_THE_PAST or GOES_ON.search(text.lower()):
        return stated
    if question in ABOUT_A_RELAPSE:
        return {slot: value for slot, value in stated.items()
                if slot in ABOUT_A_RELAPSE or slot in RED_FLAGS}
    return {slot: value for slot, value in stated.items()
            if not (slot == "active_flare_up" and value == YES)}


def _over_since(question: str, text: str, entities: list,
                finding_slots: Mapping[str, str]) -> bool:
    """The question's own topic, said to be over in so many words ("I fainted once in
    2010, nothing since"), whatever the findings read into the episode."""
    if question in ABOUT_THE_PAST or question in RED_FLAG_QUESTIONS:
        return False
    lowered = text.lower()
    findings = [e for e in entities if e.get("entity") == "finding"]
    # "had them bad in 2020 but they settled right down": the question's topic
    return (_told_over(lowered, (OVER_SINCE,)) and not GOES_ON.search(lowered)
            and (not findings or HAD_IT.match(lowered) is not None
                 or any(finding_slots.get(e.get("value")) == question for e in findings)))


def _began_lately(entities: list, lowered: str) -> bool:
    return TODAY.search(lowered) is not None or any(
        e.get("entity") == "onset" and e.get("role") == "sudden" for e in entities)


def _own_roles(question: str, findings: list, finding_slots: Mapping[str, str]) -> list:
    """The contexts of the findings about the question's own topic (or its screen's)."""
    topics = {question, *SCREENS.get(question, ())} - LIFELONG
    return [e.get("role") for e in findings if finding_slots.get(e.get("value")) in topics]


def _anothers(question: str, text: str, entities: list,
              finding_slots: Mapping[str, str]) -> bool:
    """The topic is someone else's and the client says no for themselves ("my son's had a
    cold all week, I'm fine though", "my dad has a pacemaker but I'm fine")."""
    findings = [e for e in entities if e.get("entity") == "finding"]
    if any(role in ("present", "stable", "hypothetical")
           for role in _own_roles(question, findings, finding_slots)):
        return False
    lowered = text.lower()
    return _someone_elses(findings, lowered) and (polarity.reading(text, "presence") == "no"
                                                  or FIRST_PERSON_NO.search(lowered) is not None)


def _no_longer(question: str, text: str, entities: list,
               finding_slots: Mapping[str, str]) -> bool:
    """The question's topic is someone else's, told without a finding ("my husband had a
    TIA in August, I'm fine"; with one it was read before the question's own words), or
    over, said in so many words ("had one last week, gone now")."""
    findings = [e for e in entities if e.get("entity") == "finding"]
    if not findings and _anothers(question, text, entities, finding_slots):
        return True
    roles = _own_roles(question, findings, finding_slots)
    if question in ABOUT_THE_PAST or any(role in ("present", "stable", "hypothetical")
                                         for role in roles):
        return False
    lowered = text.lower()
    if question in RED_FLAG_QUESTIONS and _began_lately(entities, lowered):
        return False  # "half the vision gone since last night" is no sign that is over
    if _told_over(lowered) and not GOES_ON.search(lowered):
        return bool(roles) or polarity.reading(text, "presence") == "yes" or (
            not findings and HAD_IT.match(lowered) is not None)
    return False


# "they never told me if it had all gone": over only as asked about
SUPPOSED = re.compile(r"\b(if|whether)\b(\W+\w+){0,3}\W*$")


def _told_over(lowered: str, patterns: tuple[re.Pattern, ...] = (OVER, OVER_SINCE)) -> bool:
    supposed = [SUPPOSED.search(lowered[:m.start()]) is not None
                for pattern in patterns for m in pattern.finditer(lowered)]
    return bool(supposed) and not any(supposed)


def _someone_elses(findings: list, lowered: str) -> bool:
    """Every finding is another person's ("my sister had a clot in her leg"), or none is
    read and the reply tells of a relative ("my husband had a TIA in August")."""
    if findings:
        return all(e.get("role") == "other_person" for e in findings)
    cues = vocabulary.cached()["context"]["categories"]["other_person"]["forward"]
    return any(re.search(rf"\b{re.escape(cue)}\b", lowered)
               for cue in cues if cue.startswith("my "))


# The client says no for themselves, beside someone else's symptom.
FIRST_PERSON_NO = re.compile(
    r"\b(i'?m|im|i am|i'?ve been|i have been) (fine|ok|okay|good|well|stable|all right|alright"
    r"|nothing like (that|her|him|them))\b"
    r"|\bnot me\b|\bme,? not so much\b|\bmine'?s (fine|ok|okay|good|normal)\b"
    r"|\bme,? (no problems?|nothing|fine|all good|none)\b|\bi'?m the opposite\b"
    r"|\bmine (is|are|seem|seems|look|looks) (fine|ok|okay|good|normal)\b"
    r"|\bi myself (have|had|get) no\b|\bi (have|get|had) no such\b"
    # "my mother faints sometimes, I don't"
    r"|\bi (don'?t|do not|haven'?t|have not|didn'?t|did not|never)\s*(myself|though)?\s*[.!]?$")


def _said_on_its_own(text: str, entities: list) -> bool:
    """The reply's first clause says yes, no or not sure and names no finding."""
    end = polarity.first_clause_end(text)
    return polarity.reading(text[:end], "presence") is not None and not any(
        e.get("entity") == "finding" and e.get("start", 0) < end for e in entities)


def yes_no_answer(message: Mapping[str, Any], words_only: bool = False) -> str | None:
    """The yes, no or "not sure" a message gives, or None when it gives none clearly:
    its words first (clinical_nlu.polarity), DIET's intent only where they say nothing
    (and, with `words_only`, never for a no)."""
    intent = message.get("intent") or {}
    text = words_read(message)
    said = None if is_payload(text) else POLARITY.get(polarity.reading(text, "presence"))
    if said is not None:
        return said
    if intent.get("confidence", 1.0) < ANSWER_CONFIDENCE:
        return None
    answer = INTENT_ANSWERS.get(intent.get("name"))
    if answer != NO or is_payload(text):
        return answer
    # DIET's no: it must be said, in words that can carry a no, without doubt
    if DOUBT.search(text):
        return UNKNOWN
    if words_only:
        return None
    return NO if SAYS_NO.search(text) else None


def words_read(message: Mapping[str, Any]) -> str:
    """The message's words as NLU read them: misspellings repaired (text_as_read, set by
    ClinicalFindingExtractor), else the text as written."""
    text = message.get("text_as_read") or message.get("text") or ""
    return text.replace("\u2019", "'")


def is_payload(text: str) -> bool:
    """A button's payload ("/deny") is a choice the client made, not text DIET guessed."""
    return text.lstrip().startswith("/")


def _place_answer(intent: str | None, message: Mapping[str, Any], entities: list) -> str:
    """The places in the client's own words ("left heel", "tailbone"), for the therapist."""
    if intent == "unsure":
        return UNKNOWN
    text = message.get("text") or ""
    return ", ".join(body_parts(entities, text)) or text.strip()[:MAX_FREE_TEXT] or UNKNOWN


def merge(current: Mapping[str, Any], stated: Mapping[str, Any], question: str | None) -> dict:
    """Stated answers that may change the slots (see the module docstring)."""
    updates = {}
    for slot, value in stated.items():
        may_change = value == YES or current.get(slot) is None or slot == question
        if may_change and current.get(slot) != value:
            updates[slot] = value
    return updates


def answer_screens(slots: Mapping[str, Any], updates: dict[str, Any]) -> None:
    """A "no" to a screen answers every open question of its group (a "not sure" asks
    them one at a time); "not sure" which red flag it is treats every open one as possibly
    present."""
    merged = {**slots, **updates}
    for screen, members in SCREENS.items():
        if merged.get(screen) == NO:
            for member in members:
                if merged.get(member) is None:
                    updates[member] = NO
    if merged.get("red_flag_which") == UNKNOWN:
        for flag in RED_FLAGS:
            if merged.get(flag) is None:
                updates[flag] = UNKNOWN


def understand(
    message: Mapping[str, Any],
    slots: Mapping[str, Any],
    question: str | None,
    finding_slots: Mapping[str, str],
    turns: int = 1,
) -> Turn | None:
    """Interprets one message, the `turns`-th reply while `question` is open; None means a
    digression for the dialogue rules."""
    entities = message.get("entities") or []
    if any(entity.get("entity") == TOO_LONG for entity in entities):
        return None
    stated = findings_to_answers([*entities, *bare_temperature(question, message, entities)],
                                 finding_slots, message.get("text") or "")
    _add_follow_ups(stated, follow_up_statements(words_read(message), {**slots, **stated}))
    stated = about_the_past(question, words_read(message), stated)
    intent = (message.get("intent") or {}).get("name")
    answer = answer_to_question(question, message, stated, finding_slots)
    last_turn = turns >= MAX_TURNS and intent not in ALWAYS_ANSWERED
    if intent in DIGRESSIONS and not stated and answer is None and not last_turn:
        return None  # "why do you ask?": the rules answer it ("no, he told me to rest" is no)
    if answer is not None:
        stated[question] = answer
        places_in_passing(stated, entities, message.get("text") or "")
    turn = Turn(updates=merge(slots, stated, question))
    if answer is None and question is not None and not turn.updates:
        _unclear(turn, slots, question, last_turn)
    answer_screens(slots, turn.updates)
    return turn


def _unclear(turn: Turn, slots: Mapping[str, Any], question: str, last_turn: bool) -> None:
    """First unclear answer: ask again. Second, or on the last turn: record "unknown"
    (fails closed)."""
    if slots.get("unclear_answer") == question or last_turn:
        turn.updates[question] = UNKNOWN
        turn.updates["unclear_answer"] = None
        turn.messages.append(RECORDED_AS_UNKNOWN)
    else:
        turn.updates["unclear_answer"] = question
        turn.messages.append(UNCLEAR_HINT)


def follow_up_statements(text: str, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Follow-ups a reply answers in passing: "drained since Monday, it isn't like my normal
    MS tiredness" says the tiredness is unusual before that is asked."""
    # an urgent sign is answered in words only when it is asked: "for years" about the legs
    # says nothing of the eyes; and a follow-up answered stays answered: "nothing is worse
    # today" about the heat says nothing of the numb feet told to be old
    # and a doctor's word is taken only when asked for: "I think my cardiologist said
    # exercise was fine but I'm not sure about massage" is no clearance
    return {question: said for question in questions.STATED_FOLLOW_UPS
            if question not in RED_FLAGS and answers.get(question) is None
            and _asked_after(question, answers)
            and (said := questions.statement(question, text.replace("\u2019", "'"))) is not None
            and not (said == YES and question in CLEARANCES)}


def _add_follow_ups(stated: dict[str, Any], said: Mapping[str, Any]) -> None:
    """What the words say of a follow-up, except against a yes the findings gave: "just the
    usual numb feet... oh and my hand went tingly yesterday" is new."""
    for question, answer in said.items():
        if stated.get(question) != YES:
            stated[question] = answer


def _asked_after(question: str, answers: Mapping[str, Any]) -> bool:
    condition = questions.QUESTIONS[question].get("asked_if") or {}
    return all(answers.get(earlier) == answer for earlier, answer in condition.items())


def understand_history(
    messages: Iterable[Mapping[str, Any]], finding_slots: Mapping[str, str]
) -> dict[str, Any]:
    """Answers the client gave before the check started (e.g. in their first message)."""
    answers: dict[str, Any] = {}
    for message in messages:
        stated = findings_to_answers(message.get("entities") or [], finding_slots,
                                     message.get("text") or "")
        _add_follow_ups(stated, follow_up_statements(words_read(message), {**answers, **stated}))
        answers.update(merge(answers, stated, None))
    return answers

