"""The assistant's tracker store (precheck/stores/tracker_store.py) saves each turn's new events
once, without counting the stored ones again, and loses none of them."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered

from precheck.stores.tracker_store import ClinicTrackerStore

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain"))


@pytest.fixture
def store(tmp_path, domain) -> ClinicTrackerStore:
    return ClinicTrackerStore(domain=domain, dialect="sqlite",
                                    db=str(tmp_path / "conversations.db"))


def started(store: ClinicTrackerStore, sender: str) -> None:
    """A stored conversation: its session start and a first turn."""
    tracker = asyncio.run(store.get_or_create_tracker(sender))
    for event in (ActionExecuted("action_session_start"), SessionStarted(),
                  ActionExecuted("action_listen"), UserUttered("hi")):
        tracker.update(event)
    asyncio.run(store.save(tracker))


def turn(store: ClinicTrackerStore, sender: str, text: str) -> None:
    """What Rasa does with a message: read the conversation, add the turn, save it."""
    tracker = asyncio.run(store.retrieve(sender))
    for event in (ActionExecuted("action_listen"), UserUttered(text),
                  SlotSet("fever", None)):
        tracker.update(event)
    asyncio.run(store.save(tracker))


def stored_rows(store: ClinicTrackerStore, sender: str) -> list[dict]:
    with store.session_scope() as session:
        rows = (session.query(store.SQLEvent).filter(store.SQLEvent.sender_id == sender)
                .order_by(store.SQLEvent.id).all())
        return [json.loads(row.data) for row in rows]


def said(rows: list[dict]) -> list[str]:
    return [row["text"] for row in rows if row.get("event") == "user"]


def never_counted(*args, **kwargs):
    pytest.fail("a turn counted the stored events")


def test_each_turn_is_saved_once_without_counting_the_stored_events(store, monkeypatch):
    started(store, "client")
    before = len(stored_rows(store, "client"))
    monkeypatch.setattr(SQLTrackerStore, "_additional_events", never_counted)
    for text in ("one", "two", "three"):
        turn(store, "client", text)
    rows = stored_rows(store, "client")
    assert said(rows) == ["hi", "one", "two", "three"]
    assert len(rows) == before + 3 * 3  # each turn's three events, once


def test_a_second_save_of_one_tracker_adds_only_what_is_new(store):
    started(store, "client")
    tracker = asyncio.run(store.retrieve("client"))
    tracker.update(UserUttered("one"))
    asyncio.run(store.save(tracker))
    tracker.update(UserUttered("two"))
    asyncio.run(store.save(tracker))
    assert said(stored_rows(store, "client")) == ["hi", "one", "two"]


def test_a_session_started_within_a_turn_is_saved_whole(store):
    started(store, "client")
    tracker = asyncio.run(store.retrieve("client"))
    time.sleep(0.01)  # the new session starts later than the stored events
    for event in (ActionExecuted("action_session_start"), SessionStarted(),
                  ActionExecuted("action_listen"), UserUttered("back again")):
        tracker.update(event)
    asyncio.run(store.save(tracker))
    assert said(stored_rows(store, "client")) == ["hi", "back again"]
    assert said(event.as_dict() for event in asyncio.run(store.retrieve("client")).events) \
        == ["back again"]


def test_a_stored_event_rasa_cannot_read_back_costs_no_new_event(store):
    """Rasa's own count would include the unreadable row and skip one new event."""
    started(store, "client")
    before = len(stored_rows(store, "client"))
    with store.session_scope() as session:
        # A row without an event name: Rasa reads the rest and skips it.
        session.add(store.SQLEvent(sender_id="client", type_name="unknown",
                                   timestamp=time.time(),
                                   data=json.dumps({"timestamp": time.time()})))
        session.commit()
    turn(store, "client", "one")
    rows = stored_rows(store, "client")
    assert said(rows) == ["hi", "one"]
    assert len(rows) == before + 1 + 3  # the unreadable row and the turn's three events
    assert "one" in said(event.as_dict() for event in
                         asyncio.run(store.retrieve("client")).events)
