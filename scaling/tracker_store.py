"""The tracker store the assistant runs with: the privacy store (forgetting, retention) on
a database connection pool that survives a database restart.

Rasa 3.6 wraps every tracker store in a FailSafeTrackerStore: when reading a conversation
fails, it carries on as if the client were new (a fresh conversation, the answers so far
ignored, and nothing of that turn saved). After a PostgreSQL restart each pooled connection
is dead, so the first turn of every replica would fail that way. Checking a connection
before using it (`pool_pre_ping`) replaces dead ones, so turns after a restart continue the
conversation. Use it in place of the privacy store, with the same keys:

    tracker_store:
      type: scaling.tracker_store.ReconnectingTrackerStore
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import create_engine_kwargs

from privacy.tracker_store import PrivacyTrackerStore


class ReconnectingTrackerStore(PrivacyTrackerStore):
    """PrivacyTrackerStore whose connections are checked (and renewed) before each use."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
