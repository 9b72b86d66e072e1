"""The Rasa server runs a worker per core (at most two; README "Configuration") on the
embedded defaults, and its workers keep each conversation's turns one at a time."""

from __future__ import annotations

import http.client
import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from scripts import stack
from tests.server.conftest import rasa_workers

pytestmark = pytest.mark.server

ROOT = Path(__file__).resolve().parents[2]

STAGGER_S = 0.03
LISTEN, ESTABLISHED = "0A", "01"  # TCP states in /proc/net/tcp
CONNECTIONS = 24  # all on one worker by chance: 2 in 2**24 with two workers


def test_the_server_runs_the_configured_number_of_workers(assistant):
    workers = rasa_workers(assistant)
    assert len(workers) == int(stack.settings()["SANIC_WORKERS"])
    if len(workers) > 1:
        assert (assistant.log.parent / "locks.db").exists(), "the workers share no locks"


def test_messages_sent_at_once_in_one_conversation_are_all_kept_in_turn(assistant):
    sender = assistant.new_sender()
    assistant.say(sender, "hi")
    messages = [f"message {n}" for n in range(16)]

    def send(n: int) -> None:
        time.sleep(n * STAGGER_S)  # arriving while others are answered: both workers take some
        assistant.say(sender, messages[n])

    with ThreadPoolExecutor(len(messages)) as pool:
        list(pool.map(send, range(len(messages))))

    events = assistant.tracker(sender)["events"]
    said = [event["text"] for event in events if event["event"] == "user"]
    assert sorted(said[1:]) == sorted(messages), "a turn overwrote another: locks not shared"
    # Each turn ends by listening before the next message is taken in.
    kinds = [event.get("name") if event["event"] == "action" else event["event"]
             for event in events if event["event"] in ("user", "action")]
    assert all(kinds[i - 1] == "action_listen"
               for i, kind in enumerate(kinds) if kind == "user" and i > 0)


def test_each_worker_listens_on_its_own_socket_and_is_given_connections(assistant):
    workers = rasa_workers(assistant)
    if len(workers) == 1:
        pytest.skip("one worker on this machine")
    port = urlsplit(assistant.url).port
    listening = sockets_on_port(port, LISTEN)
    owners = {worker: socket_inodes(worker) & listening for worker in workers}
    assert all(len(owned) == 1 for owned in owners.values()), owners
    assert len(set.union(*owners.values())) == len(workers), "the workers share a socket"

    connections = [http.client.HTTPConnection("localhost", port, timeout=30)
                   for _ in range(CONNECTIONS)]
    try:
        for connection in connections:  # kept alive, like a widget's or a load client's
            connection.request("GET", "/")
            assert connection.getresponse().read()
        accepted = sockets_on_port(port, ESTABLISHED)
        served = {worker: len(socket_inodes(worker) & accepted) for worker in workers}
    finally:
        for connection in connections:
            connection.close()
    assert sum(served.values()) == CONNECTIONS
    assert all(served.values()), f"connections per worker: {served}"


def sockets_on_port(port: int, state: str) -> set[str]:
    """Inodes of this machine's TCP sockets with that local port and state."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == state:
                inodes.add(fields[9])
    return inodes


def socket_inodes(pid: int) -> set[str]:
    """Inodes of the sockets a process has open."""
    fd_dir = Path(f"/proc/{pid}/fd")
    links = (os.readlink(fd_dir / fd) for fd in os.listdir(fd_dir))
    return {link[len("socket:["):-1] for link in links if link.startswith("socket:[")}
