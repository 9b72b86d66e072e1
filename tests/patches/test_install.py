"""The patches are installed explicitly, once, and only on the versions they were written
for (precheck/patches/__init__.py). Each test runs in a fresh interpreter, since a patch
changes the process it is installed in."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PATCHED = ("(RemoteAction._validate_action_result, Event.resolve_by_type, "
           "cli_utils.payload_from_button_question, runners.bind_socket, runners.serve)")
SETUP = f"""
import json, logging
import rasa.cli.utils as cli_utils
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import Event
from sanic.server import runners
from precheck import patches
logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")
rasas = {PATCHED}
"""


def run(code: str) -> tuple[dict, str]:
    result = subprocess.run([sys.executable, "-c", SETUP + code], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1]), result.stderr


def test_importing_the_patches_patches_nothing():
    found, _ = run(f"""
from precheck.patches import action_responses, event_types, shell_buttons, worker_sockets
print(json.dumps({{"same": rasas == {PATCHED},
                  "applied": [p.applied() for p in patches.PATCHES]}}))
""")
    assert found == {"same": True, "applied": [False] * 4}


def test_install_applies_each_patch_once():
    found, _ = run(f"""
first = patches.install()
after_first = {PATCHED}
second = patches.install()
print(json.dumps({{"first": first, "second": second, "changed": after_first != rasas,
                  "stable": {PATCHED} == after_first,
                  "applied": [p.applied() for p in patches.PATCHES]}}))
""")
    names = ["action_responses", "event_types", "shell_buttons", "worker_sockets"]
    assert found == {"first": names, "second": names, "changed": True, "stable": True,
                     "applied": [True] * 4}


def test_a_patch_for_another_version_is_left_out_with_a_warning():
    found, log = run(f"""
from dataclasses import replace
other = replace(patches.PATCHES[0], written_for="3.6.20")
print(json.dumps({{"installed": patches.install((other,)), "same": {PATCHED} == rasas}}))
""")
    assert found == {"installed": [], "same": True}
    assert ("precheck.patches: patch action_responses was written for rasa 3.6.20, not rasa "
            "3.6.21: left out") in log
