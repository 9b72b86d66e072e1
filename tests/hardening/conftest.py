"""Real tracker-store databases for the privacy tests: a SQLite file, and a PostgreSQL
server of our own (scripts/cluster.py, installed with apt-get when missing)."""

from __future__ import annotations

import shutil
import sys
import uuid
from pathlib import Path

import pytest

from tests.server.conftest import ROOT, free_port


@pytest.fixture(scope="session")
def postgres():
    sys.path.insert(0, str(ROOT / "scripts"))
    from cluster import Postgres

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
