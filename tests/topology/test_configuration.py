"""Configuration from the environment (README "Configuration"): what scripts/stack.py
makes of it, read back the way Rasa reads it. No servers: the cluster tests run them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from rasa.core.utils import number_of_sanic_workers
from rasa.shared.core.domain import Domain
from rasa.shared.utils.common import class_from_module_path
from rasa.utils.endpoints import read_endpoint_config

from precheck import run_rasa
from precheck.stores.tracker_store import ClinicTrackerStore
from scripts import stack
from tests.server.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]

CONFIG_VARIABLES = [
    "ACTION_ENDPOINT_URL", "ACTION_SERVER_TOKEN", "TRACKER_DB", "LOCK_DB", "POSTGRES_HOST",
    "POSTGRES_PORT", "POSTGRES_DB", "POSTGRES_USER", "POSTGRES_PASSWORD", "REDIS_HOST",
    "REDIS_PORT", "REDIS_DB", "REDIS_PASSWORD", "SANIC_WORKERS", "RASA_API_TOKEN",
    "RASA_JWT_SECRET", "RASA_JWT_METHOD", "CLINIC_NAME", "CLINIC_PHONE",
]


@pytest.fixture
def environment(monkeypatch, tmp_path):
    """A clean configuration; runtime files go to a temporary .state."""
    for variable in CONFIG_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("RASA_PORT", "5999")
    monkeypatch.setattr(stack, "STATE", tmp_path)
    return monkeypatch


def rasa_reads(name: str) -> object:
    return read_endpoint_config(str(stack.write_endpoints(stack.settings())), name)


def test_the_tracker_store_is_the_projects_one_and_can_be_imported():
    # Rasa would quietly keep conversations in memory if it could not import it.
    store = class_from_module_path(stack.TRACKER_STORE_TYPE)
    assert store is ClinicTrackerStore


def test_rasa_started_by_hand_uses_the_same_tracker_store():
    by_hand = yaml.safe_load((ROOT / "endpoints.yml").read_text())["tracker_store"]
    assert by_hand["type"] == stack.TRACKER_STORE_TYPE


def test_by_default_sqlite_and_a_worker_per_core_up_to_two(environment):
    environment.setattr(stack.os, "sched_getaffinity", lambda _: {0, 1, 2, 3})
    store = rasa_reads("tracker_store")
    assert (store.type, store.kwargs["dialect"]) == (stack.TRACKER_STORE_TYPE, "sqlite")
    assert store.kwargs["db"] == str(stack.STATE / "conversations.db")
    assert stack.settings()["SANIC_WORKERS"] == "2"
    # The workers share the conversation locks in a file beside the conversations.
    lock = rasa_reads("lock_store")
    assert (lock.type, lock.kwargs["db"]) == (stack.FILE_LOCK_STORE_TYPE,
                                              str(stack.STATE / "locks.db"))
    action = rasa_reads("action_endpoint")
    assert (action.url, action.token) == ("http://localhost:5055/webhook", None)


def test_postgres_redis_and_the_action_token_from_the_environment(environment):
    environment.setenv("POSTGRES_HOST", "db.clinic.test")
    environment.setenv("POSTGRES_PASSWORD", "pg-secret")
    environment.setenv("REDIS_HOST", "locks.clinic.test")
    environment.setenv("REDIS_PASSWORD", "redis-secret")
    environment.setenv("ACTION_SERVER_TOKEN", "action-secret")
    environment.setenv("ACTION_ENDPOINT_URL", "http://actions.clinic.test/webhook")

    written = stack.write_endpoints(stack.settings()).read_text()
    assert not {"pg-secret", "redis-secret", "action-secret"} & set(written.split()), \
        "a secret was written to disk"
    store = rasa_reads("tracker_store")
    assert (store.url, store.kwargs["dialect"], store.kwargs["port"]) == \
        ("db.clinic.test", "postgresql", 5432)
    assert store.kwargs["password"] == "pg-secret"
    lock = rasa_reads("lock_store")
    assert (lock.type, lock.url, lock.kwargs["password"]) == \
        ("redis", "locks.clinic.test", "redis-secret")
    action = rasa_reads("action_endpoint")
    assert action.url == "http://actions.clinic.test/webhook"
    # Rasa sends it as ?token=... with every action call.
    assert action.combine_parameters() == {"token": "action-secret"}


def test_the_api_token_or_jwt_secret_enables_the_http_api(environment):
    model = Path("model.tar.gz")
    assert "--enable-api" not in stack.rasa_server_command(stack.settings(), model)
    environment.setenv("RASA_JWT_SECRET", "jwt-secret")
    command = stack.rasa_server_command(stack.settings(), model)
    assert "--enable-api" in command and "--auth-token" not in command
    assert command[command.index("--jwt-method") + 1] == "HS256"
    # The secret is handed to Rasa from the environment, inside its process.
    assert "jwt-secret" not in command
    assert run_rasa.secret_arguments(command, stack.settings()) == ["--jwt-secret", "jwt-secret"]


def test_one_core_one_worker_and_rasas_in_memory_locks(environment):
    environment.setattr(stack.os, "sched_getaffinity", lambda _: {0})
    assert stack.settings()["SANIC_WORKERS"] == "1"
    assert rasa_reads("lock_store") is None


def test_rasa_runs_as_many_workers_as_asked_with_the_file_locks(environment):
    environment.setenv("SANIC_WORKERS", "3")
    environment.setenv("TRACKER_DB", str(stack.STATE / "clinic" / "conversations.db"))
    lock = rasa_reads("lock_store")
    assert lock.kwargs["db"] == str(stack.STATE / "clinic" / "locks.db")
    # Rasa quietly runs one worker with a lock store it does not trust across processes.
    assert number_of_sanic_workers(lock) == 3


def test_a_worker_count_that_is_not_a_number_is_refused():
    env = {"SANIC_WORKERS": "two", "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-m", "scripts.stack", "serve"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "SANIC_WORKERS must be a whole number, not 'two'" in result.stderr


def test_a_tracker_db_whose_folder_cannot_be_made_stops_the_start_saying_why(tmp_path):
    (tmp_path / "a-file").touch()
    db = tmp_path / "a-file" / "clinic" / "conversations.db"
    # Free ports: before the check, it went on to start the servers.
    env = {"TRACKER_DB": str(db), "PATH": "/usr/bin:/bin", "RASA_PORT": str(free_port()),
           "ACTION_PORT": str(free_port())}
    result = subprocess.run([sys.executable, "-m", "scripts.stack", "serve"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert result.stderr.strip() == (f"error: TRACKER_DB={db}: cannot create its folder "
                                     f"{db.parent}: Not a directory")
    assert "model:" not in result.stdout, "refused before anything starts"


def test_the_tracker_dbs_missing_folder_is_made_private(environment, tmp_path):
    db = tmp_path / "new" / "clinic" / "conversations.db"
    environment.setenv("TRACKER_DB", str(db))
    stack.check_settings(stack.settings())
    assert db.parent.stat().st_mode & 0o777 == 0o700


def test_the_clinic_contact_from_the_environment_is_trained_into_the_model(environment):
    default = stack.model_fingerprint()
    assert stack.training_domain("unused") == ROOT / "domain"
    environment.setenv("CLINIC_NAME", "Harbour Massage")
    environment.setenv("CLINIC_PHONE", "01234 567890")

    assert stack.model_fingerprint() != default, "a new contact must retrain the model"
    domain = Domain.load(stack.training_domain("test"))
    slots = {slot.name: slot.initial_value for slot in domain.slots}
    assert (slots["clinic_name"], slots["clinic_phone"]) == ("Harbour Massage", "01234 567890")
    assert domain.responses == Domain.load(ROOT / "domain").responses
