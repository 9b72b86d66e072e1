"""`rasa run` started by hand in the project folder forgets a conversation on request, as
`make run` does: endpoints.yml names the project's tracker store, not Rasa's plain one.

Rasa runs here with a byte-for-byte copy of endpoints.yml, from a folder of its own (so the
relative `.state/conversations.db` is not the clinic's), and Rasa's own REST channel."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import uuid

import pytest
import requests

from scripts import stack
from tests.server.conftest import free_port

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def rasa_by_hand(trained_model, tmp_path_factory):
    folder = tmp_path_factory.mktemp("by-hand")
    shutil.copyfile(stack.ROOT / "endpoints.yml", folder / "endpoints.yml")
    (folder / "credentials.yml").write_text("rest:\n")
    port = free_port()
    log = (folder / "rasa.log").open("w")
    process = subprocess.Popen(
        [str(stack.VENV_BIN / "rasa"), "run", "--model", str(trained_model), "--port", str(port)],
        cwd=folder, env={**stack.quiet_env({}), "RETENTION_DAYS": "30"}, stdout=log,
        stderr=subprocess.STDOUT, start_new_session=True)
    try:
        stack.wait_until_healthy(f"http://localhost:{port}/", process, "Rasa server")
        yield f"http://localhost:{port}", folder
    finally:
        stack.stop([process])
        log.close()


def say(url: str, sender: str, text: str) -> list[dict]:
    response = requests.post(f"{url}/webhooks/rest/webhook",
                             json={"sender": sender, "message": text}, timeout=60)
    response.raise_for_status()
    return response.json()


def stored_events(folder, sender: str) -> int:
    with sqlite3.connect(folder / ".state" / "conversations.db") as db:
        return db.execute("SELECT COUNT(*) FROM events WHERE sender_id = ?",
                          (sender,)).fetchone()[0]


def test_a_conversation_deleted_on_request_is_gone_from_the_database(rasa_by_hand):
    url, folder = rasa_by_hand
    sender = f"by-hand-{uuid.uuid4().hex[:8]}"
    assert "delete this conversation" in say(url, sender, "delete my data")[0]["text"]
    assert stored_events(folder, sender) > 0
    assert "deleted" in say(url, sender, "/affirm")[0]["text"]
    assert stored_events(folder, sender) == 0


def test_the_conversations_folder_is_made_private(rasa_by_hand):
    _, folder = rasa_by_hand
    assert (folder / ".state").stat().st_mode & 0o777 == 0o700
