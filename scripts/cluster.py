"""The scaled topology on one machine, from Debian packages: PostgreSQL (conversations),
Redis (conversation locks), two Rasa replicas and two action-server replicas behind nginx.

    python -m scripts.cluster up [--detach]   start it all; Ctrl-C / SIGTERM stops it all
    python -m scripts.cluster down            stop what `up --detach` started

Clients reach the Rasa replicas through nginx on RASA_PORT (round robin; socket.io sticky by
client address; a per-client rate limit answers 429), and the Rasa replicas reach the action
replicas through nginx on ACTION_PORT (round robin). A replica that stops is restarted;
meanwhile nginx passes its requests to the other one. Settings: README "Configuration".

The building blocks are importable (`from scripts import cluster`), e.g. for a test that
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

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from scripts import stack

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT_S = 60

# Debian package → a file that shows it is installed.
PACKAGE_MARKERS = {
    "postgresql": "/usr/lib/postgresql",
    "redis-server": "/usr/bin/redis-server",
    "nginx": "/usr/sbin/nginx",
}
NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def missing_packages(packages: list[str]) -> list[str]:
    return [p for p in packages if not Path(PACKAGE_MARKERS[p]).exists()]


def ensure_debian_packages(packages: list[str]) -> None:
    """Installs the missing ones with apt-get (as root, non-interactive); idempotent."""
    missing = missing_packages(packages)
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


def cluster_settings() -> dict[str, str]:
    """stack.settings() for the whole topology: RASA_PORT and ACTION_PORT are nginx's,
    the replicas have ports of their own, PostgreSQL and Redis are the cluster's own (on
    ports beside the packages' usual 5432 and 6379, so they can run next to them)."""
    env = os.environ.get
    conf = stack.settings()
    conf.update({
        "CLUSTER_STATE": env("CLUSTER_STATE", str(stack.STATE / "cluster")),
        "CLUSTER_LISTEN": env("CLUSTER_LISTEN", "127.0.0.1"),
        "RASA_REPLICA_PORTS": env("RASA_REPLICA_PORTS", "5011 5012"),
        "ACTION_REPLICA_PORTS": env("ACTION_REPLICA_PORTS", "5061 5062"),
        "RATE_LIMIT": env("RATE_LIMIT", "5"),
        "RATE_LIMIT_BURST": env("RATE_LIMIT_BURST", "20"),
        "POSTGRES_PORT": env("POSTGRES_PORT", "5433"),
        "POSTGRES_PASSWORD": env("POSTGRES_PASSWORD", "precheck"),
        "REDIS_PORT": env("REDIS_PORT", "6380"),
        # The cluster grows by replicas: one worker (one copy of the model) each.
        "SANIC_WORKERS": env("SANIC_WORKERS", "1"),
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{conf['ACTION_PORT']}/webhook",
        # Only the Rasa replicas may call the action servers; unless given, a new token.
        "ACTION_SERVER_TOKEN": env("ACTION_SERVER_TOKEN") or secrets.token_hex(16),
        # Replicas only on loopback: clients come in through nginx (and its rate limit).
        "RASA_INTERFACE": "127.0.0.1",
        "SANIC_HOST": "127.0.0.1",
    })
    return conf


NGINX_SITE = ROOT / "deploy" / "nginx" / "precheck.conf.template"
NGINX_MAIN = """# Generated by scripts/cluster.py; do not edit.
{user}
worker_processes 1;
pid {state}/nginx.pid;
events {{ worker_connections 1024; }}
http {{
  client_body_temp_path {state}/nginx; proxy_temp_path {state}/nginx;
  fastcgi_temp_path {state}/nginx; uwsgi_temp_path {state}/nginx; scgi_temp_path {state}/nginx;
  include {state}/precheck.conf;
}}
"""


def fill_in(template: str, values: dict[str, str]) -> str:
    """Replaces each ${NAME} (as envsubst would); nginx's own $variables stay."""
    return re.sub(r"\$\{(\w+)\}", lambda match: values[match.group(1)], template)


def upstream_servers(ports: list[str]) -> str:
    # A replica that refuses a connection is skipped for 2 s; its request goes to the other.
    return " ".join(f"server 127.0.0.1:{port} max_fails=1 fail_timeout=2s;" for port in ports)


class Cluster:
    """The whole topology; start() brings it up, supervise() keeps it up, stop() ends it."""

    def __init__(self, conf: dict[str, str]) -> None:
        self.conf = conf
        self.state = Path(conf["CLUSTER_STATE"]).resolve()
        self.rasa_ports = conf["RASA_REPLICA_PORTS"].split()
        self.action_ports = conf["ACTION_REPLICA_PORTS"].split()
        self.postgres = Postgres(self.state / "postgres", int(conf["POSTGRES_PORT"]),
                                 conf["POSTGRES_DB"], conf["POSTGRES_USER"],
                                 conf["POSTGRES_PASSWORD"])
        self.redis = Redis(self.state / "redis", int(conf["REDIS_PORT"]),
                           conf["REDIS_PASSWORD"])
        # The replicas use these two: the tracker store and the lock store.
        conf.update({**self.postgres.settings(), **self.redis.settings()})
        self.processes: dict[str, subprocess.Popen] = {}
        self.model: Path | None = None

    def ports(self) -> dict[str, str]:
        named = {"nginx (assistant)": self.conf["RASA_PORT"],
                 "nginx (actions)": self.conf["ACTION_PORT"],
                 "PostgreSQL": self.conf["POSTGRES_PORT"], "Redis": self.conf["REDIS_PORT"]}
        named.update({f"Rasa replica {i}": p for i, p in enumerate(self.rasa_ports, 1)})
        named.update({f"action replica {i}": p for i, p in enumerate(self.action_ports, 1)})
        return named

    def start(self) -> None:
        ensure_debian_packages(["postgresql", "redis-server", "nginx"])
        stack.require_free_ports(self.ports())
        self.model = stack.ensure_model()
        (self.state / "nginx").mkdir(parents=True, exist_ok=True)
        self.postgres.start()
        self.redis.start()
        for name in self.replica_names():
            self.processes[name] = self.start_replica(name)
            if name == "rasa-1":
                self.wait_for_conversation_tables(self.processes[name])
        self.processes["nginx"] = self.start_nginx()
        for name, process in self.processes.items():
            if name != "nginx":
                stack.wait_until_healthy(self.health_url(name), process, name)
        wait_for_port(int(self.conf["RASA_PORT"]), "nginx")
        self.record_processes()

    def wait_for_conversation_tables(self, first_rasa: subprocess.Popen) -> None:
        """Rasa replicas started together race to create the tracker store's tables (Rasa
        retries, but logs an error): the others start once the first one made them."""
        deadline = time.monotonic() + stack.STARTUP_TIMEOUT_S
        while time.monotonic() < deadline and first_rasa.poll() is None:
            if self.postgres.psql("SELECT to_regclass('public.events')", self.postgres.db):
                return
            time.sleep(0.5)

    def replica_names(self) -> list[str]:
        return ([f"actions-{i}" for i in range(1, len(self.action_ports) + 1)]
                + [f"rasa-{i}" for i in range(1, len(self.rasa_ports) + 1)])

    def replica_port(self, name: str) -> str:
        kind, number = name.split("-")
        return (self.rasa_ports if kind == "rasa" else self.action_ports)[int(number) - 1]

    def health_url(self, name: str) -> str:
        path = "/health" if name.startswith("actions") else "/"
        return f"http://127.0.0.1:{self.replica_port(name)}{path}"

    def start_replica(self, name: str) -> subprocess.Popen:
        port = self.replica_port(name)
        if name.startswith("actions"):
            return stack.start_action_server({**self.conf, "ACTION_PORT": port})
        return stack.start_rasa_server({**self.conf, "RASA_PORT": port}, self.model)

    def start_nginx(self) -> subprocess.Popen:
        conf = self.conf
        site = fill_in(NGINX_SITE.read_text(), dict(
            RATE_LIMIT=conf["RATE_LIMIT"], RATE_LIMIT_BURST=conf["RATE_LIMIT_BURST"],
            RASA_LISTEN=f"{conf['CLUSTER_LISTEN']}:{conf['RASA_PORT']}",
            ACTION_LISTEN=f"127.0.0.1:{conf['ACTION_PORT']}",
            RASA_SERVERS=upstream_servers(self.rasa_ports),
            ACTION_SERVERS=upstream_servers(self.action_ports)))
        (self.state / "precheck.conf").write_text(site)
        user = ""
        if os.geteuid() == 0:  # its workers never run as root; they write temporary files
            user = "user www-data;"
            shutil.chown(self.state / "nginx", "www-data")
        main = self.state / "nginx.conf"
        main.write_text(NGINX_MAIN.format(user=user, state=self.state))
        return stack.launch(["nginx", "-e", "stderr", "-p", str(self.state), "-c", str(main),
                             "-g", "daemon off;"], conf)

    def record_processes(self) -> None:
        """processes.json: each server's pid and port, for operators and the fault tests."""
        record = self.state / "processes.json.new"
        record.write_text(json.dumps(
            {name: {"pid": process.pid,
                    "port": self.conf["RASA_PORT"] if name == "nginx"
                    else self.replica_port(name)}
             for name, process in self.processes.items()}, indent=1))
        record.replace(self.state / "processes.json")  # readers never see half a file

    def supervise(self) -> int:
        """Restarts a stopped replica (nginx sends its clients to the other meanwhile);
        gives up when one keeps stopping, or when nginx, the only way in, stops."""
        restarts: list[float] = []
        while True:
            time.sleep(0.5)
            if self.processes["nginx"].poll() is not None:
                print("error: nginx stopped; nothing can reach the assistant.", file=sys.stderr)
                return 1
            for name, process in self.processes.items():
                if process.poll() is None:
                    continue
                restarts = [t for t in restarts if time.monotonic() - t < stack.RESTART_WINDOW_S]
                if len(restarts) >= stack.MAX_RESTARTS:
                    print(f"error: replicas stopped {stack.MAX_RESTARTS} times within "
                          f"{stack.RESTART_WINDOW_S} s; giving up.", file=sys.stderr)
                    return 1
                print(f"warning: {name} stopped (exit code {process.returncode}); "
                      "restarting it.", file=sys.stderr, flush=True)
                restarts.append(time.monotonic())
                self.processes[name] = self.start_replica(name)
                self.record_processes()

    def stop(self) -> None:
        stack.stop(list(self.processes.values()))
        (self.state / "processes.json").unlink(missing_ok=True)
        self.redis.stop()
        self.postgres.stop()

    def describe(self, seconds: float) -> str:
        conf = self.conf
        return "\n".join([
            f"cluster ready in {seconds:.0f} s:",
            f"  assistant (REST)  http://{conf['CLUSTER_LISTEN']}:{conf['RASA_PORT']}"
            "/webhooks/rest/webhook (nginx, round robin)",
            f"  Rasa replicas     ports {' '.join(self.rasa_ports)}",
            f"  action replicas   ports {' '.join(self.action_ports)} (nginx: "
            f"{conf['ACTION_ENDPOINT_URL']})",
            f"  conversations     PostgreSQL 127.0.0.1:{conf['POSTGRES_PORT']}/"
            f"{conf['POSTGRES_DB']} (data: {self.postgres.data_dir})",
            f"  locks             Redis 127.0.0.1:{conf['REDIS_PORT']}",
            f"  state and logs    {self.state}",
        ])


def up() -> int:
    cluster = Cluster(cluster_settings())
    cluster.state.mkdir(parents=True, exist_ok=True)
    (cluster.state / "cluster.pid").write_text(str(os.getpid()))
    stack.stop_on_signals()
    started = time.monotonic()
    try:
        cluster.start()
        print(cluster.describe(time.monotonic() - started), flush=True)
        return cluster.supervise()
    except RuntimeError as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    except stack.StopRequested:
        print("\nstopping the cluster ...", flush=True)
        return 0
    finally:
        stack.signal_further_stops_nothing()
        cluster.stop()
        (cluster.state / "cluster.pid").unlink(missing_ok=True)


def up_detached() -> int:
    """Starts `up` in the background (output in CLUSTER_STATE/cluster.log); returns once
    it is ready."""
    state = Path(cluster_settings()["CLUSTER_STATE"])
    state.mkdir(parents=True, exist_ok=True)
    log = state / "cluster.log"
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, __file__, "up"], cwd=ROOT, stdout=out,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True)
    while process.poll() is None:
        text = log.read_text(errors="replace")
        if "cluster ready" in text:
            print(text[text.index("cluster ready"):], end="", flush=True)
            print("stop it with:  make cluster-down")
            return 0
        time.sleep(1)
    print(log.read_text(errors="replace")[-3000:], file=sys.stderr)
    return 1


def down() -> int:
    pid_file = Path(cluster_settings()["CLUSTER_STATE"]) / "cluster.pid"
    try:
        pid = int(pid_file.read_text())
        os.kill(pid, signal.SIGTERM)
    except (OSError, ValueError):
        print("cluster: not running", flush=True)
        return 0
    deadline = time.monotonic() + 120
    while pid_file.exists() and time.monotonic() < deadline:
        time.sleep(0.5)
    print("cluster: stopped" if not pid_file.exists() else "cluster: still stopping",
          flush=True)
    return 0 if not pid_file.exists() else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["up", "down"])
    parser.add_argument("--detach", action="store_true",
                        help="up: run in the background; stop with `down`")
    args = parser.parse_args()
    if args.command == "down":
        return down()
    return up_detached() if args.detach else up()


if __name__ == "__main__":
    sys.exit(main())
