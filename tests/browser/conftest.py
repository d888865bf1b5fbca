"""Playwright on Debian's Chromium; screenshots kept under tests/artifacts/; console errors fail the test."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from tests.conftest import ARTIFACTS

# A cold first request (queries planned, cache empty) may take a few seconds on this 2-core machine.
expect.set_options(timeout=15_000)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test`, which installs Debian's chromium")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def national_login(browser: Browser, live_server: str, login, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The cookies of the `national` account, logged in once through the real form: every test server of the run
    signs sessions with the same key and reads the same Redis, and cookies ignore the port, so they open them all."""
    context = browser.new_context(locale="vi-VN")
    login(context, live_server, "national")
    path = tmp_path_factory.mktemp("login") / "national.json"
    context.storage_state(path=str(path))
    context.close()
    return str(path)


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict, national_login: str) -> dict:
    """Every test's `page` is logged in as `national` (a test of another role opens its own context and logs in)."""
    return {
        **browser_context_args,
        "viewport": {"width": 1440, "height": 900},
        "locale": "vi-VN",
        "storage_state": national_login,
    }


@pytest.fixture
def console_errors(page: Page) -> list[str]:
    """Errors the page logs or throws; a test asserts this stays empty."""
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def screenshot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
