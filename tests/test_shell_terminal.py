"""`make shell` in a real terminal (a pseudo-terminal): what a therapist types and presses."""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def welcome_button() -> str:
    """The title of the welcome's first button, which the shell lists under its question."""
    responses = yaml.safe_load((ROOT / "domain" / "conversation.yml").read_text())["responses"]
    return responses["utter_welcome"][0]["buttons"][0]["title"]


class Terminal:
    """A process on a pseudo-terminal, read as a person at it would see it."""

    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        self._fd, child = pty.openpty()
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdin=child, stdout=child,
                                        stderr=child, start_new_session=True)
        os.close(child)
        self.seen = ""

    def wait_for(self, text: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.seen:
            left = deadline - time.monotonic()
            assert left > 0, f"{text!r} never shown:\n{self.seen}"
            ready, _, _ = select.select([self._fd], [], [], min(left, 1.0))
            if ready:
                try:
                    self.seen += os.read(self._fd, 65536).decode(errors="replace")
                except OSError:  # the process closed the terminal
                    assert text in self.seen, f"{text!r} never shown:\n{self.seen}"

    def type(self, keys: str) -> None:
        os.write(self._fd, keys.encode())

    def wait_for_exit(self, timeout: float) -> int:
        deadline = time.monotonic() + timeout
        while self.process.poll() is None and time.monotonic() < deadline:
            ready, _, _ = select.select([self._fd], [], [], 0.5)
            if ready:
                try:
                    self.seen += os.read(self._fd, 65536).decode(errors="replace")
                except OSError:
                    break
        return self.process.wait(timeout=max(1.0, deadline - time.monotonic()))

    def close(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=60)
        os.close(self._fd)


def test_ctrl_c_in_the_button_list_ends_the_shell_without_a_traceback(trained_model, tmp_path):
    env = {name: value for name, value in os.environ.items()
           if name not in ("RASA_PORT", "ACTION_PORT")}
    terminal = Terminal([sys.executable, "-m", "scripts.stack", "shell"],
                        {**env, "TRACKER_DB": str(tmp_path / "conversations.db"),
                         "TERM": "xterm"})
    try:
        terminal.wait_for("Your input", timeout=300)
        terminal.type("hello\r")
        terminal.wait_for(welcome_button(), timeout=120)
        terminal.type("\x03")  # Ctrl-C while the buttons are listed
        code = terminal.wait_for_exit(timeout=60)
    finally:
        terminal.close()
    assert "Traceback" not in terminal.seen, terminal.seen
    assert code == 0, terminal.seen
