"""Real tracker-store databases for the privacy tests (a SQLite file, and a PostgreSQL server
of our own from scripts/cluster.py, installed with apt-get when missing), and a real
assistant that runs the privacy classes."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
import yaml

from tests.conftest import require_debian_packages
from tests.server.conftest import ROOT, Assistant, free_port

# The request size limit recommended for the Rasa server (docs/privacy.md): engine.io's and
# nginx's default too. Longer messages up to it get the assistant's "too long" answer.
REQUEST_MAX_BYTES = 1024 * 1024


@pytest.fixture(scope="session")
def postgres():
    from scripts.cluster import Postgres

    require_debian_packages("postgresql")

    # PostgreSQL runs as the postgres user, who cannot reach pytest's 0700 temporary folders.
    data_dir = Path("/var/tmp") / f"precheck-hardening-{uuid.uuid4().hex[:8]}"
    server = Postgres(data_dir, port=free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path) -> dict:
    """endpoints.yml's tracker_store keys for each database Rasa runs on here."""
    if request.param == "sqlite":
        return {"dialect": "sqlite", "db": str(tmp_path / "conversations.db")}
    server = request.getfixturevalue("postgres")
    return {"dialect": "postgresql", "url": "127.0.0.1", "port": server.port,
            "db": server.db, "username": server.user, "password": server.password}


@pytest.fixture(scope="session")
def private_assistant(tmp_path_factory, trained_model) -> Assistant:
    """The real assistant with this project's privacy classes in place of Rasa's (the
    tracker store that forgets, the strict REST channel), its action server behind the
    token and a request size limit, on free ports: what `make run` runs once its endpoints,
    credentials and environment name them (docs/privacy.md)."""
    from scripts import stack

    state = tmp_path_factory.mktemp("private")
    token, action_token = uuid.uuid4().hex, uuid.uuid4().hex
    conf = {**stack.settings(), "RASA_PORT": str(free_port()), "ACTION_PORT": str(free_port()),
            "ACTION_SERVER_TOKEN": action_token, "SANIC_REQUEST_MAX_SIZE": str(REQUEST_MAX_BYTES)}
    endpoints = {
        "action_endpoint": {"url": f"http://127.0.0.1:{conf['ACTION_PORT']}/webhook",
                            "token": action_token},
        "tracker_store": {"type": "precheck.stores.tracker_store.ClinicTrackerStore",
                          "dialect": "sqlite", "db": str(state / "conversations.db")},
    }
    credentials = {"precheck.channels.rest.CheckedRestInput": None}
    (state / "endpoints.yml").write_text(yaml.safe_dump(endpoints))
    (state / "credentials.yml").write_text(yaml.safe_dump(credentials))
    log = state / "servers.log"
    processes = []
    with log.open("w") as out:
        for command in (
            [str(stack.VENV_BIN / "rasa"), "run", "actions", "--actions", "actions", "--quiet",
             "--port", conf["ACTION_PORT"]],
            [str(stack.VENV_BIN / "rasa"), "run", "--quiet", "--model", str(trained_model),
             "--endpoints", str(state / "endpoints.yml"), "--credentials",
             str(state / "credentials.yml"), "--port", conf["RASA_PORT"], "--enable-api",
             "--auth-token", token],
        ):
            processes.append(subprocess.Popen(command, cwd=ROOT, env=stack.quiet_env(conf),
                                              stdout=out, stderr=subprocess.STDOUT,
                                              start_new_session=True))
    try:
        stack.wait_until_healthy(f"http://localhost:{conf['ACTION_PORT']}/health",
                                 processes[0], "action server")
        stack.wait_until_healthy(f"http://localhost:{conf['RASA_PORT']}/", processes[1],
                                 "Rasa server")
        yield Assistant(f"http://localhost:{conf['RASA_PORT']}", token,
                        int(conf["ACTION_PORT"]), processes[1], log)
    finally:
        stack.stop(processes)
