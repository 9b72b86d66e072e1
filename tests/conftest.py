"""Shared fixtures: the trained model (trained once, only when its inputs changed) and
one real assistant for the whole session (started on first use); and the test tiers.

Tiers (pyproject.toml's markers), set here from what a test uses, so that a new test
lands in the right one without being told: `model` (the trained model), `server` (a real
Rasa, action or database server), `browser` (Chromium), `topology` (the cluster).
Everything else is hermetic: `make check` runs exactly that, `make test` runs all."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Fixtures that start a real server (Rasa, the action server, PostgreSQL) or need the model.
SERVER_FIXTURES = {"assistant", "private_assistant", "messaging", "postgres", "action_server",
                   "cluster"}
MODEL_FIXTURES = {"trained_model"}
FOLDER_TIERS = {"browser": "browser", "topology": "topology", "server": "server"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        folder = Path(item.fspath).relative_to(ROOT / "tests").parts[0]
        tiers = {FOLDER_TIERS[folder]} if folder in FOLDER_TIERS else set()
        if used & SERVER_FIXTURES:
            tiers.add("server")
        if used & MODEL_FIXTURES or tiers & {"server", "browser", "topology"}:
            tiers.add("model")
        for tier in tiers:
            item.add_marker(tier)


def require_debian_packages(*packages: str) -> None:
    """Skips, saying why, when a package the test needs is missing and only root could
    install it (scripts/cluster.py installs what is missing as root)."""
    from scripts.cluster import missing_packages

    missing = missing_packages(list(packages))
    if missing and os.geteuid() != 0:
        pytest.skip(f"needs root to install {' '.join(missing)} with apt-get")


@pytest.fixture(scope="session")
def rasa_env() -> dict[str, str]:
    """The environment scripts/stack.py gives Rasa (quiet logs, project on the path)."""
    from scripts.stack import quiet_env

    return quiet_env({})


@pytest.fixture(scope="session")
def trained_model() -> Path:
    result = subprocess.run([sys.executable, "-m", "scripts.stack", "model"], cwd=ROOT,
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
