"""The assistant's tracker store: Rasa's SQL store (SQLite or PostgreSQL) that forgets a
conversation on request and after a while, survives a database restart, and saves a turn
without counting the stored events again. It is the one tracker store of the project:
endpoints.yml names it (so `rasa run` and `rasa shell` started by hand in this folder
use it), scripts/stack.py writes it, and every test runs it.

    tracker_store:
      type: precheck.stores.tracker_store.ClinicTrackerStore
      dialect: sqlite          # or postgresql, with url/port/username/password
      db: .state/conversations.db
      retention_days: 30       # optional; else RETENTION_DAYS, else 30; 0 keeps forever

Forgetting on request: Rasa saves the whole tracker after every message, so rows deleted
by an action would be written back by that save. Instead, when the turn being saved ran
FORGET_ACTION (the dialogue's answer to "delete my data", domain/privacy.yml), this store
deletes every stored event of the conversation and saves nothing. The next message from the
same client starts a new, empty conversation.

Retention: conversations whose newest event is older than the retention period are deleted
when the server starts, then at most once every PURGE_INTERVAL_S, checked on save (no
background thread, so the purge runs under the same error handling as saving).

Reconnecting: Rasa 3.6 wraps every tracker store in a FailSafeTrackerStore, which carries on
as if the client were new when reading a conversation fails. After a PostgreSQL restart every
pooled connection is dead, so the first turn of every replica would fail that way; checking a
connection before use (`pool_pre_ping`) replaces dead ones (docs/deployment.md).

Saving: to know which events of a tracker are new, Rasa's save counts the stored events of
the conversation's latest session (2.1 of 31 ms of a turn, bench/README.md). The tracker a
turn saves is the one it read under the conversation's lock, so the store notes how many
events it was read with and uses that number for the tracker's first save. (Where Rasa
could not read a stored event back, its count would skip as many new events; this does not.)
Any other save counts with Rasa's query.
"""

from __future__ import annotations

import itertools
import logging
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)

# The response that tells the client their conversation is deleted: running it is the
# (confirmed) request to forget.
FORGET_ACTION = "utter_conversation_deleted"
DEFAULT_RETENTION_DAYS = 30.0
PURGE_INTERVAL_S = 3600.0
SECONDS_PER_DAY = 86400.0
# Set on a tracker read from this store: how many events it was read with.
READ_EVENTS = "_precheck_read_events"


class ClinicTrackerStore(SQLTrackerStore):
    """SQLTrackerStore that deletes a conversation on request and old ones by age, renews
    dead database connections, and saves the tracker it read without a count query."""

    def __init__(self, *args: Any, retention_days: float | str | None = None,
                 **kwargs: Any) -> None:
        if kwargs.get("dialect", "sqlite") == "sqlite":
            make_private_folder(Path(kwargs.get("db") or "rasa.db").parent)
        super().__init__(*args, **kwargs)
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        self.retention_days = retention_period_days(retention_days)
        self._last_purge = 0.0
        self.purge_expired()

    async def save(self, tracker: DialogueStateTracker) -> None:
        if asked_to_be_forgotten(tracker):
            self.delete_conversation(tracker.sender_id)
            return
        await super().save(tracker)
        if time.monotonic() - self._last_purge >= PURGE_INTERVAL_S:
            self.purge_expired()

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool
                        ) -> DialogueStateTracker | None:
        tracker = await super()._retrieve(sender_id, fetch_events_from_all_sessions)
        if tracker is not None and not fetch_events_from_all_sessions \
                and tracker.events.maxlen is None:
            setattr(tracker, READ_EVENTS, len(tracker.events))
        return tracker

    def _additional_events(self, session: sa.orm.Session, tracker: DialogueStateTracker
                           ) -> Iterator:
        read = tracker.__dict__.pop(READ_EVENTS, None)  # its first save only
        if read is None:
            return super()._additional_events(session, tracker)
        return itertools.islice(tracker.events, read, len(tracker.events))

    def delete_conversation(self, sender_id: str) -> int:
        """Deletes every stored event of one conversation, all sessions; returns the count."""
        deleted = self._delete_events(self.SQLEvent.sender_id == sender_id)
        # Counts only: a conversation id may be chosen by the client.
        logger.info("deleted a conversation on the client's request (%d events)", deleted)
        return deleted

    def purge_expired(self) -> int:
        """Deletes conversations whose newest event is older than the retention period."""
        self._last_purge = time.monotonic()
        if not self.retention_days:
            return 0
        cutoff = time.time() - self.retention_days * SECONDS_PER_DAY
        event = self.SQLEvent
        expired = (sa.select(event.sender_id).group_by(event.sender_id)
                   .having(sa.func.max(event.timestamp) < cutoff))
        deleted = self._delete_events(event.sender_id.in_(expired))
        if deleted:
            logger.info("retention: deleted %d events older than %g days", deleted,
                        self.retention_days)
        return deleted

    def _delete_events(self, condition: Any) -> int:
        """Deletes the matching events. SQLite is told to overwrite their bytes: otherwise
        a deleted conversation stays readable in the file's free pages (Debian builds
        SQLite with this on; SQLite's own default is off)."""
        with self.session_scope() as session:
            if self.engine.dialect.name == "sqlite":
                session.execute(sa.text("PRAGMA secure_delete = ON"))
            deleted = (session.query(self.SQLEvent).filter(condition)
                       .delete(synchronize_session=False))
            session.commit()
        return deleted


def make_private_folder(folder: Path) -> None:
    """SQLite cannot create the folder of its file: `rasa run` in a fresh clone would fail
    on endpoints.yml's `.state/`. Conversations are health data, so only the owner may
    enter it."""
    if not folder.exists():
        folder.mkdir(mode=0o700, parents=True)


def retention_period_days(configured: float | str | None) -> float:
    """endpoints.yml's retention_days, else RETENTION_DAYS, else the default; 0 = forever."""
    for value in (configured, os.environ.get("RETENTION_DAYS")):
        if value not in (None, ""):
            days = float(value)
            if days < 0:
                raise ValueError(f"retention_days must be 0 (keep) or more, not {days}")
            return days
    return DEFAULT_RETENTION_DAYS


def asked_to_be_forgotten(tracker: DialogueStateTracker) -> bool:
    """Whether the latest turn (since the client's last message) ran FORGET_ACTION."""
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, ActionExecuted) and event.action_name == FORGET_ACTION:
            return True
    return False
