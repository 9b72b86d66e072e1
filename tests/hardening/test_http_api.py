"""Rasa's HTTP API (conversations, models, status) answers only with the token, and a
browser on another site gets no CORS allowance: on the real server."""

from __future__ import annotations

import pytest
import requests

pytestmark = pytest.mark.server

OTHER_SITE = "https://elsewhere.example"


@pytest.mark.parametrize("path", ["/status", "/conversations/someone/tracker", "/domain"])
@pytest.mark.parametrize("params", [{}, {"token": "guess"}])
def test_the_api_refuses_a_call_without_the_token(assistant, path, params):
    response = requests.get(f"{assistant.url}{path}", params=params, timeout=30)
    assert response.status_code == 401


def test_the_api_answers_with_the_token(assistant):
    response = requests.get(f"{assistant.url}/status", params={"token": assistant.token},
                            timeout=30)
    assert response.status_code == 200


def test_a_tracker_cannot_be_changed_without_the_token(assistant):
    sender = assistant.new_sender()
    response = requests.post(f"{assistant.url}/conversations/{sender}/tracker/events",
                             json=[{"event": "slot", "name": "fever", "value": "no"}],
                             timeout=30)
    assert response.status_code == 401


def preflight(assistant, origin: str) -> requests.Response:
    return requests.options(f"{assistant.url}/webhooks/rest/webhook", timeout=30, headers={
        "Origin": origin, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})


def test_a_configured_origin_may_call_from_a_browser(assistant):
    origin = f"http://localhost:{assistant.page_ports[0]}"
    assert preflight(assistant, origin).headers.get("Access-Control-Allow-Origin") == origin


def test_another_site_gets_no_cors_allowance(assistant):
    assert "Access-Control-Allow-Origin" not in preflight(assistant, OTHER_SITE).headers
    response = requests.post(f"{assistant.url}/webhooks/rest/webhook", timeout=60,
                             headers={"Origin": OTHER_SITE},
                             json={"sender": assistant.new_sender(), "message": "hi"})
    assert "Access-Control-Allow-Origin" not in response.headers
