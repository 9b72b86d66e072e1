"""Rasa's SQL tracker store (SQLite or PostgreSQL) that forgets on request and after a while.

Use it in endpoints.yml in place of `type: SQL`, with the same keys:

    tracker_store:
      type: privacy.tracker_store.PrivacyTrackerStore
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
"""

from __future__ import annotations

import logging
import os
import time
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)

# The response that tells the client their conversation is deleted: running it is the
# (confirmed) request to forget.
FORGET_ACTION = "utter_conversation_deleted"
DEFAULT_RETENTION_DAYS = 30.0
PURGE_INTERVAL_S = 3600.0
SECONDS_PER_DAY = 86400.0


class PrivacyTrackerStore(SQLTrackerStore):
    """SQLTrackerStore that deletes a conversation on request and old ones by age."""

    def __init__(self, *args: Any, retention_days: float | str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
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
