"""Logins on the real server: the gate in front of every path, the login form with its CSRF token, sessions that end
when the user is disabled, throttling per account and per address, and the audit entries of each."""

from __future__ import annotations

import json
import re
import secrets
import urllib.parse
from pathlib import Path

import pytest
import redis
import requests

from data import audit, users
from data.loader import load_dataset
from data.store import Store
from tests.conftest import LoopbackSession, page_body, serve


def audit_entries(client: redis.Redis, since: str, action: str | None = None) -> list[dict[str, str]]:
    """The audit stream's entries after `since` (an entry id), optionally of one action."""
    found = []
    for entry_id, fields in client.xrange(audit.STREAM, min=f"({since}"):
        entry = {k.decode(): v.decode() for k, v in fields.items()}
        entry["id"] = entry_id.decode()
        if action is None or entry["action"] == action:
            found.append(entry)
    return found


def last_id(client: redis.Redis) -> str:
    last = client.xrevrange(audit.STREAM, count=1)
    return last[0][0].decode() if last else "0-0"


def test_anonymous_requests_reach_only_the_login_page_health_and_the_api(live_server: str) -> None:
    anonymous = requests.Session()
    for path in ("/login", "/health", "/assets/app.css", "/assets/logo.svg", "/api/v1/openapi.json"):
        assert anonymous.get(live_server + path, timeout=60).status_code == 200, path
    for path in ("/", "/map?province=79", "/trace/1", "/wall", "/clusters", "/handover", "/admin", "/area/79"):
        answer = anonymous.get(live_server + path, allow_redirects=False, timeout=60)
        assert answer.status_code == 302, path
        assert answer.headers["Location"].startswith("/login?next="), path
    for path in ("/_dash-layout", "/_dash-dependencies", "/events", "/geo/province.x.json", "/assets/pccovid_map.js"):
        assert anonymous.get(live_server + path, timeout=60).status_code == 401, path
    answer = anonymous.post(live_server + "/_dash-update-component", json=page_body("/"), timeout=60)
    assert answer.status_code == 401
    assert anonymous.post(live_server + "/logout", timeout=60).status_code == 401


def test_the_login_page_is_vietnamese_and_its_cookies_are_guarded(live_server: str, http_session) -> None:
    form = requests.get(live_server + "/login", timeout=60)
    assert "Đăng nhập" in form.text and "Tên đăng nhập" in form.text and 'name="csrf_token"' in form.text
    cookie = form.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=Lax" in cookie
    english = requests.get(live_server + "/login", cookies={"pccovid_lang": "en"}, timeout=60)
    assert "Log in" in english.text and "User name" in english.text


def test_a_logged_in_session_reads_pages_and_sends_callbacks_with_its_token(live_server: str, http_session) -> None:
    session = http_session(live_server, "province79")
    assert session.get(live_server + "/", timeout=60).status_code == 200
    answer = session.post(live_server + "/_dash-update-component", json=page_body("/"), timeout=120)
    assert answer.status_code == 200 and b"province79" not in answer.content
    layout = session.get(live_server + "/_dash-layout", timeout=60)
    assert layout.status_code == 200 and "province79" in layout.text  # the header names the user


def test_csrf_refusals_are_audited(live_server: str, http_session, redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url)
    since = last_id(client)
    session = http_session(live_server, "national")
    bare = session.post(
        live_server + "/_dash-update-component", json=page_body("/"), headers={"X-CSRFToken": ""}, timeout=60
    )
    assert bare.status_code == 400 and b"CSRF" in bare.content
    forged = session.post(
        live_server + "/_dash-update-component", json=page_body("/"), headers={"X-CSRFToken": "forged"}, timeout=60
    )
    assert forged.status_code == 400
    tokenless = LoopbackSession()
    tokenless.get(live_server + "/login", timeout=60)
    form = tokenless.post(live_server + "/login", data={"username": "national", "password": "x"}, timeout=60)
    assert form.status_code == 400
    logout = session.post(live_server + "/logout", headers={"X-CSRFToken": ""}, allow_redirects=False, timeout=60)
    assert logout.status_code == 400
    refused = audit_entries(client, since, "csrf_refused")
    assert [e["username"] for e in refused] == ["national", "national", "national", "national"]
    assert {e["target"] for e in refused} == {"/_dash-update-component", "/login", "/logout"}
    assert session.get(live_server + "/", timeout=60).status_code == 200  # still logged in


def test_login_logout_and_failures_are_audited(live_server: str, http_session, accounts, redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url)
    since = last_id(client)
    session = http_session(live_server, "press")
    answer = session.post(live_server + "/logout", allow_redirects=False, timeout=60)
    assert answer.status_code == 302 and answer.headers["Location"] == "/login"
    assert session.get(live_server + "/", allow_redirects=False, timeout=60).status_code == 302
    wrong = _post_login(live_server, "press", "not the password")
    assert wrong.status_code == 401 and "không đúng" in wrong.text
    entries = audit_entries(client, since)
    kinds = [(e["action"], e["username"]) for e in entries if e["username"] == "press"]
    assert kinds == [("login", "press"), ("logout", "press"), ("login_failed", "press")]
    failed = entries[-1]
    assert json.loads(failed["detail"]) == {"reason": "wrong_password"} and failed["address"] == "127.0.0.1"
    assert entries[0]["role"] == "press"


def _post_login(base: str, username: str, password: str, session: requests.Session | None = None) -> requests.Response:
    session = session or LoopbackSession()
    form = session.get(base + "/login", timeout=60)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    return session.post(
        base + "/login",
        data={"username": username, "password": password, "csrf_token": token},
        allow_redirects=False,
        timeout=60,
    )


def test_a_disabled_users_live_session_ends_at_its_next_request(live_server: str, redis_url: str, http_session) -> None:
    client = redis.Redis.from_url(redis_url)
    username = f"leaving{secrets.token_hex(3)}"
    password = secrets.token_urlsafe(12)
    users.add(client, username, "province", "province:79", password)
    session = LoopbackSession()
    assert _post_login(live_server, username, password, session).status_code == 302
    assert session.get(live_server + "/", timeout=60).status_code == 200
    since = last_id(client)
    users.disable(client, username)
    assert session.get(live_server + "/", allow_redirects=False, timeout=60).status_code == 302
    assert session.get(live_server + "/_dash-layout", timeout=60).status_code == 401
    ended = audit_entries(client, since, "session_ended_disabled")
    assert [e["username"] for e in ended] == [username]  # once: the session is cleared with it
    refused = _post_login(live_server, username, password)
    assert refused.status_code == 401
    assert json.loads(audit_entries(client, since, "login_failed")[-1]["detail"]) == {"reason": "disabled"}


@pytest.fixture(scope="module")
def throttled_server(tmp_path_factory: pytest.TempPathFactory, seed_dir: Path, redis_url: str):
    """A server of its own on another Redis database: its lockouts of 127.0.0.1 must not lock the other tests out."""
    folder = tmp_path_factory.mktemp("throttle")
    db = folder / "store.duckdb"
    store = Store(db)
    load_dataset(store, seed_dir)
    store.close()
    own_redis = urllib.parse.urlsplit(redis_url)._replace(path="/5").geturl()
    client = redis.Redis.from_url(own_redis)
    client.flushdb()
    for base in serve(db, own_redis, folder):
        yield base, client
    client.flushdb()


def test_logins_are_throttled_per_account_and_per_address(throttled_server) -> None:
    base, client = throttled_server
    password = secrets.token_urlsafe(12)
    users.add(client, "guessed", "province", "province:79", password)
    for _ in range(5):
        assert _post_login(base, "guessed", "wrong password").status_code == 401
    locked = _post_login(base, "guessed", password)  # even the right password waits
    assert locked.status_code == 429 and "thử lại sau" in locked.text
    assert 1 <= int(locked.headers["Retry-After"]) <= 30
    entries = audit_entries(client, "0-0")
    assert [e["action"] for e in entries] == ["login_failed"] * 5 + ["login_throttled"]
    assert json.loads(entries[-1]["detail"])["locked"] == "user"
    assert json.loads(entries[4]["detail"]) == {"reason": "wrong_password", "locked_for_s": 30}

    # The address: 20 failures over any names (5 above) lock 127.0.0.1 out, whichever account it tries next.
    for attempt in range(15):
        assert _post_login(base, f"nobody{attempt}", "wrong password").status_code == 401
    users.add(client, "innocent", "press", None, password)
    answer = _post_login(base, "innocent", password)
    assert answer.status_code == 429 and "thử lại sau" in answer.text
    last = audit_entries(client, "0-0")[-1]
    assert last["action"] == "login_throttled" and json.loads(last["detail"])["locked"] == "address"
    assert 0 < client.pttl("pccovid:login:locked:address:127.0.0.1") <= 30_000
