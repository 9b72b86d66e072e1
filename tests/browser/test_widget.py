"""The chat widget in a real browser, talking to the real assistant.

Elements are found as a person (or a screen reader) finds them: by role and accessible name.
"""

from __future__ import annotations

import os

import pytest

from tests.browser.support import CLINIC_PHONE, DIALOG, LAUNCHER, run_axe
from tests.server.conftest import free_port

try:
    from playwright.sync_api import Route, expect
except ImportError:   # locally: skipped with the reason; in CI: an error, never hidden
    if os.environ.get("CI"):
        raise
    pytest.skip("the Python package `playwright` is not installed", allow_module_level=True)

from tests.browser.client import (
    MARKUP,
    MAX_QUESTIONS,
    advice_cards,
    answer_until_advice,
    conversation,
    latest_replies,
    open_widget,
    start_check,
    stored,
    tap,
    wait_for_reply,
)

pytestmark = pytest.mark.browser


# --- A whole check ------------------------------------------------------------------------

def test_a_client_opens_consents_answers_and_gets_the_advice_card(site, new_page):
    page = new_page(site.page_url)
    launcher = page.get_by_role("button", name=LAUNCHER)
    expect(launcher).to_have_attribute("aria-expanded", "false")

    dialog = open_widget(page)
    expect(launcher).to_have_attribute("aria-expanded", "true")
    log = conversation(dialog)
    expect(log).to_contain_text("not a medical device")
    start = dialog.get_by_role("button", name="Yes, let's start")
    start.click()
    expect(start).to_be_disabled()
    expect(log).to_contain_text("Yes, let's start")   # the title is shown, not "/affirm"
    expect(log).not_to_contain_text("/affirm")
    wait_for_reply(dialog)
    expect(log).to_contain_text("urgent signs")

    answer_until_advice(dialog, "No")

    card = dialog.get_by_role("article", name="You can go ahead, gently")
    expect(card).to_be_visible()
    expect(card).to_contain_text("In your session:")          # the advice text is in the card
    expect(log.get_by_text("In your session:")).to_have_count(1)  # ... and only there
    expect(card.get_by_role("heading", name="Next steps")).to_be_visible()
    expect(card).to_contain_text("Come to your session as booked.")
    expect(card.get_by_role("link", name=CLINIC_PHONE).first).to_have_attribute(
        "href", "tel:5550100")
    expect(card).not_to_contain_text("emergency number now")
    # Only the buttons after the advice can still be pressed.
    expect(log.get_by_role("button", disabled=False)).to_have_count(3)
    expect(dialog.get_by_role("button", name="Summary for my therapist")).to_be_enabled()

    # What the card shows is what the server decided for this widget's sender id.
    sender = stored(page)["sender"]
    assert site.assistant.tracker(sender)["slots"]["advice"] == "proceed_gently"

    dialog.get_by_role("button", name="Close chat").click()
    expect(dialog).to_be_hidden()
    expect(launcher).to_be_focused()


def test_the_same_check_with_the_keyboard_only(site, new_page):
    page = new_page(site.page_url)
    launcher = page.get_by_role("button", name=LAUNCHER)
    for _ in range(10):   # Tab through the clinic's page to the launcher
        page.keyboard.press("Tab")
        if launcher.evaluate("element => element === document.activeElement"):
            break
    expect(launcher).to_be_focused()
    page.keyboard.press("Enter")

    dialog = page.get_by_role("dialog", name=DIALOG)
    expect(dialog).to_be_visible()
    expect(conversation(dialog)).to_be_focused()
    start = dialog.get_by_role("button", name="Yes, let's start")
    expect(start).to_be_enabled()
    page.keyboard.press("Tab")
    expect(start).to_be_focused()
    page.keyboard.press("Enter")

    for _ in range(MAX_QUESTIONS):
        wait_for_reply(dialog)
        if advice_cards(dialog).count():
            break
        replies = latest_replies(dialog)
        page.keyboard.press("Tab")
        expect(replies.get_by_role("button").first).to_be_focused()
        page.keyboard.press("Tab")
        expect(replies.get_by_role("button", name="No", exact=True)).to_be_focused()
        page.keyboard.press("Enter")

    expect(dialog.get_by_role("article", name="You can go ahead, gently")).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(launcher).to_be_focused()
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("article", name="You can go ahead, gently")).to_be_visible()


def test_urgent_care_is_shown_first_with_the_emergency_instruction(site, new_page):
    page = new_page(site.page_url)
    dialog = start_check(page)
    tap(dialog, "Yes")
    tap(dialog, "Face, arm or speech problem")

    card = dialog.get_by_role("article", name="Get medical help now")
    expect(card).to_be_visible()
    expect(card).to_contain_text("Call your local emergency number now.")
    expect(card).to_be_in_viewport()
    expect(dialog.get_by_text("Urgent: call your local emergency number now.")).to_be_visible()
    expect(card).to_contain_text("signs of a possible stroke")


# --- The transcript in sessionStorage -----------------------------------------------------

def test_a_reload_keeps_the_transcript_and_clearing_removes_it(site, new_page):
    page = new_page(site.page_url)
    dialog = start_check(page)
    tap(dialog, "No")
    tap(dialog, "No")
    log = conversation(dialog)
    before = log.inner_text()
    sender = stored(page)["sender"]

    page.reload()
    dialog = page.get_by_role("dialog", name=DIALOG)
    expect(dialog).to_be_visible()                 # it was open: it still is
    log = conversation(dialog)
    expect(log).to_have_text(before, use_inner_text=True)
    expect(dialog.get_by_role("button", name="Yes, let's start")).to_be_disabled()
    assert stored(page)["sender"] == sender
    # The same conversation goes on: the next question, not a new welcome.
    tap(dialog, "No")
    expect(log.get_by_text("not a medical device")).to_have_count(1)
    assert len(site.assistant.tracker(sender)["events"]) > 0

    dialog.get_by_role("button", name="End chat and clear").click()
    launcher = page.get_by_role("button", name=LAUNCHER)
    expect(dialog).to_be_hidden()
    expect(launcher).to_be_focused()
    expect(page.get_by_role("status").filter(has_text="Chat ended")).to_have_count(1)
    assert stored(page) is None

    page.reload()
    expect(page.get_by_role("dialog", name=DIALOG)).to_be_hidden()
    assert stored(page) is None
    dialog = open_widget(page)
    log = conversation(dialog)
    expect(log).to_contain_text("not a medical device")
    expect(log).not_to_contain_text("You: No")
    assert stored(page)["sender"] != sender


# --- Security -----------------------------------------------------------------------------

def test_markup_typed_by_the_client_is_shown_as_text(site, new_page):
    page = new_page(site.page_url)
    alerts: list[str] = []
    page.on("dialog", lambda alert: (alerts.append(alert.message), alert.dismiss()))
    dialog = open_widget(page)
    wait_for_reply(dialog)

    box = dialog.get_by_role("textbox", name="Your message")
    box.fill(MARKUP)
    box.press("Enter")
    wait_for_reply(dialog)

    expect(conversation(dialog)).to_contain_text(MARKUP)
    page.wait_for_timeout(300)   # time for a (failed) image load to fire onerror
    assert page.locator("img").count() == 0
    assert alerts == []


def test_markup_from_the_server_is_shown_as_text(site, new_page):
    page = new_page(None)
    alerts: list[str] = []
    page.on("dialog", lambda alert: (alerts.append(alert.message), alert.dismiss()))
    page.route(f"{site.server_url}/webhooks/rest/webhook", lambda route: fulfil(route, 200, [
        {"text": MARKUP, "buttons": [{"title": "<b onmouseover=alert(2)>bold</b>",
                                      "payload": "/affirm"}]},
        {"text": "<script>alert(3)</script>"},
        {"custom": {"advice": "<img src=x onerror=alert(4)>", "urgent_care": "yes",
                    "rules_version": "<i>1</i>", "reasons": ["<u>R1</u>"]}},
    ]))
    page.goto(site.page_url)
    dialog = open_widget(page)
    wait_for_reply(dialog)

    log = conversation(dialog)
    expect(log).to_contain_text(MARKUP)
    expect(dialog.get_by_role("button", name="<b onmouseover=alert(2)>bold</b>")).to_be_visible()
    # An unknown advice value fails closed: call the clinic, never "go ahead".
    card = dialog.get_by_role("article", name="Please call the clinic before your session")
    expect(card).to_contain_text("<script>alert(3)</script>")
    expect(card).to_contain_text("Safety rules version <i>1</i>")
    page.wait_for_timeout(300)
    assert page.locator("img, b, script:not([src]), i, u").count() == 0
    assert alerts == []


def test_the_demo_page_runs_under_its_content_security_policy(site, new_page):
    page = new_page(None)
    response = page.goto(site.page_url)
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert f"connect-src {site.server_url}" in policy
    assert "unsafe-inline" not in policy
    # The widget works under it (the fixture fails the test on any CSP violation).
    dialog = open_widget(page)
    expect(conversation(dialog)).to_contain_text("not a medical device")
    # ... and the browser enforces it: a connection elsewhere is refused.
    blocked = page.evaluate(
        "() => fetch('http://localhost:9/').then(() => 'allowed', () => 'blocked')")
    assert blocked == "blocked"
    page.problems.clear()   # that refusal was the point


# --- When the assistant cannot be reached -------------------------------------------------

@pytest.mark.parametrize("failure", ["server down", "HTTP 500"])
def test_an_unreachable_assistant_shows_the_clinic_phone(site, new_page, failure):
    if failure == "server down":
        page = new_page(site.demo_page(server=f"http://localhost:{free_port()}"))
    else:
        page = new_page(None)
        page.route(f"{site.server_url}/webhooks/rest/webhook",
                   lambda route: fulfil(route, 500, {"error": "boom"}))
        page.goto(site.page_url)
    dialog = open_widget(page)

    error = dialog.get_by_role("status").filter(has_text="can't be reached")
    expect(error).to_be_visible()
    expect(error).to_contain_text(f"Please call the clinic on {CLINIC_PHONE}.")
    expect(error.get_by_role("link", name=CLINIC_PHONE)).to_have_attribute("href", "tel:5550100")
    assert run_axe(page) == []

    if failure == "HTTP 500":   # the assistant is back: "Try again" resends
        page.unroute(f"{site.server_url}/webhooks/rest/webhook")
        dialog.get_by_role("button", name="Try again").click()
        expect(conversation(dialog)).to_contain_text("not a medical device")
        expect(error).to_have_count(0)


def test_try_again_after_a_lost_answer_does_not_answer_the_next_question(site, new_page):
    # The assistant reads "Yes, let's start" and answers, but the answer is lost on the way.
    # Read a second time, that yes would answer the red flags: urgent care, without one.
    page = new_page(site.page_url)
    dialog = open_widget(page)
    expect(conversation(dialog)).to_contain_text("not a medical device")
    webhook = f"{site.server_url}/webhooks/rest/webhook"

    def answer_lost(route: Route) -> None:
        route.fetch()    # the assistant has it and answers ...
        route.abort()    # ... and the answer never arrives
        page.unroute(webhook)

    page.route(webhook, answer_lost)
    dialog.get_by_role("button", name="Yes, let's start").click()
    error = dialog.get_by_role("status").filter(has_text="can't be reached")
    expect(error).to_be_visible()
    dialog.get_by_role("button", name="Try again").click()
    expect(conversation(dialog)).to_contain_text("urgent signs")
    expect(error).to_have_count(0)
    sender = stored(page)["sender"]
    tracker = site.assistant.tracker(sender)
    assert [e["text"] for e in tracker["events"] if e["event"] == "user"][-1:] == ["/affirm"]
    assert tracker["slots"]["requested_slot"] == "red_flag_screen"
    assert tracker["slots"]["red_flag_screen"] is None


# --- Accessibility ------------------------------------------------------------------------

def test_axe_finds_no_wcag_aa_violation_in_the_open_widget(site, new_page):
    page = new_page(site.page_url)
    dialog = start_check(page)
    tap(dialog, "No")
    box = dialog.get_by_role("textbox", name="Your message")
    box.fill("I am not sure what you mean")
    box.press("Enter")
    wait_for_reply(dialog)
    box.focus()
    assert run_axe(page) == []


def test_axe_finds_no_violation_on_the_advice_cards(site, new_page):
    page = new_page(site.page_url)
    dialog = start_check(page)
    tap(dialog, "Yes")
    tap(dialog, "Face, arm or speech problem")
    expect(dialog.get_by_role("article", name="Get medical help now")).to_be_visible()
    assert run_axe(page) == []


def test_a_light_clinic_colour_still_meets_contrast(site, new_page):
    url = site.demo_page(port=site.alt_port, primary_color="#ffd54f")   # light yellow
    page = new_page(url)
    dialog = start_check(page)
    tap(dialog, "No")
    dialog.get_by_role("textbox", name="Your message").focus()
    assert run_axe(page) == []


@pytest.mark.parametrize("motion", ["no-preference", "reduce"])
def test_the_typing_indicator_is_a_status_and_respects_reduced_motion(site, new_page, motion):
    page = new_page(None, reduced_motion=motion)
    held: list[Route] = []

    def hold_until_released(route: Route) -> None:
        if released:
            route.continue_()
        else:
            held.append(route)

    released = False
    page.route(f"{site.server_url}/webhooks/rest/webhook", hold_until_released)
    page.goto(site.page_url)
    dialog = open_widget(page)

    typing = dialog.get_by_role("status").filter(has_text="The assistant is typing")
    expect(typing).to_be_visible()
    animation = page.evaluate(
        "() => getComputedStyle(document.querySelector('.msw-dots')).animationName")
    assert animation == ("none" if motion == "reduce" else "msw-pulse")

    released = True
    for route in held:
        route.continue_()
    expect(conversation(dialog)).to_contain_text("not a medical device")
    expect(typing).to_have_count(0)


# --- Small screens ------------------------------------------------------------------------

def test_at_320_px_wide_nothing_scrolls_sideways(site, new_page):
    page = new_page(site.page_url, width=320, height=640)
    dialog = start_check(page)
    box = dialog.get_by_role("textbox", name="Your message")
    box.fill("Numbness" * 12)   # one long unbroken word
    box.press("Enter")
    wait_for_reply(dialog)
    tap(dialog, "Yes")
    tap(dialog, "Face, arm or speech problem")
    expect(dialog.get_by_role("article", name="Get medical help now")).to_be_visible()

    overflow = page.evaluate("""() => {
        const wide = [document.documentElement, ...document.querySelectorAll('.msw *')]
          .filter(e => e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0
                       && getComputedStyle(e).overflowX !== 'hidden')
          .map(e => e.className || e.tagName);
        const outside = [...document.querySelectorAll('.msw-panel *')]
          .map(e => e.getBoundingClientRect())
          .filter(r => r.width > 0 && (r.left < -0.5 || r.right > innerWidth + 0.5)).length;
        return {wide, outside, pageWidth: document.documentElement.scrollWidth};
    }""")
    assert overflow == {"wide": [], "outside": 0, "pageWidth": 320}
    assert run_axe(page) == []


def fulfil(route: Route, status: int, body: object) -> None:
    """Answers a (CORS) request to the assistant in place of the server."""
    headers = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Headers": "content-type",
               "Access-Control-Allow-Methods": "POST, OPTIONS"}
    if route.request.method == "OPTIONS":
        route.fulfill(status=204, headers=headers)
    else:
        route.fulfill(status=status, headers=headers, json=body)
