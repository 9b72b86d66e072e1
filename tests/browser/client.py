"""What a client does with the widget, found as a person (or a screen reader) finds it: by
role and accessible name. Shared by the browser tests of both transports; imported by the test
modules once they know Playwright is there."""

from __future__ import annotations

import json

from playwright.sync_api import Locator, Page, expect

from tests.browser.support import DIALOG, LAUNCHER

MARKUP = "<img src=x onerror=alert(1)>"
MAX_QUESTIONS = 30


def open_widget(page: Page) -> Locator:
    page.get_by_role("button", name=LAUNCHER).click()
    dialog = page.get_by_role("dialog", name=DIALOG)
    expect(dialog).to_be_visible()
    return dialog


def start_check(page: Page) -> Locator:
    """Opens the widget and consents; returns the dialog once the first question came."""
    dialog = open_widget(page)
    dialog.get_by_role("button", name="Yes, let's start").click()
    wait_for_reply(dialog)
    return dialog


def conversation(dialog: Locator) -> Locator:
    return dialog.get_by_role("log", name="Conversation")


def typing_indicator(dialog: Locator) -> Locator:
    return dialog.get_by_role("status").filter(has_text="typing")


def wait_for_reply(dialog: Locator) -> None:
    """The typing indicator (shown from the moment a message is sent) has gone."""
    expect(typing_indicator(dialog)).to_have_count(0)


def latest_replies(dialog: Locator) -> Locator:
    return dialog.get_by_role("group", name="Reply options").last


def tap(dialog: Locator, title: str) -> None:
    latest_replies(dialog).get_by_role("button", name=title, exact=True).click()
    wait_for_reply(dialog)


def advice_cards(dialog: Locator) -> Locator:
    return conversation(dialog).get_by_role("article")


def answer_until_advice(dialog: Locator, title: str) -> None:
    for _ in range(MAX_QUESTIONS):
        if advice_cards(dialog).count():
            return
        tap(dialog, title)
    raise AssertionError(f"no advice after {MAX_QUESTIONS} answers")


def stored(page: Page) -> dict | None:
    raw = page.evaluate(
        "() => { const k = Object.keys(sessionStorage).find(k => k.startsWith("
        "'ms-precheck-widget:')); return k ? sessionStorage.getItem(k) : null; }")
    return json.loads(raw) if raw else None


def type_message(dialog: Locator, text: str) -> None:
    box = dialog.get_by_role("textbox", name="Your message")
    box.fill(text)
    box.press("Enter")
    wait_for_reply(dialog)


def wait_for(page: Page, condition, what: str, timeout_s: float = 15) -> None:
    """Waits until `condition()` (about the test's own records of the page, e.g. its
    WebSockets) holds; Playwright handles the page's events meanwhile."""
    for _ in range(int(timeout_s * 10)):
        if condition():
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"still not true after {timeout_s} s: {what}")
