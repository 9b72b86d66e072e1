"""Whether a short reply says yes, no or "not sure", read from its words, without a model.

Clients answer a yes/no question in many words: "yep", "a bit", "kinda", "nah", "not
really", "idk", typos and all ("yess", "nope", "naa"). DIET guesses these
from surface features and sometimes guesses wrong; these word lists decide first, and DIET
only speaks where they find nothing (actions/understanding.py).

Two readings, because the same word means different things: "fine" or "ok" agrees to start
the check (`agreement`), but "I'm fine" denies a symptom (`presence`). Doubt anywhere in the
reply wins ("not really, maybe once"); otherwise the first clause answers, and one with both
a yes and a no says neither (it is asked again), since a no to a symptom question is the one
reading that can lower the advice.
"""

from __future__ import annotations

import re
from functools import cache

from clinical_nlu import vocabulary

WORD = re.compile(r"[a-z0-9']+")
# The answer to a yes/no question comes first: "no, but my foot is numb" is a no to the
# question asked, whatever follows; the rest is read as findings.
FIRST_CLAUSE = re.compile(r"[.,;:!?\n]| but | though | although | because | cos ")


# Phrases that look like doubt but doubt the cause, not the answer ("not sure why, but my
# hand is numb"): they answer nothing and switch off the doubt inside them.
ASIDE = "aside"


@cache
def _lists() -> dict[str, dict[str, list[tuple[str, ...]]]]:
    spec = vocabulary.cached()["answers"]
    return {reading_kind: {answer: [tuple(WORD.findall(p.lower())) for p in phrases]
                           for answer, phrases in readings.items()}
            for reading_kind, readings in spec.items()}


def words(text: str) -> list[str]:
    return WORD.findall(text.lower().replace("\u2019", "'"))


def _matches(tokens: list[str], lists: dict[str, list[tuple[str, ...]]]) -> set[str]:
    """The readings whose phrases occur, a phrase inside a longer one not counting ("i am"
    in "i am fine", "no" in "no idea"). A no of one word counts only as the reply's first
    word: "never" answers, "like never before" does not."""
    found = [(i, i + len(phrase), answer) for answer, phrases in lists.items()
             for phrase in phrases if phrase
             for i in range(len(tokens) - len(phrase) + 1)
             if tuple(tokens[i:i + len(phrase)]) == phrase
             and (answer != "no" or len(phrase) > 1 or i == 0)]
    return {answer for start, end, answer in found
            if not any(s <= start and end <= e and (e - s) > (end - start)
                       for s, e, _ in found)}


@cache
def _interjection() -> re.Pattern:
    phrases = sorted(vocabulary.cached()["interjections"], key=len, reverse=True)
    return re.compile(r"^\W*(?:(?:" + "|".join(map(re.escape, phrases)) + r")\b\W*)+")


def _first_clause(text: str) -> tuple[int, int]:
    """Where the reply's first clause starts and ends: after an opening "good heavens" or
    "well", up to a break ("no, but ..." ends after "no")."""
    lowered = text.lower().replace("\u2019", "'")
    opening = _interjection().match(lowered)
    start = opening.end() if opening else 0
    found = FIRST_CLAUSE.search(lowered, start)
    return start, found.start() if found else len(text)


def first_clause_end(text: str) -> int:
    return _first_clause(text)[1]


def reading(text: str, kind: str) -> str | None:
    """`yes`, `no`, `unsure`, or None when the words say none of them clearly.

    `kind`: `presence` (a symptom or a fact: "do you have ...?") or `agreement` (shall we
    start?)."""
    lists = _lists()[kind]
    if "unsure" in _matches(words(text), lists):
        return "unsure"  # doubt anywhere: "not really, maybe once" is no clear no
    start, end = _first_clause(text)
    found = _matches(words(text[start:end]), lists) - {ASIDE}
    if len(found) != 1:
        return None  # nothing, or both a yes and a no
    return found.pop()
