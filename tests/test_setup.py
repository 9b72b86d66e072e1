"""What a newcomer sees when the setup is wrong: a clear reason and a non-zero exit."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scripts import stack
from tests.server.conftest import command_line, free_port, parent_of_each_process

ROOT = Path(__file__).resolve().parent.parent


def test_a_taken_port_is_named_and_fails():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "scripts.stack", "serve"], cwd=ROOT, capture_output=True,
            text=True, timeout=60,
            env={**os.environ, "RASA_PORT": str(port), "ACTION_PORT": str(free_port())},
        )
    assert result.returncode == 2
    assert f"port {port} (Rasa server) already in use" in result.stderr


def test_the_shell_reports_a_taken_port_in_one_line(trained_model):
    # `make shell` beside a running assistant, given the port the assistant holds.
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "scripts.stack", "shell"], cwd=ROOT, capture_output=True,
            text=True, timeout=300, stdin=subprocess.DEVNULL,
            env={**os.environ, "RASA_PORT": str(port), "ACTION_PORT": str(free_port())},
        )
    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    assert f"port {port} (Rasa shell) already in use" in result.stderr, output
    assert "Traceback" not in output, output


def test_the_shell_takes_free_ports_of_its_own_and_says_which(trained_model, tmp_path):
    # Beside `make run` on the default ports: none are given, so none are the defaults.
    env = {name: value for name, value in os.environ.items()
           if name not in ("RASA_PORT", "ACTION_PORT")}
    result = subprocess.run(
        [sys.executable, "-m", "scripts.stack", "shell"], cwd=ROOT, capture_output=True,
        text=True, timeout=300, input="/stop\n",
        env={**env, "TRACKER_DB": str(tmp_path / "conversations.db")},
    )
    output = result.stdout + result.stderr
    said = re.search(r"shell: Rasa on port (\d+), action server on port (\d+)", output)
    assert said, output
    assert not {"5005", "5055"} & set(said.groups()), output
    assert "Traceback" not in output, output


@pytest.mark.skipif(any(Path(p).exists() for p in ("/usr/bin/python3.10",
                                                   "/usr/local/bin/python3.10")),
                    reason="this machine has a system-wide Python 3.10")
def test_a_missing_python_310_says_how_to_get_it():
    result = subprocess.run(["scripts/find-python310"], cwd=ROOT, capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin", "PYTHON310": "/nonexistent"})
    assert result.returncode == 1
    assert "Python 3.10 was not found" in result.stderr
    assert "pyenv install 3.10" in result.stderr


def test_the_python_310_finder_finds_this_interpreter_family():
    result = subprocess.run(["scripts/find-python310"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0
    version = subprocess.run([result.stdout.strip(), "--version"], capture_output=True, text=True)
    assert version.stdout.startswith("Python 3.10")


def test_a_failed_training_shows_the_reason_not_the_noise(tmp_path, capsys):
    log = tmp_path / "train.log"
    log.write_text("\n".join([
        "/x/site-packages/matplotlib/foo.py:1: PyparsingDeprecationWarning: blah",
        "Traceback (most recent call last):",
        '  File "/x/rasa/shared/core/domain.py", line 1, in load',
        "rasa.shared.exceptions.InvalidDomain: Slot 'fever' has no mappings.",
    ]))
    stack.report_training_failure(log)
    err = capsys.readouterr().err
    assert "training failed" in err
    assert "InvalidDomain: Slot 'fever' has no mappings." in err
    assert "Pyparsing" not in err


PORTS_FREED_WITHIN_S = 30


def test_ctrl_c_stops_both_servers_cleanly(trained_model, tmp_path):
    rasa_port, action_port = free_port(), free_port()
    env = {**os.environ, "RASA_PORT": str(rasa_port), "ACTION_PORT": str(action_port),
           "TRACKER_DB": str(tmp_path / "conversations.db")}
    process = subprocess.Popen([sys.executable, "-m", "scripts.stack", "serve"], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = read_until(process, "Ctrl-C stops both servers")
    process.send_signal(signal.SIGINT)
    output += read_until(process, "stopping ...")
    # While it stops, a second stop request (`timeout` or a supervisor signals the whole
    # group, make passes it on again): the stop it interrupts must still finish.
    process.send_signal(signal.SIGTERM)
    output += process.communicate(timeout=60)[0]
    assert process.returncode == 0, output
    assert "Traceback" not in output, output
    noise = [line for line in output.splitlines() if "Warning" in line]
    assert not noise, output  # library noise stays out of the terminal
    wait_until_free([rasa_port, action_port])


def read_until(process: subprocess.Popen, start: str) -> str:
    """Its output up to the line that starts with `start` (or to its end)."""
    output = []
    for line in process.stdout:
        output.append(line)
        if line.startswith(start) or process.poll() is not None:
            break
    return "".join(output)


def test_sigterm_to_make_run_alone_stops_every_server(trained_model, tmp_path):
    # As `timeout` or a supervisor stops it: the signal reaches make alone (which passes it
    # on to scripts/stack.py), not the servers.
    ports = run_ports()
    make, _ = start_ready(ports, tmp_path)
    assert all(path.exists() for path in secrets_files(ports["RASA_PORT"]))
    make.send_signal(signal.SIGTERM)
    output = make.communicate(timeout=60)[0]
    assert "Traceback" not in output, output
    wait_until_free(list(ports.values()))
    assert not any(path.exists() for path in secrets_files(ports["RASA_PORT"]))


def secrets_files(rasa_port: int) -> list[Path]:
    """What a run writes for Rasa from the environment: the messaging apps' tokens, the
    stores' settings."""
    return [ROOT / ".state" / f"{name}-{rasa_port}.yml" for name in ("credentials", "endpoints")]


def run_ports() -> dict[str, int]:
    return {"RASA_PORT": free_port(), "ACTION_PORT": free_port(), "DEMO_PORT": free_port()}


def start_ready(ports: dict[str, int], state: Path) -> tuple[subprocess.Popen, str]:
    """`make run` on these ports, once it says it is ready; and what it printed."""
    make = start_make_run(ports, state)
    return make, read_until(make, "Ctrl-C stops both servers")


def servers_of(make: subprocess.Popen) -> dict[int, str]:
    """The processes a run started, with their command lines."""
    return {pid: command_line(pid) for pid in descendants(make.pid)}


def start_make_run(ports: dict[str, int], state: Path) -> subprocess.Popen:
    """`make run` in a process group of its own, as a supervisor starts it."""
    env = {**os.environ, **{name: str(port) for name, port in ports.items()},
           "TRACKER_DB": str(state / "conversations.db")}
    return subprocess.Popen(["make", "run"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)


def test_a_killed_run_leaves_no_server_behind(trained_model, tmp_path):
    # A supervisor's stop timeout, or the OOM killer: SIGKILL to make's whole process
    # group, which the servers (each in a session of its own) are not part of.
    ports = run_ports()
    make, _ = start_ready(ports, tmp_path)
    servers = servers_of(make)
    try:
        os.killpg(make.pid, signal.SIGKILL)
        make.communicate(timeout=60)
        wait_until_free(list(ports.values()))
    finally:
        kill_left_over(servers)
    # The next start removes the files the killed run left, even one that then stops at
    # the port check.
    assert all(path.exists() for path in secrets_files(ports["RASA_PORT"]))
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = {"RASA_PORT": busy.getsockname()[1], "ACTION_PORT": free_port()}
        result = subprocess.run([sys.executable, "-m", "scripts.stack", "serve"], cwd=ROOT,
                                capture_output=True, text=True, timeout=60,
                                env={**os.environ, **{k: str(v) for k, v in taken.items()}})
    assert result.returncode == 2, result.stderr
    assert not any(path.exists() for path in secrets_files(ports["RASA_PORT"]))


def test_the_next_run_stops_a_server_a_killed_run_left(trained_model, tmp_path):
    # A server that did not end with its launcher (here it is stopped, SIGSTOP, as a hung
    # one would be): the next `make run` on the same ports ends it and starts.
    ports = run_ports()
    first, _ = start_ready(ports, tmp_path)
    servers = servers_of(first)
    try:
        rasa = next(pid for pid in servers if "precheck.run_rasa run" in command_line(pid))
        os.killpg(rasa, signal.SIGSTOP)
        os.killpg(first.pid, signal.SIGKILL)
        first.communicate(timeout=60)
        second, output = start_ready(ports, tmp_path)
        second.send_signal(signal.SIGTERM)
        output += second.communicate(timeout=60)[0]
        assert "Ctrl-C stops both servers" in output, output
        wait_until_free(list(ports.values()))
    finally:
        kill_left_over(servers)


def descendants(pid: int) -> list[int]:
    parents = parent_of_each_process()
    found, new = [], [pid]
    while new:
        new = [child for child, parent in parents.items() if parent in new]
        found += new
    return found


def kill_left_over(servers: dict[int, str]) -> None:
    """What a failing test would otherwise leave running: these processes only (a pid
    that now runs another command is not ours any more)."""
    for pid, command in servers.items():
        with contextlib.suppress(OSError):
            if command_line(pid) == command:
                os.kill(pid, signal.SIGKILL)


def wait_until_free(ports: list[int]) -> None:
    """The kernel closes an ended worker's listening socket a moment after it is gone."""
    deadline = time.monotonic() + PORTS_FREED_WITHIN_S
    while not all(stack.port_is_free(port) for port in ports):
        assert time.monotonic() < deadline, "a server still listens after stopping"
        time.sleep(0.5)


def test_a_second_training_waits_for_the_first(trained_model):
    import fcntl

    with (ROOT / "models" / ".training.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # as a training in progress holds it
        waiting = subprocess.Popen([sys.executable, "-m", "scripts.stack", "model"], cwd=ROOT,
                                   stdout=subprocess.PIPE, text=True)
        first_line = waiting.stdout.readline()
        assert "another process is training; waiting" in first_line
        assert waiting.poll() is None
    assert "up to date" in waiting.communicate(timeout=60)[0]
    assert waiting.returncode == 0


def test_the_servers_output_keeps_log_records_and_drops_library_notices(capsys):
    stack.forward_without_warnings(iter([
        "2026-11-23 21:25:01.123456: W tensorflow/compiler/tf2tensorrt/utils/py_utils.cc:38]"
        " TF-TRT Warning: Could not find TensorRT\n",
        "2026-11-23 21:25:01.223456: I tensorflow/core/platform/cpu_feature_guard.cc:182]"
        " This TensorFlow binary is optimized\n",
        "To enable the following instructions: AVX2 FMA, in other operations\n",
        "2026-11-23 21:25:02 WARNING  precheck.action_guard  - ACTION_SERVER_TOKEN is not set\n",
        "/x/sanic/app.py:3: DeprecationWarning: old\n",
        "  import distutils\n",
        "2026-11-23 21:25:03.123456: E tensorflow/core/x.cc:1] a real error\n",
        "Traceback (most recent call last):\n",
    ]))
    assert capsys.readouterr().out.splitlines() == [
        "2026-11-23 21:25:02 WARNING  precheck.action_guard  - ACTION_SERVER_TOKEN is not set",
        "2026-11-23 21:25:03.123456: E tensorflow/core/x.cc:1] a real error",
        "Traceback (most recent call last):",
    ]
