"""The action server goes down mid-check: the client is told to call the clinic, never
silence and never "go ahead"; `make run` restarts it and the check resumes where it was,
with the question the client can no longer see asked again.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest
import requests

pytestmark = pytest.mark.server
SAFE_MESSAGE = "can't finish the check right now"
FLARE_UP_QUESTION = "Are you having an MS flare-up (relapse) right now"


def action_server_pid(port: int) -> int:
    found = subprocess.run(["pgrep", "-f", f"run actions .*--port {port}$"],
                           capture_output=True, text=True).stdout.split()
    assert found, "no action server process"
    return int(found[0])


def wait_for_action_server(port: int, old_pid: int) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://localhost:{port}/health", timeout=2).ok and \
                    action_server_pid(port) != old_pid:
                return
        except (requests.ConnectionError, AssertionError):
            pass
        time.sleep(0.5)
    pytest.fail("the action server was not restarted")


def test_the_check_fails_safe_and_resumes_after_a_restart(assistant):
    sender = assistant.new_sender()
    for text in ("hi", "yes", "no"):  # consent, then no red flags
        assistant.say(sender, text)
    assert assistant.tracker(sender)["slots"]["requested_slot"] == "active_flare_up"

    pid = action_server_pid(assistant.action_port)
    os.kill(pid, signal.SIGKILL)
    try:
        replies = assistant.say(sender, "no")
    finally:  # the other tests share this assistant
        wait_for_action_server(assistant.action_port, pid)
    assert SAFE_MESSAGE in " ".join(r.get("text", "") for r in replies)
    assert not any("advice" in (r.get("custom") or {}) for r in replies)

    # The client last read "can't finish the check", not the question: their next message
    # is not taken for its answer, the question is asked again.
    replies = assistant.say(sender, "no")
    slots = assistant.tracker(sender)["slots"]
    assert slots["active_flare_up"] is None
    assert slots["requested_slot"] == "active_flare_up"
    assert FLARE_UP_QUESTION in replies[-1]["text"]

    replies = assistant.say(sender, "no")
    slots = assistant.tracker(sender)["slots"]
    assert slots["active_flare_up"] == "no"
    assert slots["requested_slot"] == "recent_relapse"
    assert "relapse" in replies[-1]["text"]
