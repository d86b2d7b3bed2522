"""Fixtures for the real-browser tests: one headless Chromium for the whole package, a fresh context per test.

The browser is Debian's Chromium at /usr/bin/chromium (Playwright's own downloads are never used).
Without it the tests are skipped on a developer's machine, but fail on CI (CI=true), where a silently
skipped browser suite would look like a green one.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
DEFAULT_TIMEOUT_MS = 10_000
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    """Mark every test in tests/browser with `browser`, so `-m "not browser"` leaves them out."""
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


# Package scope: one browser for all of tests/browser (they run one after the other), stopped before the
# rest of the suite runs. A session-scoped one would keep Playwright's event loop, and with it
# DJANGO_ALLOW_ASYNC_UNSAFE, alive for every later test, including their subprocesses (`manage.py check
# --deploy` fails with async.E001 when it inherits that variable).
@pytest.fixture(scope="package")
def browser():
    if not CHROMIUM.exists():
        message = f"Chromium not found at {CHROMIUM} (install Debian's 'chromium' package)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}; browser tests cannot be skipped on CI", pytrace=False)
        pytest.skip(f"{message}: browser tests skipped")
    # Playwright's sync API keeps an asyncio event loop running in the test thread for as long as it is
    # started, and Django's ORM refuses to run in a thread with a running loop unless told it is safe.
    # Set here, before Playwright starts, rather than at import, so that runs without browser tests
    # (-m "not browser") keep Django's check; restored once the loop has stopped.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                yield browser
            finally:
                browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_context(browser):
    """Make extra contexts (e.g. without JavaScript); all are closed after the test."""
    contexts = []

    def make(**options):
        options.setdefault("locale", "ko-KR")
        options.setdefault("viewport", {"width": 1280, "height": 800})
        context = browser.new_context(**options)
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    """A page in a brand-new context (no cookies, no cache), Korean locale."""
    return new_context().new_page()
