"""Browser tests of the chat widget: Debian's Chromium driven by Playwright, against the real
assistant (Rasa server + action server, started once per test session with scripts/stack.py)
and the demo clinic page (`python -m widget.serve`, as `make run` starts it).

No browser is downloaded: Playwright drives /usr/bin/chromium (apt package `chromium`).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from tests.browser.support import CHROMIUM, CHROMIUM_ARGS, CLINIC_PHONE, browser_problem
from tests.server.conftest import Assistant
from widget.serve import DemoServer

ROOT = Path(__file__).resolve().parents[2]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Locally, a machine without Chromium (or Playwright) skips the browser tests with the
    reason. In CI (CI=true) they are never skipped: the `browser` fixture fails instead."""
    problem = browser_problem()
    if problem is None or os.environ.get("CI"):
        return
    here = Path(__file__).parent
    for item in items:
        if item.get_closest_marker("browser") and here in Path(item.path).parents:
            item.add_marker(pytest.mark.skip(reason=problem))


# --- The servers ------------------------------------------------------------------------

@dataclass
class Site:
    """The running assistant and the demo pages that point at it."""

    assistant: Assistant
    page_url: str            # the demo page, served by `python -m widget.serve`
    alt_port: int            # a second allowed origin, for pages with other settings
    socketio_port: int       # a third, for the demo page over socket.io
    page_process: subprocess.Popen
    extra: list[DemoServer] = field(default_factory=list)

    @property
    def server_url(self) -> str:
        return self.assistant.url

    def demo_page(self, server: str | None = None, port: int = 0, **options: str) -> str:
        """Another demo page (in this process), e.g. with other colours, a dead server or
        another transport."""
        demo = DemoServer(("127.0.0.1", port), server or self.server_url,
                          options.get("clinic_name", "the clinic"),
                          options.get("clinic_phone", CLINIC_PHONE),
                          options.get("primary_color", "#1d5c87"),
                          transport=options.get("transport", "rest"))
        threading.Thread(target=demo.serve_forever, daemon=True).start()
        self.extra.append(demo)
        return demo.url


@pytest.fixture(scope="session")
def site(assistant: Assistant) -> Iterator[Site]:
    """The demo page on the first origin the session's assistant allows; other demo pages
    (other settings) on the second, the socket.io demo page on the third."""
    page_port, alt_port, socketio_port = assistant.page_ports
    url, page = serve_demo_page(page_port, assistant.url)
    site = Site(assistant, url, alt_port, socketio_port, page)
    try:
        yield site
    finally:
        for demo in site.extra:
            demo.shutdown()
            demo.server_close()
        stop_demo_page(page)


def serve_demo_page(port: int, server: str, **env: str) -> tuple[str, subprocess.Popen]:
    """`python -m widget.serve`, as `make run` starts it (with `env` added); its URL once it
    answers."""
    page = subprocess.Popen(
        [sys.executable, "-m", "widget.serve", "--port", str(port), "--server", server],
        cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True)
    url = f"http://localhost:{port}/"
    try:
        wait_for_page(url, page)
    except BaseException:
        stop_demo_page(page)
        raise
    return url, page


def stop_demo_page(page: subprocess.Popen) -> None:
    page.terminate()
    page.wait(timeout=10)


def wait_for_page(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the demo page server did not start:\n{process.stdout.read()}")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            time.sleep(0.2)
    pytest.fail(f"the demo page server did not answer {url}")


# --- The browser ------------------------------------------------------------------------

# Module scope, not session: while Playwright's sync API runs it keeps an event loop
# running in this thread, which breaks every asyncio test collected after it.
@pytest.fixture(scope="module")
def browser():
    problem = browser_problem()
    if problem:
        pytest.fail(f"browser tests cannot run: {problem}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return Path(os.environ.get("WIDGET_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))


REPORTS = pytest.StashKey[dict]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Keeps each phase's report on the test, so fixtures can tell that it failed."""
    report = yield
    item.stash.setdefault(REPORTS, {})[report.when] = report
    return report


@pytest.fixture
def new_page(browser, request: pytest.FixtureRequest, screenshot_dir: Path) -> Iterator[Callable]:
    """Opens pages in fresh browser contexts (own sessionStorage). Fails the test on a page
    error or a Content-Security-Policy violation; screenshots every page if the test fails."""
    pages = []

    def open_page(url: str | None, width: int = 1280, height: int = 800, **context_options):
        """A page at `url` (None: not navigated yet, e.g. to set up routes first)."""
        context = browser.new_context(viewport={"width": width, "height": height},
                                      **context_options)
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.problems = []
        page.on("pageerror", lambda error: page.problems.append(f"page error: {error}"))
        page.on("console", lambda message: page.problems.append(f"console: {message.text}")
                if "Content Security Policy" in message.text else None)
        pages.append(page)
        if url:
            page.goto(url)
        return page

    yield open_page

    failed = any(report.failed for report in request.node.stash.get(REPORTS, {}).values())
    for number, page in enumerate(pages):
        if failed:
            name = re.sub(r"[^\w.-]+", "_", request.node.name)
            path = screenshot_dir / f"{name}-{number}.png"
            page.screenshot(path=str(path), full_page=True)
            print(f"screenshot of the failed test: {path}")
        problems = page.problems
        page.context.close()
        if not failed:
            assert not problems, problems
