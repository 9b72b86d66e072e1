"""The real assistant's client side: what the server tests and browser tests use.

The `assistant` fixture itself is in tests/conftest.py: one assistant for the whole
test session, shared by tests/server and tests/browser.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
# Includes a first training of the model on a fresh machine.
START_TIMEOUT_S = 900


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Assistant:
    url: str
    token: str
    action_port: int
    process: subprocess.Popen
    log: Path
    page_ports: tuple[int, ...] = ()  # origins CORS allows, for the demo pages

    def say(self, sender: str, text: str) -> list[dict]:
        response = requests.post(f"{self.url}/webhooks/rest/webhook",
                                 json={"sender": sender, "message": text}, timeout=60)
        response.raise_for_status()
        return response.json()

    def tracker(self, sender: str) -> dict:
        response = requests.get(f"{self.url}/conversations/{sender}/tracker",
                                params={"token": self.token}, timeout=30)
        response.raise_for_status()
        return response.json()

    def new_sender(self) -> str:
        return f"test-{uuid.uuid4().hex[:12]}"


def start_assistant(state: Path, extra_env: dict[str, str] | None = None) -> Assistant:
    """Starts scripts/stack.py serve (as `make run` does) on free ports, with a throw-away
    SQLite tracker store, so a running `make run` is not disturbed. `extra_env`: more
    settings (e.g. the messaging apps')."""
    rasa_port, action_port = free_port(), free_port()
    page_ports = (free_port(), free_port(), free_port())
    token = uuid.uuid4().hex
    env = {**os.environ, "RASA_PORT": str(rasa_port), "ACTION_PORT": str(action_port),
           "TRACKER_DB": str(state / "conversations.db"), "RASA_API_TOKEN": token,
           "CORS_ORIGINS": " ".join(f"http://localhost:{port}" for port in page_ports),
           **(extra_env or {})}
    log = state / "servers.log"
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, "-m", "scripts.stack", "serve"], cwd=ROOT,
                                   env=env, stdout=out, stderr=subprocess.STDOUT)
    server = Assistant(f"http://localhost:{rasa_port}", token, action_port, process, log,
                       page_ports)
    wait_for_ready(server)
    return server


def wait_for_ready(server: Assistant) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"the assistant did not start:\n{server.log.read_text()[-3000:]}")
        if "ready in" in server.log.read_text():
            return
        time.sleep(1)
    pytest.fail(f"the assistant was not ready in {START_TIMEOUT_S} s")


def parent_of_each_process() -> dict[int, int]:
    """Process id → its parent's, from /proc."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except OSError:  # the process ended meanwhile
            continue
    return parents


def child_processes(pid: int) -> list[int]:
    return [child for child, parent in parent_of_each_process().items() if parent == pid]


def command_line(pid: int) -> str:
    return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()


def rasa_workers(server: Assistant) -> list[int]:
    """The processes that answer for the Rasa server scripts/stack.py started: its workers,
    or the server itself when it runs one."""
    rasa = next(pid for pid in child_processes(server.process.pid)
                if " run " in command_line(pid) and " actions" not in command_line(pid))
    return child_processes(rasa) or [rasa]
