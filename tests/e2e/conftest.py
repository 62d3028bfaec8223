"""Fixtures for the browser tests: the real demo server, Debian's Chromium, fresh pages.

The whole package skips, with a message, where ``/usr/bin/chromium`` or the ``playwright``
module is missing — except in CI (``CI=true``), which installs both, so there it fails.
"""

from __future__ import annotations

import importlib.util
import os
import secrets
from collections.abc import Iterator

import pytest

from tests.e2e.server import CHROMIUM, CHROMIUM_ARGS, DemoServer, demo_server

REVIEWER = "e2e-reviewer"
TIMEOUT_MS = 10_000


def _missing() -> list[str]:
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"{CHROMIUM} (Debian package chromium, see scripts/system-deps)")
    if importlib.util.find_spec("playwright") is None:
        missing.append("the playwright module (pip install -e '.[test]')")
    return missing


@pytest.fixture(scope="session", autouse=True)
def _browser_available() -> None:
    missing = _missing()
    if not missing:
        return
    message = "browser tests need " + " and ".join(missing)
    if os.environ.get("CI") == "true":
        pytest.fail(message + " — CI installs them, so this is an error", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def reviewer_password() -> str:
    return secrets.token_urlsafe(12)


@pytest.fixture(scope="session")
def demo(tmp_path_factory, reviewer_password: str) -> Iterator[DemoServer]:
    """``lantai demo`` on a free port and a fresh data directory, with a reviewer account."""
    with demo_server(log_dir=tmp_path_factory.mktemp("demo")) as server:
        server.create_user(REVIEWER, reviewer_password, "reviewer")
        yield server


@pytest.fixture(scope="session")
def browser(_browser_available):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, demo: DemoServer):
    """A fresh browser context (no cookies) with the demo as its base URL."""
    context = browser.new_context(base_url=demo.url, locale="zh-CN", accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()
