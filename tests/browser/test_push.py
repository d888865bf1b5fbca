"""A new data version reaches an open page by push, at once, without a reload and without a poll; the event streams
are bounded on the real server (gunicorn gthread), past which a page is refused and keeps polling."""

from __future__ import annotations

import json
import socket
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import NamedTuple

import pytest
import redis
from playwright.sync_api import Page, Request, expect

from components import ids
from data.events import channel
from data.loader import load_dataset
from data.store import Store
from tests.browser.conftest import screenshot
from tests.conftest import serve
from web.push import LIMIT

pytestmark = pytest.mark.browser


class Server(NamedTuple):
    base: str
    store_id: str
    redis: redis.Redis
    cookie: str  # a logged-in session's Cookie header, for the raw event streams below


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, seed_dir: Path, redis_url: str, http_session):
    """A server of its own, on a store of its own (its own Redis channel): the versions published here reach no
    other test's pages."""
    folder = tmp_path_factory.mktemp("push")
    db = folder / "store.duckdb"
    store = Store(db)
    load_dataset(store, seed_dir)
    store_id = store.store_id
    store.close()
    running = serve(db, redis_url, folder)
    client = redis.Redis.from_url(redis_url)
    base = next(running)
    session = http_session(base, "national")
    cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
    yield Server(base, store_id, client, cookie)
    client.close()
    next(running, None)


def publish(server: Server, version: int) -> None:
    """What the server's writer does after a commit (data/runtime.py): the version under its key, then the notice."""
    server.redis.set(f"pccovid:{server.store_id}:data_version", version)
    server.redis.publish(channel(server.store_id), version)


def is_poll(request: Request) -> bool:
    """The shell's fallback: the refresh timer's tick asking the server for the data version."""
    if urllib.parse.urlsplit(request.url).path != "/_dash-update-component" or not request.post_data:
        return False
    return f"{ids.REFRESH}.n_intervals" in json.loads(request.post_data).get("changedPropIds", [])


def test_a_new_version_reaches_an_open_page_without_reload_or_poll(
    server: Server, page: Page, console_errors: list[str]
) -> None:
    polls: list[str] = []
    page.on("request", lambda request: polls.append(request.url) if is_poll(request) else None)
    with page.expect_response(lambda r: r.url == server.base + "/events" and r.status == 200):
        page.goto(server.base + "/")
    badge = page.locator(f"#{ids.VERSION_BADGE}")
    expect(badge).to_have_text("Dữ liệu phiên bản 1")
    expect(page.locator("[data-metric=cases] .figure")).to_have_text("3")
    page.evaluate("window.pccovidSamePage = true")  # gone if the page reloads

    publish(server, 2)
    expect(badge).to_have_text("Dữ liệu phiên bản 2", timeout=10_000)
    publish(server, 3)
    expect(badge).to_have_text("Dữ liệu phiên bản 3", timeout=10_000)
    assert page.evaluate("window.pccovidSamePage === true")
    assert polls == []  # pushed: the fallback poll (every 60 s while the stream is up) did not bring it
    expect(page.locator("[data-metric=cases] .figure")).to_have_text("3")  # the page redrew for version 3
    screenshot(page, "push-overview")
    assert console_errors == []


def open_stream(server: Server) -> tuple[socket.socket, str]:
    """An event stream as a logged-in browser opens one; the socket (held open) and the status line."""
    host, port = server.base.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=30)
    sock.sendall(
        b"GET /events HTTP/1.1\r\nHost: "
        + host.encode()
        + b"\r\nAccept: text/event-stream\r\nCookie: "
        + server.cookie.encode()
        + b"\r\n\r\n"
    )
    return sock, sock.recv(4096).split(b"\r\n", 1)[0].decode()


def hold_every_stream(server: Server) -> list[tuple[socket.socket, str]]:
    """LIMIT open streams, once the streams of pages closed before (another test's) have been given back."""
    held: list[tuple[socket.socket, str]] = []
    deadline = time.monotonic() + 30
    while len(held) < LIMIT and time.monotonic() < deadline:
        sock, status = open_stream(server)
        if status == "HTTP/1.1 200 OK":
            held.append((sock, status))
        else:
            sock.close()
            time.sleep(0.2)
    return held


def test_streams_are_bounded_and_a_closed_page_gives_its_stream_back(server: Server) -> None:
    held = hold_every_stream(server)
    try:
        assert len(held) == LIMIT
        refused, status = open_stream(server)
        refused.close()
        assert status.startswith("HTTP/1.1 503")
        with urllib.request.urlopen(server.base + "/health", timeout=30) as response:
            assert response.status == 200  # the other threads still answer
        held.pop()[0].close()  # a page goes away: the server notices and frees its stream
        deadline = time.monotonic() + 30
        while (status := open_stream(server))[1] != "HTTP/1.1 200 OK" and time.monotonic() < deadline:
            status[0].close()
            time.sleep(0.2)
        held.append(status)
        assert status[1] == "HTTP/1.1 200 OK"
    finally:
        for sock, _status in held:
            sock.close()


def test_a_page_refused_a_stream_polls_then_takes_a_stream_once_one_is_free(server: Server, page: Page) -> None:
    held = hold_every_stream(server)
    try:
        assert len(held) == LIMIT
        polls: list[str] = []
        page.on("request", lambda request: polls.append(request.url) if is_poll(request) else None)
        with page.expect_response(lambda r: r.url == server.base + "/events" and r.status == 503):
            page.goto(server.base + "/")
        badge = page.locator(f"#{ids.VERSION_BADGE}")
        version = int(badge.text_content().rsplit(" ", 1)[1])
        publish(server, version + 1)
        expect(badge).to_have_text(f"Dữ liệu phiên bản {version + 1}", timeout=40_000)  # by the fallback poll
        assert polls
    finally:
        for sock, _status in held:
            sock.close()
    # At its next poll the page tries the stream again, gets one, and from then on is pushed to.
    with page.expect_response(lambda r: r.url == server.base + "/events" and r.status == 200, timeout=40_000):
        pass
    polls.clear()
    publish(server, version + 2)
    expect(badge).to_have_text(f"Dữ liệu phiên bản {version + 2}", timeout=10_000)
    assert polls == []
