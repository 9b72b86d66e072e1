"""The tracker store the assistant runs with: the privacy store (forgetting, retention) on
a database connection pool that survives a database restart, saving a turn without
counting the conversation's stored events again.

Rasa 3.6 wraps every tracker store in a FailSafeTrackerStore: when reading a conversation
fails, it carries on as if the client were new (a fresh conversation, the answers so far
ignored, and nothing of that turn saved). After a PostgreSQL restart each pooled connection
is dead, so the first turn of every replica would fail that way. Checking a connection
before using it (`pool_pre_ping`) replaces dead ones, so turns after a restart continue the
conversation.

To know which events of a tracker are new, Rasa's save counts the stored events of the
conversation's latest session with a query (2.1 of 31 ms of a turn, bench/README.md). The
tracker a turn saves is the one it read under the conversation's lock, and its new events
are those after the ones it was read with: this store notes that number on the tracker
when reading and uses it for the tracker's first save. (Where Rasa could not read a
stored event back, the tracker has fewer events than the count, and Rasa's save would skip
as many new events; this one does not.) Any other save counts with Rasa's query.

Use it in place of the privacy store, with the same keys:

    tracker_store:
      type: scaling.tracker_store.ReconnectingTrackerStore
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import create_engine_kwargs
from rasa.shared.core.trackers import DialogueStateTracker

from privacy.tracker_store import PrivacyTrackerStore

# Set on a tracker read from this store: how many events it was read with.
READ_EVENTS = "_precheck_read_events"


class ReconnectingTrackerStore(PrivacyTrackerStore):
    """PrivacyTrackerStore whose connections are checked (and renewed) before each use,
    and which saves the tracker it read without a count query."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

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
