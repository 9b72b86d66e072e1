"""The demo page server (`python -m widget.serve`): what it serves and the headers it sends.
No browser needed."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from widget.serve import DemoServer, clinic_from_domain, content_security_policy, origin_of

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def demo() -> Iterator[DemoServer]:
    server = DemoServer(("127.0.0.1", 0), "https://bot.example.org/rasa/?a=1&b=<script>x</script>",
                        'Clinic "A" <b>', "+44 20 7946 0000")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def test_the_policy_allows_scripts_and_styles_from_itself_and_fetch_to_the_assistant_only():
    policy = content_security_policy("http://localhost:5005")
    directives = dict(d.split(" ", 1) for d in policy.split("; "))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["connect-src"] == "http://localhost:5005"
    assert "unsafe" not in policy


@pytest.mark.parametrize(("server", "allowed"), [
    ("http://localhost:5005", "http://localhost:5005 ws://localhost:5005"),
    ("https://bot.example.org", "https://bot.example.org wss://bot.example.org"),
])
def test_with_socketio_the_policy_adds_the_assistants_websocket_origin_only(server, allowed):
    directives = dict(d.split(" ", 1) for d in content_security_policy(server, "socketio")
                      .split("; "))
    assert directives["connect-src"] == allowed


def test_the_page_names_the_transport_and_an_unknown_one_is_refused():
    demo = DemoServer(("127.0.0.1", 0), "http://localhost:5005", "A", "1", transport="socketio")
    demo.server_close()
    assert b'data-transport="socketio"' in demo.page
    assert "ws://localhost:5005" in demo.csp
    with pytest.raises(ValueError, match="transport"):
        DemoServer(("127.0.0.1", 0), "http://localhost:5005", "A", "1", transport="pigeon")


@pytest.mark.parametrize(("url", "origin"), [
    ("http://localhost:5005", "http://localhost:5005"),
    ("https://Bot.Example.org/rasa/", "https://bot.example.org"),
])
def test_the_origin_of_the_assistant_url(url, origin):
    assert origin_of(url) == origin


@pytest.mark.parametrize("url", ["localhost:5005", "ftp://x.org", "javascript:alert(1)",
                                 "http://x.org; script-src *", "https://"])
def test_a_url_that_is_not_a_plain_http_url_is_refused(url):
    with pytest.raises(ValueError):
        origin_of(url)


def test_the_page_and_the_widget_files_are_served_with_the_policy(demo):
    page = requests.get(demo.url, timeout=5)
    assert page.status_code == 200
    assert page.headers["Content-Security-Policy"] == demo.csp
    assert "connect-src https://bot.example.org;" in demo.csp   # REST: no WebSocket
    assert 'data-transport="rest"' in page.text
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    for name, kind in [("ms-precheck-widget.js", "text/javascript"),
                       ("ms-precheck-widget.css", "text/css"), ("demo.css", "text/css")]:
        response = requests.get(demo.url + name, timeout=5)
        assert response.status_code == 200
        assert response.headers["Content-Type"].startswith(kind)
        assert "Content-Security-Policy" in response.headers


def test_settings_in_the_page_are_escaped(demo):
    page = requests.get(demo.url, timeout=5).text
    assert "<script>x</script>" not in page
    assert 'data-server="https://bot.example.org/rasa/?a=1&amp;b=&lt;script&gt;' in page
    assert 'data-clinic-name="Clinic &quot;A&quot; &lt;b&gt;"' in page
    assert 'href="tel:+442079460000"' in page
    assert "<script" not in page.replace('<script src="/ms-precheck-widget.js"', "")


@pytest.mark.parametrize("path", ["/serve.py", "/static/", "/static/demo.css", "/demo/",
                                  "/widget/", "/..%2fREADME.md", "/%2e%2e/README.md",
                                  "/favicon.ico"])
def test_nothing_else_is_served(demo, path):
    response = requests.get(demo.url.rstrip("/") + path, timeout=5)
    assert response.status_code == 404
    assert response.text == "Not found\n"


def test_head_and_other_methods(demo):
    assert requests.head(demo.url, timeout=5).status_code == 200
    assert requests.post(demo.url, data="x", timeout=5).status_code == 501


def test_the_clinic_comes_from_the_domain_file():
    name, phone = clinic_from_domain()
    text = (ROOT / "domain" / "clinic.yml").read_text()
    assert f'initial_value: "{name}"' in text
    assert f'initial_value: "{phone}"' in text


def test_the_command_refuses_an_unknown_demo_transport():
    result = subprocess.run([sys.executable, "-m", "widget.serve", "--port", "0"], cwd=ROOT,
                            env={**os.environ, "DEMO_TRANSPORT": "pigeon"}, capture_output=True,
                            text=True, timeout=30)
    assert result.returncode == 2
    assert "DEMO_TRANSPORT must be one of rest, socketio" in result.stderr


def test_the_command_refuses_a_bad_server_url():
    result = subprocess.run([sys.executable, "-m", "widget.serve", "--port", "0",
                             "--server", "localhost:5005"], cwd=ROOT, capture_output=True,
                            text=True, timeout=30)
    assert result.returncode == 2
    assert "--server" in result.stderr
