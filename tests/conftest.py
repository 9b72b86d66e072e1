"""Shared fixtures: the trained model (trained once, only when its inputs changed) and
one real assistant for the whole session (started on first use)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def rasa_env() -> dict[str, str]:
    """The environment scripts/stack.py gives Rasa (quiet logs, project on the path)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from stack import quiet_env

    return quiet_env({})


@pytest.fixture(scope="session")
def trained_model() -> Path:
    result = subprocess.run([sys.executable, "scripts/stack.py", "model"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return next((ROOT / "models").glob("precheck-*.tar.gz"))


@pytest.fixture(scope="session")
def assistant(tmp_path_factory):
    from tests.server.conftest import start_assistant

    server = start_assistant(tmp_path_factory.mktemp("assistant"))
    try:
        yield server
    finally:
        server.process.terminate()
        server.process.wait(timeout=60)
