"""Conversations over REST under load: one at a time, or N at once, for a fixed time.

Each bot has its own conversations: ours are the client intakes from
tests/conversations/*.yml (the advice is checked, so a wrong outcome counts as an
error); the default bot's are the greet/mood flows of `rasa init`, its replies checked.
"""

from __future__ import annotations

import asyncio
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import cache

import aiohttp

from protocol.questions import QUESTIONS
from tests.server.test_conversations import MAX_TURNS, RANK, advice_in, load_conversations

REQUEST_TIMEOUT_S = 60
PROGRESS_EVERY_S = 10

# The default bot's stories and rules, in messages from its own training data.
DEFAULT_BOT_FLOWS = [
    [("hi", "Hey! How are you?"), ("I am great", "Great, carry on!")],
    [("hello", "Hey! How are you?"), ("I am sad", "Here is something to cheer you up:"),
     ("yes", "Great, carry on!")],
    [("hey there", "Hey! How are you?"), ("very sad", "Here is something to cheer you up:"),
     ("no", "Bye")],
    [("are you a bot?", "I am a bot, powered by Rasa.")],
]


class ConversationFailed(Exception):
    """The bot answered, but not what the conversation expects."""


class TurnFailed(Exception):
    """The server did not answer a turn (already recorded as an HTTP error)."""


@dataclass
class Level:
    """What one load level measured."""

    concurrency: int
    window_s: float
    latencies_ms: list[float] = field(default_factory=list)
    turns_in_window: int = 0
    http_errors: list[str] = field(default_factory=list)
    conversation_errors: list[str] = field(default_factory=list)
    conversations_done: int = 0

    def add(self, other: Level) -> None:
        """Counts another window of the same level (a later round) in this one."""
        self.window_s += other.window_s
        self.latencies_ms += other.latencies_ms
        self.turns_in_window += other.turns_in_window
        self.http_errors += other.http_errors
        self.conversation_errors += other.conversation_errors
        self.conversations_done += other.conversations_done

    def summary(self) -> dict:
        latencies = sorted(self.latencies_ms)
        return {
            "concurrency": self.concurrency,
            "window_s": self.window_s,
            "turns": len(latencies),
            "p50_ms": percentile(latencies, 50),
            "p95_ms": percentile(latencies, 95),
            "p99_ms": percentile(latencies, 99),
            "mean_ms": round(statistics.fmean(latencies), 1) if latencies else None,
            "turns_per_s": round(self.turns_in_window / self.window_s, 2),
            "conversations_completed": self.conversations_done,
            "errors": len(self.http_errors) + len(self.conversation_errors),
            "error_examples": (self.http_errors + self.conversation_errors)[:5],
        }


def percentile(ordered: list[float], pct: float) -> float | None:
    """Nearest-rank percentile of an ascending list."""
    if not ordered:
        return None
    rank = max(1, -(-len(ordered) * pct // 100))
    return round(ordered[int(rank) - 1], 1)


class Client:
    """Says one message over REST and records the turn in the level."""

    def __init__(self, session: aiohttp.ClientSession, url: str, level: Level,
                 deadline: float) -> None:
        self.session, self.url, self.level, self.deadline = session, url, level, deadline

    def open(self) -> bool:
        return time.monotonic() < self.deadline

    async def say(self, sender: str, text: str) -> list[dict]:
        started = time.monotonic()
        async with self.session.post(self.url, json={"sender": sender, "message": text}) as r:
            replies = await r.json() if r.status == 200 else None
        ended = time.monotonic()
        if replies is None:
            self.level.http_errors.append(f"HTTP {r.status} for {text!r}")
            raise TurnFailed
        self.level.latencies_ms.append((ended - started) * 1000)
        if ended <= self.deadline:
            self.level.turns_in_window += 1
        return replies


Conversation = Callable[[Client, int], Awaitable[bool]]


def question_asked(replies: list[dict]) -> str | None:
    """Which intake question the replies ask: the last one whose wording they carry."""
    asks = {entry["ask"]: name for name, entry in QUESTIONS.items() if "ask" in entry}
    texts = [reply.get("text") or "" for reply in replies]
    return next((asks[t] for t in reversed(texts) if t in asks), None)


def judge(payload: dict, expected: dict) -> None:
    """The same expectations as tests/server/test_conversations.py."""
    if RANK[payload["advice"]] < RANK[expected["advice"]]:
        raise ConversationFailed(f"UNDER-TRIAGE: got {payload}, expected {expected}")
    wrong = (payload["advice"] != expected["advice"]
             or payload["urgent_care"] != expected.get("urgent_care", False)
             or not set(expected.get("reasons", [])) <= set(payload["reasons"])
             or set(expected.get("not_reasons", [])) & set(payload["reasons"]))
    if wrong:
        raise ConversationFailed(f"got {payload}, expected {expected}")


@cache
def intakes() -> list[dict]:
    # Parsed once: the load generator shares the 2 cores with the servers it measures.
    return load_conversations()


async def intake(client: Client, index: int) -> bool:
    """One client intake from tests/conversations; False when the time ran out first."""
    conversations = intakes()
    conversation = conversations[index % len(conversations)]
    sender = f"bench-{uuid.uuid4().hex[:12]}"
    replies: list[dict] = []
    for text in [*conversation.get("opening", ["hi"]), conversation.get("consent", "yes"),
                 *conversation.get("says", [])]:
        if not client.open():
            return False
        replies = await client.say(sender, text)
    answers = {q: list(a) if isinstance(a, list) else [a]
               for q, a in conversation.get("answers", {}).items()}
    for _ in range(MAX_TURNS):
        payload = advice_in(replies)
        if payload is not None:
            judge(payload, conversation["expect"])
            return True
        question = question_asked(replies)
        if question is None:
            raise ConversationFailed(f"{conversation['name']}: no advice, no question: {replies}")
        if not client.open():
            return False
        queue = answers.get(question, [])
        replies = await client.say(sender, queue.pop(0) if queue else "no")
    raise ConversationFailed(f"{conversation['name']}: no advice after {MAX_TURNS} turns")


async def default_flow(client: Client, index: int) -> bool:
    flow = DEFAULT_BOT_FLOWS[index % len(DEFAULT_BOT_FLOWS)]
    sender = f"bench-{uuid.uuid4().hex[:12]}"
    for text, expected in flow:
        if not client.open():
            return False
        replies = await client.say(sender, text)
        if not any(reply.get("text") == expected for reply in replies):
            raise ConversationFailed(f"{text!r}: expected {expected!r}, got {replies}")
    return True


async def worker(client: Client, conversation: Conversation, start: int, step: int) -> None:
    index = start
    while client.open():
        try:
            if await conversation(client, index):
                client.level.conversations_done += 1
        except ConversationFailed as failure:
            client.level.conversation_errors.append(str(failure))
        except TurnFailed:
            pass
        except (aiohttp.ClientError, asyncio.TimeoutError) as problem:
            client.level.http_errors.append(f"{type(problem).__name__}: {problem}")
        index += step


async def run_level(url: str, conversation: Conversation, concurrency: int,
                    window_s: float, label: str) -> Level:
    """`concurrency` conversations at once, new ones started until the window closes."""
    level = Level(concurrency, window_s)
    connector = aiohttp.TCPConnector(limit=concurrency)
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        client = Client(session, url, level, time.monotonic() + window_s)
        reporter = asyncio.create_task(report_progress(level, label, window_s))
        await asyncio.gather(*(worker(client, conversation, i, concurrency)
                               for i in range(concurrency)))
        reporter.cancel()
    return level


async def report_progress(level: Level, label: str, window_s: float) -> None:
    started = time.monotonic()
    while True:
        await asyncio.sleep(PROGRESS_EVERY_S)
        elapsed = time.monotonic() - started
        print(f"    {label}: {elapsed:.0f}/{window_s:.0f} s, {len(level.latencies_ms)} turns, "
              f"{len(level.http_errors) + len(level.conversation_errors)} errors", flush=True)
