"""Only Rasa may call the action server: it listens on loopback and wants the shared token
(precheck/action_guard.py). Started exactly as `make run` starts it (scripts/stack.py)."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
import requests

from tests.server.conftest import free_port

pytestmark = pytest.mark.server

TOKEN = uuid.uuid4().hex
SYMPTOM = "my left foot has been numb since Sunday"


@pytest.fixture(scope="module")
def action_server():
    from scripts import stack

    port = str(free_port())
    conf = {**stack.settings(), "ACTION_PORT": port, "ACTION_SERVER_TOKEN": TOKEN}
    process = stack.start_action_server(conf)
    try:
        stack.wait_for_action_server(conf, process)
        yield f"http://localhost:{port}"
    finally:
        stack.stop([process])


def action_call(action: str, tracker: dict | None = None) -> dict:
    sender = f"guard-{uuid.uuid4().hex[:8]}"
    tracker = tracker or {"sender_id": sender, "slots": {}, "latest_message": {}, "events": [],
                          "paused": False, "followup_action": None, "active_loop": {},
                          "latest_action_name": None}
    return {"next_action": action, "sender_id": sender, "tracker": tracker, "domain": {},
            "version": "3.6.21"}


def listening_addresses(port: int) -> set[str]:
    """The IPv4 addresses a local TCP port listens on, from the kernel's socket table."""
    addresses = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, local_port = local.split(":")
        if int(local_port, 16) == port and state == "0A":  # 0A: LISTEN
            addresses.add(".".join(str(int(address[i:i + 2], 16)) for i in (6, 4, 2, 0)))
    return addresses


def test_it_listens_on_loopback_only(action_server):
    assert listening_addresses(int(action_server.rsplit(":", 1)[1])) == {"127.0.0.1"}


@pytest.mark.parametrize("params", [{}, {"token": "guess"}, {"token": TOKEN[:-1]}])
def test_a_call_without_the_right_token_is_refused(action_server, params):
    response = requests.post(f"{action_server}/webhook", params=params,
                             json=action_call("action_show_summary"), timeout=30)
    assert response.status_code == 401
    assert requests.get(f"{action_server}/actions", params=params, timeout=30).status_code == 401


def test_rasa_with_the_token_runs_actions(action_server):
    response = requests.post(f"{action_server}/webhook", params={"token": TOKEN},
                             json=action_call("action_show_summary"), timeout=30)
    assert response.status_code == 200
    assert response.json()["responses"][0]["text"].startswith("There is no finished check")


def test_the_health_check_needs_no_token(action_server):
    assert requests.get(f"{action_server}/health", timeout=30).status_code == 200


def test_a_failing_action_does_not_echo_the_conversation(action_server):
    broken = action_call("action_show_summary", tracker={"latest_message": SYMPTOM})
    response = requests.post(f"{action_server}/webhook", params={"token": TOKEN}, json=broken,
                             timeout=30)
    assert response.status_code == 500
    assert "numb" not in response.text


def test_a_body_that_is_not_json_gets_400(action_server):
    response = requests.post(f"{action_server}/webhook", params={"token": TOKEN},
                             data=b"\xff not json", timeout=30)
    assert response.status_code == 400


def test_an_action_server_whose_guard_cannot_load_does_not_start(tmp_path):
    """rasa-sdk reads an import error in its plugin package as "no plugins" and would serve
    every caller: the project's plugin package stops the server instead."""
    from scripts import stack

    shutil.copytree(stack.ROOT / "rasa_sdk_plugins", tmp_path / "rasa_sdk_plugins")
    (tmp_path / "actions").mkdir()
    (tmp_path / "actions" / "__init__.py").write_text("")
    result = subprocess.run(
        [str(stack.VENV_BIN / "rasa"), "run", "actions", "--actions", "actions",
         "--port", str(free_port())],
        cwd=tmp_path, env={**stack.quiet_env({}), "PYTHONPATH": str(tmp_path)},
        capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "the action server's guard cannot be loaded" in result.stdout + result.stderr


def test_the_launcher_refuses_an_action_server_that_answers_without_the_token():
    from scripts import stack

    port = str(free_port())
    conf = {**stack.settings(), "ACTION_PORT": port, "ACTION_SERVER_TOKEN": TOKEN}
    unguarded = stack.start_action_server({**conf, "ACTION_SERVER_TOKEN": ""})
    try:
        with pytest.raises(RuntimeError, match="answers calls without its token"):
            stack.wait_for_action_server(conf, unguarded)
    finally:
        stack.stop([unguarded])
