"""One real cluster (scripts/cluster.py up: PostgreSQL, Redis, two Rasa replicas, two
action replicas, nginx) for all the topology tests, on free ports, with its own state in a
throw-away folder. Its clients talk through nginx, as a clinic's would.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from requests.adapters import HTTPAdapter

from scripts.cluster import Postgres
from tests.conftest import require_debian_packages
from tests.server.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]

# Includes installing the Debian packages and a first training on a fresh machine.
START_TIMEOUT_S = 1200
RESTART_TIMEOUT_S = 300


class FromAddress(HTTPAdapter):
    """Connects from one loopback address: each simulated client is its own client IP
    for nginx (127.0.0.0/8 is all this machine)."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs) -> None:
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


# nginx's default per-address rate (RATE_LIMIT, 5 requests/s): a client that types stays
# under it, while the test driver answers at machine speed and would spend the burst
# allowance within one check (CI once got a 429 on the last request of a 20-turn check).
PACED_INTERVAL_S = 0.25


@dataclass
class Client:
    """A client of the cluster with the `say`/`tracker`/`new_sender` of tests/server's
    Assistant (so the conversation driver runs unchanged); it notes which Rasa replica
    answered each message (nginx's X-Rasa-Replica header) and sends no faster than a
    person could (PACED_INTERVAL_S)."""

    url: str
    token: str
    address: str = "127.0.0.1"
    replicas: list[str] = field(default_factory=list)
    sent: dict[str, list[str]] = field(default_factory=dict)
    last_request: float = float("-inf")

    def __post_init__(self) -> None:
        self.session = requests.Session()
        self.session.mount("http://", FromAddress(self.address))

    def pace(self) -> None:
        time.sleep(max(0.0, self.last_request + PACED_INTERVAL_S - time.monotonic()))
        self.last_request = time.monotonic()

    def say(self, sender: str, text: str) -> list[dict]:
        self.pace()
        response = self.session.post(f"{self.url}/webhooks/rest/webhook",
                                     json={"sender": sender, "message": text}, timeout=120)
        response.raise_for_status()
        self.replicas.append(response.headers["X-Rasa-Replica"])
        self.sent.setdefault(sender, []).append(text)
        return response.json()

    def tracker(self, sender: str) -> dict:
        self.pace()
        response = self.session.get(f"{self.url}/conversations/{sender}/tracker",
                                    params={"token": self.token}, timeout=60)
        response.raise_for_status()
        return response.json()

    def new_sender(self) -> str:
        return f"cluster-{uuid.uuid4().hex[:12]}"

    def user_messages(self, sender: str) -> list[str]:
        return [e["text"] for e in self.tracker(sender)["events"] if e["event"] == "user"]


@dataclass
class RunningCluster:
    url: str
    token: str
    state: Path
    process: subprocess.Popen
    log: Path
    postgres: Postgres
    ports: dict[str, int]
    action_token: str

    def client(self, address: str = "127.0.0.1") -> Client:
        return Client(self.url, self.token, address)

    def servers(self) -> dict[str, dict]:
        """Each server's pid and port, as the cluster records them."""
        return json.loads((self.state / "processes.json").read_text())

    def kill(self, name: str) -> int:
        """Kills one replica outright (SIGKILL: no goodbye) and waits until its port is
        closed (a big process takes a moment to die); returns its pid."""
        server = self.servers()[name]
        os.killpg(server["pid"], signal.SIGKILL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", int(server["port"]))) != 0:
                    return server["pid"]
            time.sleep(0.05)
        pytest.fail(f"{name} still accepts connections after SIGKILL")

    def restarting(self, name: str, old_pid: int, timeout: float = 30) -> bool:
        """Whether the cluster starts a new process for the replica (not waiting for it)."""
        deadline = time.monotonic() + timeout
        while self.servers()[name]["pid"] == old_pid and time.monotonic() < deadline:
            time.sleep(0.5)
        return self.servers()[name]["pid"] != old_pid

    def wait_until_restarted(self, name: str, old_pid: int) -> None:
        """Until the cluster has restarted the replica and it answers again, also through
        nginx (which keeps a replica that failed out of use for its fail_timeout, 2 s)."""
        deadline = time.monotonic() + RESTART_TIMEOUT_S
        while time.monotonic() < deadline:
            server = self.servers()[name]
            path = "/health" if name.startswith("actions") else "/"
            front = self.ports["ACTION_PORT" if name.startswith("actions") else "RASA_PORT"]
            try:
                if server["pid"] != old_pid and all(
                        requests.get(f"http://127.0.0.1:{port}{path}", timeout=2).ok
                        for port in (server["port"], front)):
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.5)
        pytest.fail(f"{name} was not restarted within {RESTART_TIMEOUT_S} s")


def cluster_folder() -> Path:
    # PostgreSQL runs as the postgres user, which cannot enter pytest's 0700 temp folders.
    folder = Path(tempfile.mkdtemp(prefix="precheck-cluster-"))
    folder.chmod(0o755)
    return folder


@pytest.fixture(scope="package")
def cluster(trained_model, tmp_path_factory):
    require_debian_packages("postgresql", "redis-server", "nginx")
    state = cluster_folder()
    ports = {name: free_port() for name in (
        "RASA_PORT", "ACTION_PORT", "POSTGRES_PORT", "REDIS_PORT", "rasa-1", "rasa-2",
        "actions-1", "actions-2")}
    token, action_token = uuid.uuid4().hex, uuid.uuid4().hex
    env = {**os.environ, **{k: str(v) for k, v in ports.items() if k.isupper()},
           "CLUSTER_STATE": str(state), "RASA_API_TOKEN": token,
           "ACTION_SERVER_TOKEN": action_token,
           "RASA_REPLICA_PORTS": f"{ports['rasa-1']} {ports['rasa-2']}",
           "ACTION_REPLICA_PORTS": f"{ports['actions-1']} {ports['actions-2']}"}
    log = state / "cluster.log"
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, "-m", "scripts.cluster", "up"], cwd=ROOT,
                                   env=env, stdout=out, stderr=subprocess.STDOUT)
    running = RunningCluster(f"http://127.0.0.1:{ports['RASA_PORT']}", token, state, process,
                             log, Postgres(state / "postgres", ports["POSTGRES_PORT"]), ports,
                             action_token)
    try:
        wait_for_ready(running)
        yield running
    finally:
        process.terminate()
        process.wait(timeout=180)
        # The servers' log outlives the folder, in pytest's kept temporary folders.
        shutil.copy(log, tmp_path_factory.getbasetemp() / "cluster.log")
        shutil.rmtree(state, ignore_errors=True)


def wait_for_ready(cluster: RunningCluster) -> None:
    started = time.monotonic()
    while time.monotonic() - started < START_TIMEOUT_S:
        if cluster.process.poll() is not None:
            pytest.fail(f"the cluster did not start:\n{cluster.log.read_text()[-3000:]}")
        if "cluster ready" in cluster.log.read_text():
            print(f"\ncluster ready in {time.monotonic() - started:.0f} s")
            return
        time.sleep(1)
    pytest.fail(f"the cluster was not ready in {START_TIMEOUT_S} s")
