"""The scaled topology on one machine, from Debian packages: PostgreSQL (conversations),
Redis (conversation locks), two Rasa replicas and two action-server replicas behind nginx.

    python scripts/cluster.py up [--detach]   start it all; Ctrl-C / SIGTERM stops it all
    python scripts/cluster.py down            stop what `up --detach` started

The building blocks are importable (`sys.path.insert(0, "scripts")`), e.g. for a test that
needs a real PostgreSQL:

    ensure_debian_packages(["postgresql", "redis-server"])  # apt-get, only what is missing
    db = Postgres(Path("/tmp/x/postgres"), port=5433)      # a data dir of its own
    db.start()              # initdb on first use, start, create the role and database
    db.settings()           # POSTGRES_HOST/PORT/DB/USER/PASSWORD for scripts/stack.py
    db.restart(); db.stop()
    lock = Redis(Path("/tmp/x/redis"), port=6380)
    lock.start(); lock.settings(); lock.stop()

PostgreSQL refuses to run as root: as root its server runs as the `postgres` user, which
must be able to reach the data directory (not under /root or a 0700 temporary folder).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT_S = 60

# Debian package → a file that shows it is installed.
PACKAGE_MARKERS = {
    "postgresql": "/usr/lib/postgresql",
    "redis-server": "/usr/bin/redis-server",
    "nginx": "/usr/sbin/nginx",
}
NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def ensure_debian_packages(packages: list[str]) -> None:
    """Installs the missing ones with apt-get (as root, non-interactive); idempotent."""
    missing = [p for p in packages if not Path(PACKAGE_MARKERS[p]).exists()]
    if not missing:
        return
    if os.geteuid() != 0:
        raise RuntimeError(f"missing Debian packages: run  sudo apt-get install -y "
                           f"{' '.join(missing)}")
    print(f"cluster: installing {' '.join(missing)} (apt-get) ...", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    subprocess.run(["apt-get", "install", "-y", "-qq", *missing], check=True, env=env,
                   stdout=subprocess.DEVNULL)


def wait_for_port(port: int, what: str, timeout: float = START_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not listen on port {port} within {timeout:.0f} s")


def postgres_bin() -> Path:
    """The newest installed PostgreSQL's server programs (Debian keeps them off PATH)."""
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
                      key=lambda p: int(p.parent.parent.name))
    if not versions:
        raise RuntimeError("PostgreSQL's server is not installed (Debian package postgresql)")
    return versions[-1].parent


def as_postgres_user(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@dataclass
class Postgres:
    """A PostgreSQL server of our own: its data dir, port and one database for Rasa."""

    data_dir: Path
    port: int = 5433
    db: str = "precheck"
    user: str = "precheck"
    password: str = "precheck"

    def __post_init__(self) -> None:
        if not (NAME.match(self.db) and NAME.match(self.user)):
            raise ValueError("database and user names: lower-case letters, digits, _")
        self.data_dir = Path(self.data_dir).resolve()

    def start(self) -> None:
        ensure_debian_packages(["postgresql"])
        if not (self.data_dir / "PG_VERSION").exists():
            self._create_data_dir()
        if not self.running():
            self._pg_ctl("start", "-l", str(self.data_dir / "server.log"), "-o", self._options())
        self._create_database()

    def stop(self) -> None:
        if self.running():
            self._pg_ctl("stop", "-m", "fast")

    def restart(self) -> None:
        """A fast restart: open connections are cut, as when the server crashes or is updated."""
        self._pg_ctl("restart", "-m", "fast", "-l", str(self.data_dir / "server.log"),
                     "-o", self._options())

    def running(self) -> bool:
        status = subprocess.run(as_postgres_user([str(postgres_bin() / "pg_ctl"), "status",
                                                  "-D", str(self.data_dir)]),
                                capture_output=True)
        return status.returncode == 0

    def settings(self) -> dict[str, str]:
        """What scripts/stack.py reads to use this server as the tracker store."""
        return {"POSTGRES_HOST": "127.0.0.1", "POSTGRES_PORT": str(self.port),
                "POSTGRES_DB": self.db, "POSTGRES_USER": self.user,
                "POSTGRES_PASSWORD": self.password}

    def psql(self, sql: str, database: str = "postgres") -> str:
        """Runs SQL as the superuser over the server's own socket; returns unaligned rows."""
        result = subprocess.run(
            as_postgres_user([str(postgres_bin() / "psql"), "-X", "-q", "-tA", "-v",
                              "ON_ERROR_STOP=1", "-h", str(self.data_dir), "-p", str(self.port),
                              "-U", "postgres", "-d", database, "-c", sql]),
            capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"psql failed: {result.stderr.strip()}")
        return result.stdout.strip()

    def _options(self) -> str:
        # Its socket lives in the data dir: no need for /var/run/postgresql.
        return f"-p {self.port} -k {self.data_dir} -c listen_addresses=127.0.0.1"

    def _pg_ctl(self, *args: str) -> None:
        command = [str(postgres_bin() / "pg_ctl"), *args[:1], "-D", str(self.data_dir), "-w",
                   "-t", str(START_TIMEOUT_S), *args[1:]]
        result = subprocess.run(as_postgres_user(command), capture_output=True, text=True)
        if result.returncode != 0:
            log = self.data_dir / "server.log"
            tail = log.read_text(errors="replace")[-1500:] if log.exists() else ""
            raise RuntimeError(f"pg_ctl {args[0]} failed: {result.stderr.strip()}\n{tail}")

    def _create_data_dir(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.data_dir, "postgres", "postgres")
            reach = subprocess.run(as_postgres_user(["test", "-w", str(self.data_dir)]))
            if reach.returncode != 0:
                raise RuntimeError(
                    f"the postgres user cannot reach {self.data_dir} (PostgreSQL does not run "
                    "as root); choose a directory outside /root and 0700 folders, e.g. "
                    "CLUSTER_STATE=/var/tmp/precheck-cluster")
        self.data_dir.chmod(0o700)
        result = subprocess.run(
            as_postgres_user([str(postgres_bin() / "initdb"), "-D", str(self.data_dir),
                              "-U", "postgres", "--auth-local=trust",
                              "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8"]),
            capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"initdb failed: {result.stderr.strip()}")

    def _create_database(self) -> None:
        password = self.password.replace("'", "''")
        if not self.psql(f"SELECT 1 FROM pg_roles WHERE rolname = '{self.user}'"):
            self.psql(f"CREATE ROLE {self.user} LOGIN PASSWORD '{password}'")
        if not self.psql(f"SELECT 1 FROM pg_database WHERE datname = '{self.db}'"):
            self.psql(f"CREATE DATABASE {self.db} OWNER {self.user}")


@dataclass
class Redis:
    """A Redis server of our own for Rasa's lock store: nothing is saved to disk (locks are
    short-lived), it listens on 127.0.0.1 only."""

    data_dir: Path
    port: int = 6380
    password: str = ""

    def __post_init__(self) -> None:
        self.data_dir = Path(self.data_dir).resolve()

    @property
    def pid_file(self) -> Path:
        return self.data_dir / "redis.pid"

    def start(self) -> None:
        ensure_debian_packages(["redis-server"])
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self.pid() is not None:
            return
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                   "--daemonize", "yes", "--pidfile", str(self.pid_file),
                   "--dir", str(self.data_dir), "--logfile", str(self.data_dir / "redis.log"),
                   "--save", "", "--appendonly", "no"]
        if self.password:
            command += ["--requirepass", self.password]
        subprocess.run(command, check=True)
        wait_for_port(self.port, "Redis")

    def stop(self) -> None:
        pid = self.pid()
        if pid is None:
            return
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + START_TIMEOUT_S
        while self.pid() is not None and time.monotonic() < deadline:
            time.sleep(0.1)

    def pid(self) -> int | None:
        """The running server's process id, from its pid file."""
        try:
            pid = int(self.pid_file.read_text())
            os.kill(pid, 0)
        except (OSError, ValueError):
            return None
        return pid

    def settings(self) -> dict[str, str]:
        """What scripts/stack.py reads to use this server as the lock store."""
        return {"REDIS_HOST": "127.0.0.1", "REDIS_PORT": str(self.port), "REDIS_DB": "1",
                "REDIS_PASSWORD": self.password}
