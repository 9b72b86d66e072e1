"""Trains the model when its inputs changed and runs the assistant's servers.

Used by `make run`, `make shell` and the test suite, so what the tests start is
exactly what a clinic runs. Subcommands:

    model   train only if the training data, domain, config or components changed
    serve   start the action server and the Rasa server; stay until Ctrl-C / SIGTERM
    shell   start the action server and open a terminal conversation (`rasa shell`)
    rasa    only the Rasa server, in the foreground (a container of a deployment)
    actions only the action server, in the foreground (a container of a deployment)
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import functools
import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO

import yaml

from precheck import lifeline

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "models"
STATE = ROOT / ".state"
VENV_BIN = Path(sys.executable).parent
# Rasa's command line with the project's patches installed (precheck/patches/).
RASA = [str(VENV_BIN / "python"), "-m", "precheck.run_rasa"]

# Everything that changes what `rasa train` produces. Code of the action server
# is not here: actions run in their own process and never need retraining.
MODEL_INPUTS = [
    "config.yml",
    "domain",
    "data",
    "clinical_nlu",
    "protocol/thresholds.py",
    "precheck/nlu",
    "precheck/policies",
    "requirements.lock",
]

STARTUP_TIMEOUT_S = 240
STOP_TIMEOUT_S = 15
# A server an earlier run left: SIGTERM, this long to end, then SIGKILL (it may be hung)
# and up to STOP_TIMEOUT_S for the kernel to tear the large process down.
LEFT_OVER_GRACE_S = 3
MAX_RESTARTS = 5
RESTART_WINDOW_S = 60


# The project's one tracker store (SQLite or PostgreSQL): forgets on request and after a
# while, survives a database restart; endpoints.yml names the same class. Rasa falls back
# to an in-memory store, without failing, when a custom tracker store cannot be imported:
# tests/topology checks that it can.
TRACKER_STORE_TYPE = "precheck.stores.tracker_store.ClinicTrackerStore"
# Conversation locks shared by the Sanic workers of one machine, when there is no Redis.
FILE_LOCK_STORE_TYPE = "precheck.stores.lock_store.SQLiteLockStore"
# Each worker holds its own copy of the model (about 1.1 GB): two fill two cores.
MAX_DEFAULT_WORKERS = 2


def settings(chosen: dict[str, str] | None = None) -> dict[str, str]:
    """The runtime configuration, from the environment with embedded defaults
    (README "Configuration" lists every variable); `chosen` stands for variables set."""
    env = {**os.environ, **(chosen or {})}.get
    rasa_port = env("RASA_PORT", "5005")
    action_port = env("ACTION_PORT", "5055")
    demo_port = env("DEMO_PORT", "8080")
    tracker_db = env("TRACKER_DB", str(STATE / "conversations.db"))
    return {
        "RASA_PORT": rasa_port,
        "RASA_INTERFACE": env("RASA_INTERFACE", "0.0.0.0"),
        "ACTION_PORT": action_port,
        "DEMO_PORT": demo_port,
        "ACTION_ENDPOINT_URL": env("ACTION_ENDPOINT_URL", f"http://localhost:{action_port}/webhook"),
        "ACTION_SERVER_TOKEN": env("ACTION_SERVER_TOKEN", ""),
        # Sanic refuses larger requests with 413 (precheck/nlu/message_guard.py bounds the text).
        "SANIC_REQUEST_MAX_SIZE": env("SANIC_REQUEST_MAX_SIZE", "1048576"),
        "TRACKER_DB": tracker_db,
        "LOCK_DB": env("LOCK_DB", str(Path(tracker_db).with_name("locks.db"))),
        "POSTGRES_HOST": env("POSTGRES_HOST", ""),
        "POSTGRES_PORT": env("POSTGRES_PORT", "5432"),
        "POSTGRES_DB": env("POSTGRES_DB", "precheck"),
        "POSTGRES_USER": env("POSTGRES_USER", "precheck"),
        "POSTGRES_PASSWORD": env("POSTGRES_PASSWORD", ""),
        "REDIS_HOST": env("REDIS_HOST", ""),
        "REDIS_PORT": env("REDIS_PORT", "6379"),
        "REDIS_DB": env("REDIS_DB", "1"),
        "REDIS_PASSWORD": env("REDIS_PASSWORD", ""),
        "SANIC_WORKERS": env("SANIC_WORKERS", str(default_workers())),
        "CORS_ORIGINS": env("CORS_ORIGINS", f"http://localhost:{demo_port}"),
        "RASA_API_TOKEN": env("RASA_API_TOKEN", ""),
        "RASA_JWT_SECRET": env("RASA_JWT_SECRET", ""),
        "RASA_JWT_METHOD": env("RASA_JWT_METHOD", "HS256"),
    }


def default_workers() -> int:
    return max(1, min(MAX_DEFAULT_WORKERS, len(os.sched_getaffinity(0))))


def check_settings(conf: dict[str, str]) -> None:
    """Refuses what would silently lose or mix up conversations."""
    if not conf["SANIC_WORKERS"].isdigit() or int(conf["SANIC_WORKERS"]) < 1:
        raise SystemExit(f"error: SANIC_WORKERS must be a whole number, not "
                         f"{conf['SANIC_WORKERS']!r}")
    if not conf["POSTGRES_HOST"]:
        make_tracker_folder(conf["TRACKER_DB"])


def make_tracker_folder(tracker_db: str) -> None:
    """SQLite cannot create the folder of its file. The tracker store would (for Rasa
    started by hand), but a folder it cannot make stops Rasa's workers with tracebacks
    that do not name TRACKER_DB; here it is made, or the start stops saying why."""
    folder = (ROOT / tracker_db).parent
    try:
        # Only the owner may enter it: conversations are health data.
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as problem:
        raise SystemExit(f"error: TRACKER_DB={tracker_db}: cannot create its folder "
                         f"{folder}: {problem.strerror}") from None


def endpoints(conf: dict[str, str]) -> dict:
    """The endpoints Rasa uses, chosen by the environment: endpoints.yml's own sections
    (for additions such as an event broker) plus the action server, tracker and lock store."""
    sections = yaml.safe_load((ROOT / "endpoints.yml").read_text()) or {}
    action = {"url": conf["ACTION_ENDPOINT_URL"]}
    if conf["ACTION_SERVER_TOKEN"]:
        # Sent as the query parameter ?token=... with every action call.
        action.update(token_name="token", **secret(conf, "token", "ACTION_SERVER_TOKEN"))
    sections["action_endpoint"] = action
    if conf["POSTGRES_HOST"]:
        sections["tracker_store"] = {
            "type": TRACKER_STORE_TYPE, "dialect": "postgresql", "url": conf["POSTGRES_HOST"],
            "port": int(conf["POSTGRES_PORT"]), "db": conf["POSTGRES_DB"],
            "username": conf["POSTGRES_USER"], **secret(conf, "password", "POSTGRES_PASSWORD")}
    else:
        sections["tracker_store"] = {"type": TRACKER_STORE_TYPE, "dialect": "sqlite",
                                     "db": conf["TRACKER_DB"]}
    if conf["REDIS_HOST"]:
        sections["lock_store"] = {
            "type": "redis", "url": conf["REDIS_HOST"], "port": int(conf["REDIS_PORT"]),
            "db": int(conf["REDIS_DB"]), "key_prefix": "precheck",
            **secret(conf, "password", "REDIS_PASSWORD")}
    elif int(conf["SANIC_WORKERS"]) > 1:
        # The workers must share the locks that keep one client's turns in order; Rasa's
        # in-memory store would give each worker its own (and Rasa would then quietly
        # run one worker).
        sections["lock_store"] = {"type": FILE_LOCK_STORE_TYPE, "db": conf["LOCK_DB"]}
    return sections


def secret(conf: dict[str, str], key: str, variable: str) -> dict[str, str]:
    """`key: ${VARIABLE}` when it is set: Rasa reads the value from its environment, so
    no secret is written to disk."""
    return {key: f"${{{variable}}}"} if conf[variable] else {}


def write_endpoints(conf: dict[str, str]) -> Path:
    """The runtime endpoints file for this configuration (one per Rasa port, so two
    assistants started side by side do not overwrite each other's)."""
    STATE.mkdir(exist_ok=True)
    path = STATE / f"endpoints-{conf['RASA_PORT']}.yml"
    path.write_text("# Generated by scripts/stack.py from the environment; do not edit.\n"
                    + yaml.safe_dump(endpoints(conf), sort_keys=False))
    return path


def clinic_contact() -> dict[str, str]:
    """The clinic's name and phone given in the environment, by slot (none: domain/clinic.yml).

    Rasa's own messages (the safe message when the action server is down) fill them from
    the slots' initial values, which are part of the trained model: a change retrains."""
    given = {"clinic_name": os.environ.get("CLINIC_NAME", ""),
             "clinic_phone": os.environ.get("CLINIC_PHONE", "")}
    return {slot: value for slot, value in given.items() if value}


def quiet_env(extra: dict[str, str]) -> dict[str, str]:
    """Child environment: Rasa's and TensorFlow's chatter off, real errors kept."""
    env = dict(os.environ)
    env.setdefault("LOG_LEVEL", "WARNING")
    env.setdefault("LOG_LEVEL_LIBRARIES", "ERROR")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("PYTHONWARNINGS", "ignore")
    env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.update(extra)
    return env


# A Python warning: "path.py:12: SomeWarning: message", its indented source line and
# any continuation lines. Sanic re-enables DeprecationWarnings at import, overriding
# PYTHONWARNINGS, so the servers' output is filtered instead. TensorFlow's own notices
# ("2026-01-02 10:00:00.123456: W tensorflow/...] ...", info or warning) are what
# TF_CPP_MIN_LOG_LEVEL=2 hides, yet one test run in about ten still showed one. Other log
# records (they start with a date) and tracebacks always pass.
WARNING_HEADER = re.compile(r"^(\S+\.py:\d+: \w*Warning: |[\d-]+ [\d:.]+: [IW] tensorflow/)")
PASSES_ALWAYS = re.compile(r"^(\d{4}-\d\d-\d\d|Traceback|\w+(Error|Exception)\b)")


def launch(command: list[str], conf: dict[str, str], interactive: bool = False) -> subprocess.Popen:
    """Starts a Rasa process whose output reaches this terminal without Python warnings.

    A server gets its own session (stop() ends its whole group) and both output streams
    filtered; an interactive one keeps the terminal and only its stderr is filtered. Either
    ends when this process does, even by SIGKILL (precheck/lifeline.py): call from the
    main thread."""
    if interactive:
        pipes = {"stderr": subprocess.PIPE}
    else:
        pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.STDOUT}
    process = subprocess.Popen(command, cwd=ROOT, env=quiet_env(conf), text=True,
                               errors="replace", start_new_session=not interactive,
                               preexec_fn=functools.partial(lifeline.end_with_parent,
                                                            os.getpid()), **pipes)
    threading.Thread(target=forward_without_warnings,
                     args=(process.stdout or process.stderr,), daemon=True).start()
    return process


def forward_without_warnings(stream: IO[str]) -> None:
    in_warning = False
    for line in stream:
        if WARNING_HEADER.match(line):
            in_warning = True
        elif PASSES_ALWAYS.match(line):
            in_warning = False
        if not in_warning:
            sys.stdout.write(line)
            sys.stdout.flush()


def model_fingerprint() -> str:
    digest = hashlib.sha256()
    for slot, value in sorted(clinic_contact().items()):
        digest.update(f"{slot}={value}".encode())
    for name in MODEL_INPUTS:
        path = ROOT / name
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if "__pycache__" in file.parts or not file.exists():
                continue
            digest.update(str(file.relative_to(ROOT)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def ensure_model() -> Path:
    """Returns the trained model for the current inputs, training it only if missing."""
    fingerprint = model_fingerprint()
    model = MODELS / f"precheck-{fingerprint}.tar.gz"
    MODELS.mkdir(exist_ok=True)
    # One training at a time: `make run` and `make test` started together after a data
    # change would otherwise both write the same model file.
    with (MODELS / ".training.lock").open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print("model: another process is training; waiting for it ...", flush=True)
            fcntl.flock(lock, fcntl.LOCK_EX)
        if model.exists():
            print(f"model: up to date ({model.relative_to(ROOT)})", flush=True)
            return model
        train(model, training_domain(model.name[:-7]))
    for old in MODELS.glob("precheck-*.tar.gz"):
        if old != model:
            old.unlink()
    return model


def training_domain(name: str) -> Path:
    """domain/, or a copy of it with the clinic's contact from the environment."""
    contact = clinic_contact()
    if not contact:
        return ROOT / "domain"
    copy = STATE / "domain" / name
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(ROOT / "domain", copy)
    clinic = yaml.safe_load((copy / "clinic.yml").read_text())
    for slot, value in contact.items():
        clinic["slots"][slot]["initial_value"] = value
    (copy / "clinic.yml").write_text(yaml.safe_dump(clinic, sort_keys=False,
                                                    allow_unicode=True))
    return copy


def train(model: Path, domain: Path) -> None:
    STATE.mkdir(exist_ok=True)
    log = STATE / "train.log"
    print("model: training data, domain or config changed; training (about 2 minutes) ...",
          flush=True)
    started = time.monotonic()
    with log.open("w") as out:
        result = subprocess.run(
            [str(VENV_BIN / "rasa"), "train", "--domain", str(domain),
             "--fixed-model-name", model.name[:-7], "--out", str(MODELS)],
            cwd=ROOT, env=quiet_env({}), stdout=out, stderr=subprocess.STDOUT,
        )
    if result.returncode != 0 or not model.exists():
        report_training_failure(log)
        sys.exit(1)
    print(f"model: trained in {time.monotonic() - started:.0f} s ({model.relative_to(ROOT)})",
          flush=True)


def report_training_failure(log: Path) -> None:
    lines = log.read_text(errors="replace").splitlines()
    reasons = [
        line for line in lines
        if any(word in line for word in ("Error", "error:", "Exception", "InvalidDomain"))
        and "Traceback" not in line
    ]
    print("error: training failed.", file=sys.stderr)
    for line in (reasons or lines)[-8:]:
        print(f"  {line.strip()}", file=sys.stderr)
    print(f"  full log: {log}", file=sys.stderr)


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        # Binding fails while a server listens (SO_REUSEADDR only skips TIME_WAIT).
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def require_free_ports(ports: dict[str, str]) -> None:
    taken = [f"{port} ({what})" for what, port in ports.items() if not port_is_free(int(port))]
    if taken:
        ports = "ports" if len(taken) > 1 else "port"
        print(f"error: {ports} {', '.join(taken)} already in use. Stop what uses it, or choose "
              "other ports, e.g. RASA_PORT=5006 ACTION_PORT=5056 make run", file=sys.stderr)
        sys.exit(2)


def start_action_server(conf: dict[str, str]) -> subprocess.Popen:
    return launch([str(VENV_BIN / "rasa"), "run", "actions", "--actions", "actions",
                   "--quiet", "--port", conf["ACTION_PORT"]], conf)


def channel_credentials(conf: dict[str, str]) -> Path:
    """credentials.yml with only the messaging apps enabled in the environment (README)."""
    target = STATE / f"credentials-{conf['RASA_PORT']}.yml"
    result = subprocess.run([sys.executable, "-m", "precheck.channels.credentials", str(target)],
                            cwd=ROOT, env=quiet_env({}))
    if result.returncode != 0:
        sys.exit(result.returncode)
    return target


def start_rasa_server(conf: dict[str, str], model: Path) -> subprocess.Popen:
    return launch(rasa_server_command(conf, model), conf)


def rasa_server_command(conf: dict[str, str], model: Path) -> list[str]:
    command = [
        *RASA, "run", "--quiet",
        "--model", str(model),
        "--endpoints", str(write_endpoints(conf)),
        "--credentials", str(channel_credentials(conf)),
        "--interface", conf["RASA_INTERFACE"], "--port", conf["RASA_PORT"],
        "--cors", *conf["CORS_ORIGINS"].split(),
    ]
    # The secrets themselves stay in the environment: precheck/run_rasa.py hands them to
    # Rasa inside the process, where no other user of the machine can read them.
    if conf["RASA_API_TOKEN"] or conf["RASA_JWT_SECRET"]:
        command.append("--enable-api")
    if conf["RASA_JWT_SECRET"]:
        command += ["--jwt-method", conf["RASA_JWT_METHOD"]]
    return command


def start_demo_page(conf: dict[str, str]) -> subprocess.Popen:
    """The demo clinic page with the chat widget (widget/), for trying the assistant."""
    return launch([sys.executable, "-m", "widget.serve", "--port", conf["DEMO_PORT"],
                   "--server", f"http://localhost:{conf['RASA_PORT']}"], conf)


def wait_until_healthy(url: str, process: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited during start-up (code {process.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"{what} did not answer {url} within {STARTUP_TIMEOUT_S} s")


def wait_for_action_server(conf: dict[str, str], process: subprocess.Popen) -> None:
    """Until it is healthy; then, with a token, that it refuses a call without one."""
    wait_until_healthy(f"http://localhost:{conf['ACTION_PORT']}/health", process,
                       "action server")
    if conf["ACTION_SERVER_TOKEN"] and not refuses_calls_without_token(conf["ACTION_PORT"]):
        raise RuntimeError("the action server answers calls without its token: its guard "
                           "(precheck/action_guard.py, loaded through rasa_sdk_plugins/) "
                           "is not in place")


def refuses_calls_without_token(port: str) -> bool:
    call = urllib.request.Request(f"http://localhost:{port}/webhook", data=b"{}",
                                  headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(call, timeout=10):
            return False
    except urllib.error.HTTPError as refused:
        return refused.code == 401


def stop(processes: list[subprocess.Popen]) -> None:
    """Ends each server's whole process group: a Rasa server's workers may outlive their
    parent for a moment, still holding the port."""
    for process in processes:
        signal_group(process, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT_S
    for process in processes:
        while group_running(process) and time.monotonic() < deadline:
            time.sleep(0.1)
        signal_group(process, signal.SIGKILL)
        process.wait()


def group_running(process: subprocess.Popen) -> bool:
    process.poll()  # reaps the group's first process once it ends
    return signal_group(process, 0)


def signal_group(process: subprocess.Popen, signal_number: int) -> bool:
    """False when no process of the group is left."""
    try:
        os.killpg(process.pid, signal_number)
    except ProcessLookupError:
        return False
    return True


class StopRequested(Exception):
    """Ctrl-C, SIGTERM (a script, a supervisor, CI) or SIGHUP (a closed terminal)."""


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def request_stop(*_: object) -> None:
    # Only the first signal stops: a second one (a supervisor signals the whole group and
    # make passes it on again; Ctrl-C pressed twice) would break off the stop the first
    # one started, leaving servers running and a traceback on the terminal.
    signal_further_stops_nothing()
    raise StopRequested


def already_stopping(*_: object) -> None:
    """A stop signal while stopping. A handler, not SIG_IGN: ignored signals would stay
    ignored in processes started from now on."""


def stop_on_signals() -> None:
    for number in STOP_SIGNALS:
        signal.signal(number, request_stop)


def signal_further_stops_nothing() -> None:
    """For a launcher's stop path (after a stop signal or an error), which a signal would
    otherwise break off."""
    for number in STOP_SIGNALS:
        signal.signal(number, already_stopping)


def run_record(rasa_port: str) -> Path:
    return STATE / f"run-{rasa_port}.json"


def forget_run(rasa_port: str) -> None:
    """Removes a run's record and the files written for its Rasa server: the credentials
    hold the messaging apps' tokens, which have no business on disk once it stops."""
    for path in (run_record(rasa_port), STATE / f"credentials-{rasa_port}.yml",
                 STATE / f"endpoints-{rasa_port}.yml"):
        path.unlink(missing_ok=True)


def record_run(conf: dict[str, str], processes: dict[str, subprocess.Popen]) -> None:
    """.state/run-<Rasa port>.json: this launcher and its servers, so that the next run can
    stop the servers a hard stop of this one left running (stop_left_over_runs)."""
    ports = {"actions": conf["ACTION_PORT"], "rasa": conf["RASA_PORT"],
             "demo page": conf["DEMO_PORT"]}
    record = {"launcher": identity(os.getpid()), "rasa_port": conf["RASA_PORT"],
              "servers": {name: {**identity(process.pid), "port": ports[name]}
                          for name, process in processes.items()}}
    path = run_record(conf["RASA_PORT"])
    path.with_suffix(".new").write_text(json.dumps(record, indent=1))
    path.with_suffix(".new").replace(path)  # a reader never sees half a record


def identity(pid: int) -> dict[str, int]:
    """A pid with its start time: once a process is gone its pid can be another's."""
    return {"pid": pid, "started": int(process_stat(pid)[19])}


def process_stat(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name (state, ppid, pgrp, ...;
    start time at 19), or None when there is no such process."""
    try:
        stat = (Path("/proc") / str(pid) / "stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()


def is_running(recorded: dict[str, int]) -> bool:
    stat = process_stat(recorded["pid"])
    return stat is not None and stat[0] != "Z" and int(stat[19]) == recorded["started"]


def group_left(recorded: dict[str, int]) -> bool:
    """Whether the group the recorded server led still has live processes. Its leader may
    be gone with its workers left; a leader's pid now started later is someone else's."""
    stat = process_stat(recorded["pid"])
    if stat is not None and int(stat[19]) != recorded["started"]:
        return False
    return bool(group_members(recorded["pid"]))


def group_members(group: int) -> list[int]:
    """The live processes of a process group. Zombies do not count: here nothing may reap
    an orphan that ended (the container's first process does not)."""
    members = []
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        pid = int(stat_file.parent.name)
        stat = process_stat(pid)
        if stat is not None and int(stat[2]) == group and has_live_thread(pid):
            members.append(pid)
    return members


def has_live_thread(pid: int) -> bool:
    """A killed process's main thread can be a zombie while its other threads still tear it
    down and hold its sockets open (CI once found the Rasa port still taken)."""
    for stat_file in Path("/proc", str(pid), "task").glob("[0-9]*/stat"):
        try:
            state = stat_file.read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state not in ("Z", "X"):
            return True
    return False


def stop_left_over_runs() -> None:
    """Stops the servers of each earlier run whose launcher is gone (SIGKILLed), which did
    not end with it, and removes its files; a run still going keeps its servers (the port
    check then names them)."""
    for path in STATE.glob("run-*.json"):
        try:
            record = json.loads(path.read_text())
        except FileNotFoundError:  # another run starting at the same time took care of it
            continue
        if is_running(record["launcher"]):
            continue
        left = [server for server in record["servers"].values() if group_left(server)]
        if left:
            print("stopping servers an earlier run left running (ports "
                  f"{', '.join(server['port'] for server in left)}) ...", flush=True)
            end_groups([server["pid"] for server in left])
        forget_run(record["rasa_port"])


def end_groups(groups: list[int]) -> None:
    """SIGTERM, a short grace, then SIGKILL, to process groups this process did not start
    (so cannot wait for)."""
    for number, grace in ((signal.SIGTERM, LEFT_OVER_GRACE_S), (signal.SIGKILL, STOP_TIMEOUT_S)):
        for group in groups:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(group, number)
        deadline = time.monotonic() + grace
        while any(group_members(group) for group in groups) and time.monotonic() < deadline:
            time.sleep(0.1)


def with_action_token(conf: dict[str, str]) -> dict[str, str]:
    """One stack's Rasa and action server share a token; made up for this run when unset,
    so no other local process can call the actions (docs/privacy.md)."""
    return {**conf, "ACTION_SERVER_TOKEN": conf["ACTION_SERVER_TOKEN"] or secrets.token_urlsafe(24)}


def serve(demo_page: bool) -> int:
    conf = with_action_token(settings())
    check_settings(conf)
    ports = {"Rasa server": conf["RASA_PORT"], "action server": conf["ACTION_PORT"]}
    if demo_page:
        ports["demo page"] = conf["DEMO_PORT"]
    stop_left_over_runs()
    require_free_ports(ports)
    model = ensure_model()
    STATE.mkdir(exist_ok=True)
    processes: dict[str, subprocess.Popen] = {}
    # Before any file is written: the next run removes them if this one is killed.
    record_run(conf, processes)
    started = time.monotonic()
    stop_on_signals()
    try:
        channel_credentials(conf)  # a half-configured messaging app stops us before any start
        processes["actions"] = start_action_server(conf)
        processes["rasa"] = start_rasa_server(conf, model)
        if demo_page:
            processes["demo page"] = start_demo_page(conf)
        record_run(conf, processes)
        wait_for_action_server(conf, processes["actions"])
        wait_until_healthy(f"http://localhost:{conf['RASA_PORT']}/", processes["rasa"],
                           "Rasa server")
        print(describe(conf, time.monotonic() - started, demo_page), flush=True)
        return supervise(processes, conf)
    except RuntimeError as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    except StopRequested:
        print("\nstopping ...", flush=True)
        return 0
    finally:
        signal_further_stops_nothing()
        stop(list(processes.values()))
        forget_run(conf["RASA_PORT"])


def supervise(processes: dict[str, subprocess.Popen], conf: dict[str, str]) -> int:
    """Restarts a stopped action server (meanwhile Rasa tells clients to call the clinic);
    a stopped Rasa server ends the run, since nothing could answer clients."""
    restarts: list[float] = []
    while True:
        time.sleep(0.5)
        if processes["rasa"].poll() is not None:
            print(f"error: the Rasa server stopped (exit code {processes['rasa'].returncode}).",
                  file=sys.stderr)
            return 1
        if processes["actions"].poll() is None:
            continue
        restarts = [t for t in restarts if time.monotonic() - t < RESTART_WINDOW_S]
        if len(restarts) >= MAX_RESTARTS:
            print(f"error: the action server stopped {MAX_RESTARTS} times within "
                  f"{RESTART_WINDOW_S} s; giving up.", file=sys.stderr)
            return 1
        print(f"warning: the action server stopped (exit code "
              f"{processes['actions'].returncode}); restarting it.", file=sys.stderr, flush=True)
        restarts.append(time.monotonic())
        processes["actions"] = start_action_server(conf)
        record_run(conf, processes)


def describe(conf: dict[str, str], seconds: float, demo_page: bool) -> str:
    port = conf["RASA_PORT"]
    demo = [f"  demo clinic page  http://localhost:{conf['DEMO_PORT']}/ (the chat widget)"]
    return "\n".join([
        f"ready in {seconds:.0f} s:",
        *(demo if demo_page else []),
        f"  assistant (REST)  http://localhost:{port}/webhooks/rest/webhook",
        f"  action server     {conf['ACTION_ENDPOINT_URL']}",
        f"  conversations     {conversations_at(conf)}",
        "  try it:  curl -s -XPOST -d '{\"sender\": \"me\", \"message\": \"hi\"}' "
        f"http://localhost:{port}/webhooks/rest/webhook",
        "Ctrl-C stops both servers.",
    ])


def conversations_at(conf: dict[str, str]) -> str:
    if conf["POSTGRES_HOST"]:
        return (f"PostgreSQL {conf['POSTGRES_HOST']}:{conf['POSTGRES_PORT']}/"
                f"{conf['POSTGRES_DB']}")
    return f"{conf['TRACKER_DB']} (SQLite)"


def shell() -> int:
    # One terminal, one worker: each worker would read the terminal's input.
    conf = with_action_token({**settings(shell_ports()), "SANIC_WORKERS": "1"})
    check_settings(conf)
    stop_left_over_runs()
    require_free_ports({"Rasa shell": conf["RASA_PORT"], "action server": conf["ACTION_PORT"]})
    print(f"shell: Rasa on port {conf['RASA_PORT']}, action server on port "
          f"{conf['ACTION_PORT']} (RASA_PORT, ACTION_PORT choose them)", flush=True)
    model = ensure_model()
    STATE.mkdir(exist_ok=True)
    processes: dict[str, subprocess.Popen] = {}
    record_run(conf, processes)  # before any file is written, as serve() does
    stop_on_signals()
    try:
        processes["actions"] = start_action_server(conf)
        record_run(conf, processes)
        wait_for_action_server(conf, processes["actions"])
        # The conversation needs the terminal; only its stderr (warnings) is filtered.
        conversation = launch([*RASA, "shell", "--quiet", "--model", str(model),
                               "--port", conf["RASA_PORT"],
                               "--endpoints", str(write_endpoints(conf)),
                               "--credentials", str(channel_credentials(conf))], conf,
                              interactive=True)
        return conversation.wait()
    except RuntimeError as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    except StopRequested:
        return 0
    finally:
        signal_further_stops_nothing()
        stop(list(processes.values()))
        forget_run(conf["RASA_PORT"])


def shell_ports() -> dict[str, str]:
    """The ports given, else free ones: a therapist's shell runs beside the clinic's
    assistant, which holds the default ports."""
    return {name: os.environ.get(name) or str(free_port())
            for name in ("RASA_PORT", "ACTION_PORT")}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))  # the kernel picks a port nothing listens on
        return probe.getsockname()[1]


def serve_one(which: str) -> int:
    """Only the Rasa server or only the action server, in the foreground: one container of
    a deployment (docs/deployment.md), where the platform restarts what stops."""
    conf = settings()
    check_settings(conf)
    process = (start_rasa_server(conf, ensure_model()) if which == "rasa"
               else start_action_server(conf))
    stop_on_signals()
    try:
        return process.wait()
    except StopRequested:
        return 0
    finally:
        signal_further_stops_nothing()
        stop([process])
        if which == "rasa":
            forget_run(conf["RASA_PORT"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["model", "serve", "shell", "rasa", "actions"])
    parser.add_argument("--demo-page", action="store_true",
                        help="serve: also serve the demo clinic page with the chat widget")
    args = parser.parse_args()
    if args.command == "model":
        ensure_model()
        return 0
    if args.command in ("rasa", "actions"):
        return serve_one(args.command)
    return serve(args.demo_page) if args.command == "serve" else shell()


if __name__ == "__main__":
    sys.exit(main())
