"""The two bots under test, started, measured and stopped the same way.

Ours is started as `make run` starts it (scripts/stack.py); Rasa's default bot is made
by `rasa init --no-prompt` in a temporary folder and run with the same Rasa install.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from scripts import stack
from tests.server.conftest import free_port, parent_of_each_process

ROOT = Path(__file__).resolve().parent.parent

RASA = str(stack.VENV_BIN / "rasa")
STARTUP_TIMEOUT_S = 300
PROGRESS_EVERY_S = 15
# The default bot's project files that `rasa train` reads.
DEFAULT_BOT_INPUTS = ["config.yml", "domain.yml", "data"]


@contextmanager
def progress(label: str) -> Iterator[None]:
    """Prints the step, then the elapsed time every few seconds until it ends."""
    print(f"  {label} ...", flush=True)
    started = time.monotonic()
    done = threading.Event()

    def tick() -> None:
        while not done.wait(PROGRESS_EVERY_S):
            print(f"    {label}: {time.monotonic() - started:.0f} s", flush=True)

    threading.Thread(target=tick, daemon=True).start()
    try:
        yield
    finally:
        done.set()
        print(f"  {label}: done in {time.monotonic() - started:.1f} s", flush=True)


def default_env() -> dict[str, str]:
    """The default bot runs as Rasa ships it; only the logs are quieter, like ours."""
    return {**os.environ, "LOG_LEVEL": "WARNING", "LOG_LEVEL_LIBRARIES": "ERROR",
            "TF_CPP_MIN_LOG_LEVEL": "2", "RASA_TELEMETRY_ENABLED": "false",
            "PYTHONWARNINGS": "ignore"}


@dataclass
class Running:
    """A started bot: its server processes and where it answers."""

    processes: list[subprocess.Popen]
    rest_url: str
    startup_s: float = 0.0
    rss_samples_mb: list[float] = field(default_factory=list)

    def rss_mb(self) -> float:
        return tree_rss_mb([p.pid for p in self.processes])

    def cpu_s(self) -> float:
        return tree_cpu_s([p.pid for p in self.processes])

    def stop(self) -> None:
        stack.stop(self.processes)


class Bot:
    name = ""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir

    def prepare(self) -> Path:
        """Returns the trained model the server will load."""
        raise NotImplementedError

    def launch(self, model: Path, rasa_port: int, action_port: int) -> list[subprocess.Popen]:
        raise NotImplementedError

    def training_inputs(self) -> tuple[Path, list[str], list[str], dict[str, str]]:
        """Project folder, the files training reads, the train command, its environment."""
        raise NotImplementedError

    def start(self, model: Path) -> Running:
        """Launches the servers; start-up lasts until the first message is answered."""
        rasa_port, action_port = free_port(), free_port()
        started = time.monotonic()
        running = Running(self.launch(model, rasa_port, action_port),
                          f"http://localhost:{rasa_port}/webhooks/rest/webhook")
        try:
            wait_for_first_answer(running, self.first_message)
            running.startup_s = time.monotonic() - started
            stack.wait_until_healthy(f"http://localhost:{action_port}/health",
                                     running.processes[0], "action server")
        except RuntimeError:
            running.stop()
            raise
        return running

    first_message = "hi"


class Ours(Bot):
    name = "ours"

    def prepare(self) -> Path:
        return stack.ensure_model()

    def launch(self, model: Path, rasa_port: int, action_port: int) -> list[subprocess.Popen]:
        conf = {**stack.settings(), "RASA_PORT": str(rasa_port), "ACTION_PORT": str(action_port),
                "ACTION_ENDPOINT_URL": f"http://localhost:{action_port}/webhook",
                "TRACKER_DB": str(self.workdir / "conversations.db"), "RASA_API_TOKEN": ""}
        return [stack.start_action_server(conf), stack.start_rasa_server(conf, model)]

    def training_inputs(self) -> tuple[Path, list[str], list[str], dict[str, str]]:
        return (ROOT, stack.MODEL_INPUTS, [RASA, "train", "--domain", "domain"],
                stack.quiet_env({}))


class DefaultBot(Bot):
    name = "default"

    @property
    def project(self) -> Path:
        return self.workdir / "default-bot"

    def prepare(self) -> Path:
        self.project.mkdir()
        with progress("rasa init --no-prompt (creates and trains the default bot)"):
            run_logged([RASA, "init", "--no-prompt", "--init-dir", str(self.project)],
                       self.workdir, default_env(), self.workdir / "init.log")
        return next((self.project / "models").glob("*.tar.gz"))

    def launch(self, model: Path, rasa_port: int, action_port: int) -> list[subprocess.Popen]:
        log = (self.workdir / "servers.log").open("a")
        start = {"cwd": self.project, "env": default_env(), "stdout": log,
                 "stderr": subprocess.STDOUT, "start_new_session": True}
        return [
            subprocess.Popen([RASA, "run", "actions", "--port", str(action_port)], **start),
            subprocess.Popen([RASA, "run", "--enable-api", "--model", str(model),
                              "--port", str(rasa_port)], **start),
        ]

    def training_inputs(self) -> tuple[Path, list[str], list[str], dict[str, str]]:
        return self.project, DEFAULT_BOT_INPUTS, [RASA, "train"], default_env()


def run_logged(command: list[str], cwd: Path, env: dict[str, str], log: Path) -> None:
    with log.open("w") as out:
        result = subprocess.run(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    if result.returncode != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-15:])
        raise RuntimeError(f"{' '.join(command[:3])} failed (log {log}):\n{tail}")


def wait_for_first_answer(running: Running, message: str) -> None:
    body = json.dumps({"sender": "bench-startup", "message": message}).encode()
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in running.processes):
            raise RuntimeError("a server exited during start-up")
        request = urllib.request.Request(running.rest_url, data=body,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                if json.load(response):
                    return
        except (OSError, urllib.error.HTTPError, ValueError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"no answer within {STARTUP_TIMEOUT_S} s")


def measure_training(bot: Bot, workdir: Path) -> dict:
    """Cold: a fresh copy of the project, no cache. Warm: again, with the cache kept."""
    source, inputs, command, env = bot.training_inputs()
    copy = Path(tempfile.mkdtemp(prefix=f"train-{bot.name}-", dir=workdir))
    for name in inputs:
        path = source / name
        if path.is_dir():
            shutil.copytree(path, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif path.exists():
            shutil.copy2(path, copy / name)
    env = {**env, "RASA_CACHE_DIRECTORY": str(copy / ".rasa" / "cache")}
    result = {}
    for kind in ("cold", "warm"):
        out = copy / f"models-{kind}"
        with progress(f"{bot.name}: training ({kind})"):
            started = time.monotonic()
            run_logged([*command, "--out", str(out)], copy, env, copy / f"train-{kind}.log")
            result[f"training_{kind}_s"] = round(time.monotonic() - started, 1)
        result[f"model_{kind}_mb"] = round(
            next(out.glob("*.tar.gz")).stat().st_size / 2**20, 2)
    shutil.rmtree(copy, ignore_errors=True)
    return result


def process_tree(roots: list[int]) -> set[int]:
    """The processes and all their descendants (from /proc)."""
    parents = parent_of_each_process()
    tree, frontier = set(roots), list(roots)
    while frontier:
        pid = frontier.pop()
        children = [child for child, parent in parents.items() if parent == pid]
        tree.update(children)
        frontier.extend(children)
    return tree


def tree_rss_mb(roots: list[int]) -> float:
    """Resident memory of the processes and all their descendants."""
    return round(sum(rss_kb(pid) for pid in process_tree(roots)) / 1024, 1)


def tree_cpu_s(roots: list[int]) -> float:
    """CPU time (user + system) the processes and their living descendants have used."""
    return sum(cpu_s(pid) for pid in process_tree(roots))


def cpu_s(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # utime and stime are fields 14 and 15 of stat(5), counted after the command name.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_kb(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    line = next((s for s in status.splitlines() if s.startswith("VmRSS:")), "VmRSS: 0 kB")
    return int(line.split()[1])
