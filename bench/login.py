"""The benches log in as the server's users do: a national user of their own, given a new random password in the
server's Redis at each run, and logged in through the real login form (POST /login with its CSRF token)."""

from __future__ import annotations

import re
import secrets

import requests

from data import redis_server, users
from tests.conftest import LoopbackSession

BENCH_USER = "bench-national"
_FORM_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def bench_account(redis_url: str | None = None) -> tuple[str, str]:
    """(username, password) of the bench's national user in the Redis at `redis_url` (None: the embedded server a
    `pccovid serve` without REDIS_URL runs, found through var/valkey)."""
    client = redis_server.client(redis_url)
    password = secrets.token_urlsafe(16)
    try:
        users.add(client, BENCH_USER, "national", None, password)
    except users.UserError:
        users.set_password(client, BENCH_USER, password)
        users.enable(client, BENCH_USER)
    client.close()
    return BENCH_USER, password


def http_session(base: str, account: tuple[str, str]) -> requests.Session:
    """A requests session logged in at `base`, sending the CSRF header Dash callbacks need."""
    session = LoopbackSession()
    token = _FORM_TOKEN.search(session.get(base + "/login", timeout=120).text)
    username, password = account
    answer = session.post(
        base + "/login",
        data={"username": username, "password": password, "csrf_token": token.group(1) if token else ""},
        allow_redirects=False,
        timeout=120,
    )
    if answer.status_code != 302:
        raise RuntimeError(f"the bench's login at {base} was refused: {answer.status_code}")
    session.headers["X-CSRFToken"] = session.cookies.get("_csrf_token") or ""
    return session


def log_in(context, base: str, account: tuple[str, str]):
    """Logs a Playwright browser context in through the login form; returns the context."""
    page = context.new_page()
    page.goto(base + "/login", timeout=120_000)
    page.fill("#username", account[0])
    page.fill("#password", account[1])
    with page.expect_navigation(timeout=120_000):
        page.click("button[type=submit]")
    page.close()
    return context
