"""Conversation locks in a SQLite file, so that several Rasa workers on one machine can
answer clients without Redis.

Rasa serves one turn of a conversation at a time: a turn takes a ticket from the
conversation's lock and waits for its number. With more than one Sanic worker the locks
must be shared between the worker processes; Rasa's own choice is Redis. This store keeps
them in a SQLite file instead (the embedded default, scripts/stack.py), with every change
of a lock made in one write transaction: two workers taking a ticket at once get two
numbers, and a lock is never deleted while a ticket taken by another worker waits on it
(Rasa's base class reads and writes in separate steps, so both could happen).

    lock_store:
      type: precheck.stores.lock_store.SQLiteLockStore
      db: .state/locks.db

Locks live for one turn (or until their tickets expire, TICKET_LOCK_LIFETIME): losing the
file loses nothing, so commits do not wait for the disk.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore
from rasa.utils.endpoints import EndpointConfig

DEFAULT_DB = ".state/locks.db"
# Another worker holds the file's write lock for well under a millisecond per change.
BUSY_TIMEOUT_S = 5.0


class SQLiteLockStore(LockStore):
    """Rasa's ticket locks, shared by the processes that open the same file."""

    def __init__(self, endpoint_config: EndpointConfig | None = None,
                 db: str | None = None) -> None:
        path = Path(db or (endpoint_config and endpoint_config.kwargs.get("db")) or DEFAULT_DB)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Autocommit; the changes of a lock open their own write transaction.
        self._db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        for pragma in ("journal_mode = WAL", "synchronous = NORMAL", "secure_delete = ON"):
            self._db.execute(f"PRAGMA {pragma}")
        self._db.execute("CREATE TABLE IF NOT EXISTS conversation_lock "
                         "(conversation_id TEXT PRIMARY KEY, lock TEXT NOT NULL)")
        super().__init__()

    def get_lock(self, conversation_id: str) -> TicketLock | None:
        row = self._db.execute("SELECT lock FROM conversation_lock WHERE conversation_id = ?",
                               (conversation_id,)).fetchone()
        return TicketLock.from_dict(json.loads(row[0])) if row else None

    def save_lock(self, lock: TicketLock) -> None:
        self._db.execute("INSERT OR REPLACE INTO conversation_lock VALUES (?, ?)",
                         (lock.conversation_id, lock.dumps()))

    def delete_lock(self, conversation_id: str) -> None:
        deleted = self._db.execute("DELETE FROM conversation_lock WHERE conversation_id = ?",
                                   (conversation_id,)).rowcount
        self._log_deletion(conversation_id, deletion_successful=deleted > 0)

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        try:
            with self._changing():
                lock = self.get_or_create_lock(conversation_id)
                ticket = lock.issue_ticket(lock_lifetime)
                self.save_lock(lock)
        except sqlite3.Error as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error
        return ticket

    def update_lock(self, conversation_id: str) -> None:
        with self._changing():
            super().update_lock(conversation_id)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        with self._changing():
            lock = self.get_lock(conversation_id)
            if lock is None:
                return
            lock.remove_ticket_for(ticket_number)
            if lock.is_someone_waiting():
                self.save_lock(lock)
            else:
                self.delete_lock(conversation_id)

    @contextmanager
    def _changing(self) -> Iterator[None]:
        """One write transaction: other workers wait for it instead of interleaving."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")
