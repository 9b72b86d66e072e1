"""Conversation locks in a SQLite file (precheck/stores/lock_store.py), shared by the Sanic workers
of one machine: stores opened on the same file stand for the workers."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

from rasa.core.lock_store import LockStore
from rasa.utils.endpoints import EndpointConfig

from precheck.stores.lock_store import SQLiteLockStore

ROOT = Path(__file__).resolve().parents[2]
# Takes tickets for one conversation as fast as it can; prints their numbers.
TAKE_TICKETS = """
import sys
from precheck.stores.lock_store import SQLiteLockStore
store = SQLiteLockStore(db=sys.argv[1])
print(" ".join(str(store.issue_ticket("client-1")) for _ in range(int(sys.argv[2]))))
"""


def test_rasa_makes_it_from_the_endpoints_file_entry(tmp_path):
    config = EndpointConfig(type="precheck.stores.lock_store.SQLiteLockStore",
                            db=str(tmp_path / "state" / "locks.db"))
    store = LockStore.create(config)
    assert isinstance(store, SQLiteLockStore)
    assert (tmp_path / "state" / "locks.db").exists()


def test_workers_taking_tickets_at_once_never_get_the_same_number(tmp_path):
    db = str(tmp_path / "locks.db")
    SQLiteLockStore(db=db)  # the table exists before the race
    workers = [subprocess.Popen([sys.executable, "-c", TAKE_TICKETS, db, "300"], cwd=ROOT,
                                stdout=subprocess.PIPE, text=True) for _ in range(3)]
    numbers = [int(n) for worker in workers for n in worker.communicate(timeout=120)[0].split()]
    assert all(worker.returncode == 0 for worker in workers)
    assert len(numbers) == 900
    assert len(set(numbers)) == 900, "two workers were given the same ticket"


async def take_turn(store: SQLiteLockStore, name: str, log: list[str], hold_s: float) -> None:
    async with store.lock("client-1", wait_time_in_seconds=0.01):
        log.append(f"{name} starts")
        await asyncio.sleep(hold_s)
        log.append(f"{name} ends")


def test_a_turn_in_another_worker_waits_for_the_one_being_answered(tmp_path):
    first, second = SQLiteLockStore(db=str(tmp_path / "locks.db")), \
        SQLiteLockStore(db=str(tmp_path / "locks.db"))
    log: list[str] = []

    async def both() -> None:
        answering = asyncio.create_task(take_turn(first, "first", log, hold_s=0.3))
        await asyncio.sleep(0.05)
        await take_turn(second, "second", log, hold_s=0)
        await answering

    asyncio.run(both())
    assert log == ["first starts", "first ends", "second starts", "second ends"]
    assert first.get_lock("client-1") is None, "the lock is deleted when nobody waits"


def test_ending_a_turn_keeps_the_lock_another_worker_waits_on(tmp_path):
    first, second = SQLiteLockStore(db=str(tmp_path / "locks.db")), \
        SQLiteLockStore(db=str(tmp_path / "locks.db"))
    answered = first.issue_ticket("client-1")
    waiting = second.issue_ticket("client-1")
    first.cleanup("client-1", answered)
    lock = second.get_lock("client-1")
    assert lock is not None and not lock.is_locked(waiting)
    second.cleanup("client-1", waiting)
    assert second.get_lock("client-1") is None


def test_other_conversations_are_not_held_up(tmp_path):
    store = SQLiteLockStore(db=str(tmp_path / "locks.db"))
    store.issue_ticket("client-1")
    ticket = store.issue_ticket("client-2")
    assert not store.get_lock("client-2").is_locked(ticket)
