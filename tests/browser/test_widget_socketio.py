"""The chat widget over socket.io (`data-transport="socketio"`), in a real browser, against the
real assistant's socket.io channel (precheck/channels/socketio.py, python-socketio as locked).

The page is the demo page as `DEMO_TRANSPORT=socketio make run` serves it. Connections are
dropped with Playwright's WebSocket routing, which passes every frame between the page and the
real server until the test closes the connection.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator

import pytest

from tests.browser.conftest import serve_demo_page, stop_demo_page
from tests.browser.support import CLINIC_PHONE, DIALOG
from tests.server.conftest import free_port

try:
    from playwright.sync_api import Page, WebSocketRoute, expect
except ImportError:   # locally: skipped with the reason; in CI: an error, never hidden
    if os.environ.get("CI"):
        raise
    pytest.skip("the Python package `playwright` is not installed", allow_module_level=True)

from tests.browser.client import (
    MARKUP,
    answer_until_advice,
    conversation,
    latest_replies,
    open_widget,
    start_check,
    stored,
    tap,
    type_message,
    typing_indicator,
    wait_for,
    wait_for_reply,
)

pytestmark = pytest.mark.browser

SOCKET = "/socket.io/?EIO=4&transport=websocket"
GIVES_UP_MS = 20_000   # the widget tries 4 more times, over at most 7.5 s, then says so


@pytest.fixture(scope="module")
def page_url(site) -> Iterator[str]:
    # An allowed origin: the assistant refuses sockets from any other website.
    url, process = serve_demo_page(site.socketio_port, site.server_url, DEMO_TRANSPORT="socketio")
    yield url
    stop_demo_page(process)


@pytest.fixture
def socket_page(new_page, page_url):
    """A page at the socket.io demo page that notes its WebSockets and any REST call."""
    def open_page(url: str | None = page_url, **options) -> Page:
        page = new_page(None, **options)
        page.sockets = []
        page.rest_calls = []
        page.on("websocket", lambda socket: page.sockets.append(socket.url))
        page.on("request", lambda request: page.rest_calls.append(request.url)
                if "/webhooks/" in request.url else None)
        if url:
            page.goto(url)
        return page
    return open_page


def user_texts(tracker: dict) -> list[str]:
    return [event["text"] for event in tracker["events"] if event["event"] == "user"]


# --- A whole check ------------------------------------------------------------------------

def test_over_socketio_a_client_consents_answers_and_gets_the_advice_card(site, socket_page):
    page = socket_page()
    policy = page.request.get(page.url).headers["content-security-policy"]
    ws_origin = site.server_url.replace("http://", "ws://")
    assert f"connect-src {site.server_url} {ws_origin};" in policy

    dialog = open_widget(page)
    log = conversation(dialog)
    expect(log).to_contain_text("not a medical device")
    start = dialog.get_by_role("button", name="Yes, let's start")
    start.click()
    expect(start).to_be_disabled()
    expect(log).not_to_contain_text("/affirm")
    wait_for_reply(dialog)
    expect(log).to_contain_text("urgent signs")

    answer_until_advice(dialog, "No")

    card = dialog.get_by_role("article", name="You can go ahead, gently")
    expect(card).to_be_visible()
    expect(card).to_contain_text("In your session:")              # the advice text is in the card
    expect(log.get_by_text("In your session:")).to_have_count(1)  # ... and only there
    expect(card).to_contain_text("Come to your session as booked.")
    expect(card.get_by_role("link", name=CLINIC_PHONE).first).to_have_attribute(
        "href", "tel:5550100")
    expect(log.get_by_role("button", disabled=False)).to_have_count(3)

    sender = stored(page)["sender"]
    tracker = site.assistant.tracker(sender)
    assert tracker["slots"]["advice"] == "proceed_gently"
    assert tracker["latest_input_channel"] == "socketio"
    assert page.sockets == [ws_origin + SOCKET]     # one connection for the whole check
    assert page.rest_calls == []


def test_over_socketio_urgent_care_comes_from_the_custom_payload(site, socket_page):
    page = socket_page()
    dialog = start_check(page)
    tap(dialog, "Yes")
    tap(dialog, "Face, arm or speech problem")

    card = dialog.get_by_role("article", name="Get medical help now")
    expect(card).to_contain_text("Call your local emergency number now.")
    expect(card).to_contain_text("signs of a possible stroke")
    expect(dialog.get_by_text("Urgent: call your local emergency number now.")).to_be_visible()
    assert site.assistant.tracker(stored(page)["sender"])["slots"]["urgent_care"] is True


# --- The session survives new connections -------------------------------------------------

def test_a_reload_mid_check_continues_the_same_conversation(site, socket_page):
    page = socket_page()
    dialog = start_check(page)
    tap(dialog, "No")
    sender = stored(page)["sender"]
    before = site.assistant.tracker(sender)
    asked = before["slots"]["requested_slot"]
    transcript = conversation(dialog).inner_text()

    page.reload()
    dialog = page.get_by_role("dialog", name=DIALOG)
    expect(conversation(dialog)).to_have_text(transcript, use_inner_text=True)
    assert stored(page)["sender"] == sender
    wait_for(page, lambda: len(page.sockets) == 2, "a new connection, for the same session")

    tap(dialog, "No")
    expect(conversation(dialog).get_by_text("not a medical device")).to_have_count(1)
    after = site.assistant.tracker(sender)
    # The server has the earlier turns, and took the answer for the question it had asked.
    assert user_texts(after) == [*user_texts(before), "/deny"]
    assert after["slots"][asked] == "no"
    assert after["slots"]["requested_slot"] not in (None, asked)
    assert after["latest_input_channel"] == "socketio"


class Relay:
    """Routes the page's socket.io connections through to the real server, frame by frame;
    the test can hold the client's messages, drop the connections and refuse new ones."""

    def __init__(self) -> None:
        self.connections: list[tuple[WebSocketRoute, WebSocketRoute]] = []
        self.refusing = False
        self.holding = False
        self.held: list[tuple[WebSocketRoute, str | bytes]] = []

    def __call__(self, page_side: WebSocketRoute) -> None:
        if self.refusing:
            page_side.close()
            return
        server_side = page_side.connect_to_server()
        page_side.on_message(lambda message: self.from_page(server_side, message))
        self.connections.append((page_side, server_side))

    def from_page(self, server_side: WebSocketRoute, message: str | bytes) -> None:
        if self.holding and "user_uttered" in str(message):
            self.held.append((server_side, message))
        else:
            server_side.send(message)

    def release(self) -> None:
        self.holding = False
        for server_side, message in self.held:
            server_side.send(message)

    def drop(self) -> None:
        for page_side, server_side in self.connections:
            page_side.close()
            server_side.close()


@pytest.fixture
def relayed_page(socket_page, page_url) -> tuple[Page, Relay]:
    page = socket_page(None)
    relay = Relay()
    page.route_web_socket(f"**{SOCKET}", relay)
    page.goto(page_url)
    return page, relay


def test_the_typing_indicator_shows_until_the_reply_comes(relayed_page):
    page, relay = relayed_page
    relay.holding = True
    dialog = open_widget(page)
    typing = dialog.get_by_role("status").filter(has_text="The assistant is typing")
    expect(typing).to_be_visible()
    wait_for(page, lambda: len(relay.held) == 1, "the welcome request held back")

    relay.release()
    expect(conversation(dialog)).to_contain_text("not a medical device")
    expect(typing).to_have_count(0)


def test_a_dropped_connection_comes_back_by_itself_in_the_same_session(site, relayed_page):
    page, relay = relayed_page
    dialog = start_check(page)
    sender = stored(page)["sender"]

    relay.drop()
    wait_for(page, lambda: len(relay.connections) == 2, "the widget reconnected")
    tap(dialog, "No")   # the reply comes on the new connection: it joined the session again
    expect(latest_replies(dialog).get_by_role("button", name="No", exact=True)).to_be_enabled()
    assert user_texts(site.assistant.tracker(sender))[-1] == "/deny"
    expect(dialog.get_by_role("status").filter(has_text="can't be reached")).to_have_count(0)


def test_a_connection_that_does_not_come_back_shows_the_clinic_phone(site, relayed_page):
    page, relay = relayed_page
    dialog = start_check(page)
    sender = stored(page)["sender"]

    relay.refusing = True
    relay.drop()
    error = dialog.get_by_role("status").filter(has_text="can't be reached")
    expect(error).to_contain_text(f"Please call the clinic on {CLINIC_PHONE}.",
                                  timeout=GIVES_UP_MS)
    expect(error.get_by_role("link", name=CLINIC_PHONE)).to_have_attribute("href", "tel:5550100")

    relay.refusing = False   # the assistant is reachable again: "Try again" reconnects
    dialog.get_by_role("button", name="Try again").click()
    expect(error).to_have_count(0)
    tap(dialog, "No")
    expect(latest_replies(dialog).get_by_role("button", name="No", exact=True)).to_be_enabled()
    assert user_texts(site.assistant.tracker(sender))[-1] == "/deny"


def test_an_assistant_that_cannot_be_reached_over_socketio_shows_the_clinic_phone(
        site, socket_page):
    page = socket_page(site.demo_page(server=f"http://localhost:{free_port()}",
                                      transport="socketio"))
    dialog = open_widget(page)
    error = dialog.get_by_role("status").filter(has_text="can't be reached")
    expect(error).to_contain_text(f"Please call the clinic on {CLINIC_PHONE}.",
                                  timeout=GIVES_UP_MS)
    expect(typing_indicator(dialog)).to_have_count(0)
    assert len(page.sockets) == 5   # the first try and RECONNECTS more, then the error


# --- Security -----------------------------------------------------------------------------

def test_the_policy_lets_the_page_open_websockets_to_the_assistant_only(site, socket_page):
    page = socket_page()
    elsewhere = f"ws://localhost:{free_port()}"
    directive, blocked = page.evaluate("""url => new Promise(resolve => {
        document.addEventListener('securitypolicyviolation',
          event => resolve([event.effectiveDirective, event.blockedURI]));
        try { new WebSocket(url + '/socket.io/'); } catch (error) { /* refused */ }
    })""", elsewhere)
    assert directive == "connect-src"
    assert blocked.startswith(elsewhere)
    page.problems.clear()   # that refusal was the point
    dialog = open_widget(page)   # ... while the assistant's own WebSocket is allowed
    expect(conversation(dialog)).to_contain_text("not a medical device")


def test_markup_typed_by_the_client_is_shown_as_text_over_socketio(socket_page):
    page = socket_page()
    alerts: list[str] = []
    page.on("dialog", lambda alert: (alerts.append(alert.message), alert.dismiss()))
    dialog = open_widget(page)
    wait_for_reply(dialog)
    type_message(dialog, MARKUP)

    expect(conversation(dialog)).to_contain_text(MARKUP)
    page.wait_for_timeout(300)   # time for a (failed) image load to fire onerror
    assert page.locator("img").count() == 0
    assert alerts == []


def test_markup_and_an_unknown_advice_pushed_by_the_server_are_shown_as_text(relayed_page):
    page, relay = relayed_page
    alerts: list[str] = []
    page.on("dialog", lambda alert: (alerts.append(alert.message), alert.dismiss()))
    dialog = open_widget(page)
    wait_for_reply(dialog)
    page_side = relay.connections[0][0]
    for message in [
        {"text": MARKUP, "quick_replies": [{"title": "<b onmouseover=alert(2)>bold</b>",
                                            "payload": "/affirm"}]},
        {"text": "<script>alert(3)</script>"},
        {"custom": {"advice": "<img src=x onerror=alert(4)>", "rules_version": "<i>1</i>"}},
    ]:
        page_side.send("42" + json.dumps(["bot_uttered", message]))

    expect(conversation(dialog)).to_contain_text(MARKUP)
    expect(dialog.get_by_role("button", name="<b onmouseover=alert(2)>bold</b>")).to_be_visible()
    # An unknown advice value fails closed: call the clinic, never "go ahead".
    card = dialog.get_by_role("article", name="Please call the clinic before your session")
    expect(card).to_contain_text("<script>alert(3)</script>")
    expect(card).to_contain_text("Safety rules version <i>1</i>")
    page.wait_for_timeout(300)
    assert page.locator("img, b, script:not([src]), i").count() == 0
    assert alerts == []
