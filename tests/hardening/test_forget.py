"""A client's conversation is deleted when they ask (and confirm), and every conversation is
deleted once it is older than the retention period: on SQLite and on PostgreSQL, counted
in the database's own rows."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from precheck.stores import tracker_store as clinic_store
from scripts import stack

# The one tracker store, as scripts/stack.py writes it (and endpoints.yml names it).
STORE_TYPE = stack.TRACKER_STORE_TYPE
DAY = 86400.0


def open_store(database: dict, **settings) -> clinic_store.ClinicTrackerStore:
    """The store as Rasa creates it from endpoints.yml (an unknown type would silently give
    an in-memory store, so the type is checked)."""
    config = {**database, **settings}
    store = TrackerStore.create(EndpointConfig(url=config.pop("url", None), type=STORE_TYPE,
                                               **config), Domain.empty())
    assert isinstance(store, clinic_store.ClinicTrackerStore)
    return store


def stored_events(store, sender: str) -> int:
    with store.engine.connect() as connection:
        return connection.execute(sa.text("SELECT COUNT(*) FROM events WHERE sender_id = :s"),
                                  {"s": sender}).scalar()


def turn(text: str, *actions: str, at: float | None = None) -> list:
    at = at or time.time()
    return [UserUttered(text, timestamp=at),
            *(ActionExecuted(name, timestamp=at) for name in [*actions, "action_listen"])]


def conversation(*turns: list) -> DialogueStateTracker:
    """A conversation whose session started with its first message."""
    at = turns[0][0].timestamp
    start = [ActionExecuted("action_session_start", timestamp=at), SessionStarted(timestamp=at),
             ActionExecuted("action_listen", timestamp=at)]
    return DialogueStateTracker.from_events(f"client-{uuid.uuid4().hex[:8]}",
                                            [*start, *(e for t in turns for e in t)])


async def save_turn_by_turn(store, tracker: DialogueStateTracker) -> None:
    """As Rasa does: the tracker is saved after each message."""
    replay = DialogueStateTracker(tracker.sender_id, [])
    for event in tracker.events:
        if isinstance(event, UserUttered) and replay.events:
            await store.save(replay)
        replay.update(event)
    await store.save(replay)


async def test_a_confirmed_request_deletes_the_whole_conversation(database):
    store = open_store(database)
    other = conversation(turn("hi", "utter_welcome"))
    client = conversation(turn("hi", "utter_welcome"), turn("I have a fever", "precheck_form"),
                          turn("delete my data", "utter_confirm_delete"))
    await save_turn_by_turn(store, other)
    await save_turn_by_turn(store, client)
    assert stored_events(store, client.sender_id) > 0

    client.update_with_events(turn("yes", clinic_store.FORGET_ACTION), None)
    await store.save(client)

    assert stored_events(store, client.sender_id) == 0
    assert await store.retrieve_full_tracker(client.sender_id) is None
    assert stored_events(store, other.sender_id) == len(other.events)


async def test_every_session_of_the_conversation_is_deleted(database):
    store = open_store(database)
    client = conversation(turn("hi", "utter_welcome"))
    await save_turn_by_turn(store, client)
    later = conversation(turn("hi again", "utter_welcome"))
    later.sender_id = client.sender_id  # a new session of the same conversation
    await store.save(later)
    later.update_with_events(turn("yes", clinic_store.FORGET_ACTION), None)
    await store.save(later)
    assert stored_events(store, client.sender_id) == 0


async def test_asking_without_confirming_deletes_nothing(database):
    store = open_store(database)
    client = conversation(turn("hi", "utter_welcome"),
                          turn("delete my data", "utter_confirm_delete"),
                          turn("no", "utter_conversation_kept"))
    await save_turn_by_turn(store, client)
    assert stored_events(store, client.sender_id) == len(client.events)


async def test_the_next_message_starts_a_new_empty_conversation(database):
    store = open_store(database)
    client = conversation(turn("hi", "utter_welcome"),
                          turn("yes", clinic_store.FORGET_ACTION))
    await store.save(client)
    fresh = await store.get_or_create_tracker(client.sender_id)
    assert [e for e in fresh.events if isinstance(e, UserUttered)] == []


async def test_conversations_older_than_the_retention_period_go_at_start_up(database):
    store = open_store(database, retention_days=0)
    now = time.time()
    old = conversation(turn("hi", "utter_welcome", at=now - 40 * DAY))
    recent = conversation(turn("hi", "utter_welcome", at=now - 2 * DAY))
    # Started long ago, but the client wrote yesterday: the newest event counts.
    ongoing = conversation(turn("hi", "utter_welcome", at=now - 40 * DAY),
                           turn("my foot is numb", "precheck_form", at=now - DAY))
    for tracker in (old, recent, ongoing):
        await store.save(tracker)

    restarted = open_store(database, retention_days=30)

    assert stored_events(restarted, old.sender_id) == 0
    assert stored_events(restarted, recent.sender_id) == len(recent.events)
    assert stored_events(restarted, ongoing.sender_id) == len(ongoing.events)


async def test_the_retention_purge_also_runs_while_serving(database, monkeypatch):
    store = open_store(database, retention_days=30)
    old = conversation(turn("hi", "utter_welcome", at=time.time() - 31 * DAY))
    await store.save(old)  # within the purge interval: kept for now
    assert stored_events(store, old.sender_id) > 0
    monkeypatch.setattr(clinic_store, "PURGE_INTERVAL_S", 0.0)
    await store.save(conversation(turn("hi", "utter_welcome")))
    assert stored_events(store, old.sender_id) == 0


async def test_retention_zero_keeps_conversations(database):
    store = open_store(database, retention_days=0)
    old = conversation(turn("hi", "utter_welcome", at=time.time() - 400 * DAY))
    await store.save(old)
    assert open_store(database, retention_days=0).purge_expired() == 0
    assert stored_events(store, old.sender_id) == len(old.events)


def test_the_retention_period_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("RETENTION_DAYS", "7")
    assert clinic_store.retention_period_days(None) == 7
    assert clinic_store.retention_period_days("2") == 2
    monkeypatch.delenv("RETENTION_DAYS")
    assert clinic_store.retention_period_days(None) == clinic_store.DEFAULT_RETENTION_DAYS
    with pytest.raises(ValueError):
        clinic_store.retention_period_days("-1")


def bytes_on_disk(database_file: str) -> bytes:
    """The SQLite database and any journal beside it, as a reader of the disk sees them."""
    folder = Path(database_file).parent
    return b"".join(path.read_bytes() for path in sorted(folder.glob("conversations.db*")))


async def test_a_deleted_conversation_cannot_be_read_back_from_the_sqlite_file(tmp_path):
    # A deleted row's bytes stay in the file's free pages unless SQLite overwrites them.
    database = {"dialect": "sqlite", "db": str(tmp_path / "conversations.db")}
    store = open_store(database)
    client = conversation(turn("hi", "utter_welcome"),
                          turn("my left hand went numb on Sunday, marker-5e1f", "precheck_form"))
    await save_turn_by_turn(store, client)
    assert b"marker-5e1f" in bytes_on_disk(database["db"])

    client.update_with_events(turn("yes", clinic_store.FORGET_ACTION), None)
    await store.save(client)

    assert b"marker-5e1f" not in bytes_on_disk(database["db"])
