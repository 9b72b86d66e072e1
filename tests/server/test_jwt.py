"""Rasa's HTTP API with RASA_JWT_SECRET: JSON Web Tokens signed with it, as Rasa documents
them (`{"user": {"username": ..., "role": "user" | "admin"}}`, sent as a Bearer token).

A user token reads only the conversation named by its username, an admin token every
conversation; a token that is expired or signed with another secret is not authenticated.
sanic-jwt, which Rasa uses, accepts a token up to 3 minutes past its expiry (its leeway for
clocks that differ), so the expired token here expired an hour ago.
"""

from __future__ import annotations

import time

import jwt
import pytest
import requests

from tests.server.conftest import child_processes, command_line

pytestmark = pytest.mark.server

SECRET = "clinic-jwt-secret-for-the-tests-0123456789"


@pytest.fixture(scope="module")
def jwt_assistant(tmp_path_factory):
    from tests.server.conftest import start_assistant

    server = start_assistant(tmp_path_factory.mktemp("jwt"), {"RASA_JWT_SECRET": SECRET})
    try:
        yield server
    finally:
        server.process.terminate()
        server.process.wait(timeout=60)


def token(username: str, role: str, secret: str = SECRET, expires_in_s: int = 600) -> str:
    claims = {"user": {"username": username, "role": role},
              "exp": int(time.time()) + expires_in_s}
    return jwt.encode(claims, secret, algorithm="HS256")


def altered(signed: str) -> str:
    """`signed` with the first character of its signature changed (the last one may
    carry only padding bits)."""
    head, _, signature = signed.rpartition(".")
    return f"{head}.{'B' if signature[0] == 'A' else 'A'}{signature[1:]}"


def read_tracker(server, conversation: str, bearer: str) -> requests.Response:
    return requests.get(f"{server.url}/conversations/{conversation}/tracker",
                        headers={"Authorization": f"Bearer {bearer}"}, timeout=30)


def said(response: requests.Response) -> list[str]:
    return [e["text"] for e in response.json()["events"] if e["event"] == "user"]


@pytest.fixture(scope="module")
def two_clients(jwt_assistant):
    """Two conversations, each with one message of its own."""
    first, second = jwt_assistant.new_sender(), jwt_assistant.new_sender()
    jwt_assistant.say(first, "hi")
    jwt_assistant.say(second, "hello")
    return first, second


def test_a_user_token_reads_its_own_conversation_only(jwt_assistant, two_clients):
    first, second = two_clients
    own = read_tracker(jwt_assistant, first, token(first, "user"))
    assert own.status_code == 200
    assert said(own) == ["hi"]
    other = read_tracker(jwt_assistant, second, token(first, "user"))
    assert other.status_code == 403
    assert "hello" not in other.text


def test_an_admin_token_reads_every_conversation(jwt_assistant, two_clients):
    admin = token("therapist", "admin")
    readings = [read_tracker(jwt_assistant, sender, admin) for sender in two_clients]
    assert [r.status_code for r in readings] == [200, 200]
    assert [said(r) for r in readings] == [["hi"], ["hello"]]


@pytest.mark.parametrize("bearer", [
    token("anyone", "admin", expires_in_s=-3600),
    token("anyone", "admin", secret="not-the-clinic-secret-but-as-long-as-one"),
    altered(token("anyone", "admin")),
], ids=["expired", "signed with another secret", "altered signature"])
def test_an_expired_or_wrongly_signed_token_is_not_authenticated(jwt_assistant, two_clients,
                                                                 bearer):
    response = read_tracker(jwt_assistant, two_clients[0], bearer)
    assert response.status_code == 401
    assert "hi" not in response.text


def test_a_token_of_no_known_role_reads_nothing(jwt_assistant, two_clients):
    first = two_clients[0]
    assert read_tracker(jwt_assistant, first, token(first, "therapist")).status_code == 403


def descendants(pid: int) -> list[int]:
    children = child_processes(pid)
    return children + [grandchild for child in children for grandchild in descendants(child)]


def test_the_secrets_are_not_on_any_servers_command_line(jwt_assistant):
    # Every user of the machine can read a process's command line (/proc/<pid>/cmdline),
    # only its owner the environment the secrets are in.
    lines = [command_line(pid) for pid in descendants(jwt_assistant.process.pid)]
    assert any("--enable-api" in line for line in lines), lines
    assert not [line for line in lines if SECRET in line or jwt_assistant.token in line]
