"""Whole conversations of a blind bank's personas with the real assistant, over REST.

The simulated client knows only what its persona says about each topic. It reads the
assistant's last question in words (never a question id or a slot name), decides which
topic it is about, and answers as people do: with one of the persona's own phrasings for
that topic (another one when asked again), sometimes with a bare yes or no, sometimes
adding the thing the persona cares about most after the answer. Its choices are seeded by
the persona's id, so a run can be repeated exactly.
"""

from __future__ import annotations

import random
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

MAX_CLIENT_TURNS = 40
RANK = {"proceed_gently": 0, "shorten": 1, "postpone": 2, "urgent": 3}
OUTCOMES = ("urgent", "postpone", "shorten", "proceed_gently")
# How a question reads, most specific first: the topic is the first one whose words appear.
QUESTION_WORDS: list[tuple[str, str]] = [
    ("stop_confirm", r"do you want to stop the check"),
    ("consent", r"shall we start|would you like to start the check|start the check\?"),
    ("red_flags", r"urgent signs|any of these\?\s*\n\s*- sudden"),
    ("red_which", r"which one\?"),
    ("R1", r"droop|slurred|weakness on one side"),
    ("R2", r"chest pain|short(ness)? of breath"),
    ("R3", r"calf|swollen, painful"),
    ("R4", r"loss of sight|double vision|lose your sight"),
    ("R5", r"high fever|shaking chills|confus"),
    ("R6", r"headache"),
    ("R7", r"walking or standing|stops you walking|walk or stand"),
    ("relapse_cleared", r"since that relapse|after (the|your|that) relapse"),
    ("recent_relapse", r"relapse in the last|relapse recently|recent relapse"),
    ("flare_up_now", r"flare-?up|steroids"),
    ("new_symptoms", r"new symptoms|getting worse"),
    ("sensory_where", r"where do you feel it|where is (the|it)|which part"),
    ("sensory_new", r"new or changing|long time without change"),
    ("sensory", r"numbness|tingling"),
    ("fever", r"fever or a raised temperature|a fever|temperature"),
    ("infection", r"infection"),
    ("tired_unusual", r"usual ms tiredness|more than your usual|clear cause"),
    ("tired_today", r"tired|fatigue"),
    ("heat_now", r"heat"),
    ("bp_fainting", r"blood pressure|faint"),
    ("conditions", r"any of these: a blood clot|any of these:"),
    ("heart_cleared", r"ok with your heart|massage is ok with"),
    ("dvt", r"blood clot|dvt"),
    ("heart", r"heart or circulation"),
    ("osteoporosis", r"osteoporosis|thin or weak bones"),
    ("sores_where", r"where are they"),
    ("pressure_sores", r"pressure sores|ulcers"),
    ("balance", r"balance"),
    ("spasms", r"spasms|stiffness"),
    ("nerve_pain", r"nerve pain|sensitive to touch"),
    ("first_massage", r"first massage"),
]
SAY_START = re.compile(r'say "start"', re.IGNORECASE)


def topic_of(text: str) -> str | None:
    lowered = text.lower()
    return next((topic for topic, words in QUESTION_WORDS if re.search(words, lowered)), None)


@dataclass
class Conversation:
    persona: dict[str, Any]
    transcript: list[tuple[str, str]] = field(default_factory=list)
    advice: dict[str, Any] | None = None
    asked: Counter = field(default_factory=Counter)

    @property
    def client_turns(self) -> int:
        return sum(1 for who, _ in self.transcript if who == "client")

    @property
    def expected(self) -> str:
        wanted = self.persona["expected"]
        return "urgent" if wanted["urgent_care"] else wanted["advice"]

    @property
    def got(self) -> str | None:
        if self.advice is None:
            return None
        return "urgent" if self.advice.get("urgent_care") else self.advice.get("advice")

    @property
    def verdict(self) -> str:
        if self.got is None:
            return "no advice"
        if self.got == self.expected:
            return "exact"
        return "over" if RANK[self.got] > RANK[self.expected] else "UNDER"

    @property
    def false_urgent(self) -> bool:
        return self.got == "urgent" and self.expected != "urgent"


class Client:
    """What the persona says next, given what the assistant last asked."""

    def __init__(self, persona: dict[str, Any]) -> None:
        self.persona = persona
        self.random = random.Random(persona["id"])
        self.said_concern = False

    def answer(self, topic: str, times_asked: int) -> str:
        persona = self.persona
        if topic == "consent":
            return _pick(persona["consent"], times_asked)
        if topic == "stop_confirm":
            return _pick(persona["no_words"], 0) + " let's carry on"
        if topic == "red_which":
            present = [t for t in ("R1", "R2", "R3", "R4", "R5", "R6", "R7")
                       if self.truth(t) in ("yes", "unsure")]
            return self.answer(present[0], times_asked) if present else _pick(
                persona["unsure_words"], times_asked)
        truth = self.truth(topic)
        fact = persona["facts"].get(topic)
        text = _pick(fact["answers"], times_asked) if fact else _pick(
            persona["default_no"], times_asked)
        roll = self.random.random()
        if times_asked == 0 and truth in ("yes", "no", "unsure") and roll < 0.15:
            words = {"yes": "yes_words", "no": "no_words", "unsure": "unsure_words"}[truth]
            text = _pick(persona[words], self.random.randrange(8))
        elif roll > 0.9 and self._concern_to_add(topic):
            self.said_concern = True
            joint = " " if text.rstrip()[-1:] in ".!?" else ". "
            text = f"{text}{joint}{persona['facts'][persona['concern']]['answers'][0]}"
        return text

    def truth(self, topic: str) -> Any:
        fact = self.persona["facts"].get(topic)
        return fact["truth"] if fact else "no"

    def _concern_to_add(self, topic: str) -> bool:
        concern = self.persona.get("concern")
        return (concern is not None and concern != topic and not self.said_concern
                and concern in self.persona["facts"]
                and self.truth(concern) not in ("no",))


def _pick(options: list[str], index: int) -> str:
    return options[index % len(options)]


def play(persona: dict[str, Any], say) -> Conversation:
    """`say(text) -> list of bot messages` sends one client message to the assistant."""
    conversation, client = Conversation(persona), Client(persona)
    replies: list[dict[str, Any]] = []
    for text in persona["opening"]:
        replies = _send(conversation, say, text)
    last_topic = None
    while conversation.advice is None and conversation.client_turns < MAX_CLIENT_TURNS:
        topic = next((topic_of(m["text"]) for m in reversed(replies)
                      if m.get("text") and topic_of(m["text"])), None)
        if topic is None:
            said = " ".join(m.get("text", "") for m in replies)
            text = "start" if SAY_START.search(said) or last_topic is None else client.answer(
                last_topic, conversation.asked[last_topic])
            if last_topic is not None and not SAY_START.search(said):
                conversation.asked[last_topic] += 1
        else:
            text = client.answer(topic, conversation.asked[topic])
            conversation.asked[topic] += 1
            last_topic = topic
        replies = _send(conversation, say, text)
    return conversation


def _send(conversation: Conversation, say, text: str) -> list[dict[str, Any]]:
    conversation.transcript.append(("client", text))
    replies = say(text)
    for reply in replies:
        if reply.get("text"):
            conversation.transcript.append(("assistant", reply["text"]))
        custom = reply.get("custom") or {}
        if "advice" in custom and conversation.advice is None:
            conversation.advice = custom
    return replies


def table(conversations: list[Conversation]) -> list[dict[str, Any]]:
    rows = []
    for outcome in (*OUTCOMES, "all"):
        group = [c for c in conversations if outcome in ("all", c.expected)]
        if not group:
            continue
        verdicts = Counter(c.verdict for c in group)
        turns = [c.client_turns for c in group if c.advice is not None]
        rows.append({
            "expected": outcome, "personas": len(group), "exact": verdicts["exact"],
            "over": verdicts["over"], "UNDER": verdicts["UNDER"],
            "no advice": verdicts["no advice"],
            "false urgent care": sum(c.false_urgent for c in group),
            "median turns": statistics.median(turns) if turns else None,
            "max turns": max(turns) if turns else None,
            "max asks": max((max(c.asked.values(), default=0) for c in group), default=0),
        })
    return rows
