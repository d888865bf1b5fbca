"""Logins on the real server: the gate in front of every path, the login form with its CSRF token, sessions that end
when the user is disabled, throttling per account and per address, and the audit entries of each."""

from __future__ import annotations

import base64
import csv
import io
import json
import re
import secrets
import time
import urllib.parse
from pathlib import Path

import pytest
import redis
import requests

from data import users
from data.loader import load_dataset
from data.store import Store
from tests.conftest import LoopbackSession, page_body, post_callback, serve


def export_body(action: str | None, username: str | None = None) -> dict:
    """The admin page's CSV export callback, as the browser posts it, with the filters."""
    return {
        "output": "admin-download.data",
        "outputs": {"id": "admin-download", "property": "data"},
        "inputs": [{"id": "admin-csv", "property": "n_clicks", "value": 1}],
        "state": [
            {"id": "admin-filter-user", "property": "value", "value": username},
            {"id": "admin-filter-action", "property": "value", "value": action},
            {"id": "admin-filter-day", "property": "value", "value": None},
        ],
        "changedPropIds": ["admin-csv.n_clicks"],
    }


def admin_log(base: str, admin: requests.Session, action: str, username: str | None = None) -> list[dict[str, str]]:
    """The audit log's entries of `action` (and `username`) as the admin page exports them (CSV, newest first), read
    from the server's store: its drain copies the audit stream there within a second or so."""
    status, answer = post_callback(base, export_body(action, username), admin)
    assert status == 200, answer[:300]
    download = json.loads(answer)["response"]["admin-download"]["data"]
    text = base64.b64decode(download["content"]).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def eventually(read, count: int, seconds: float = 30) -> list[dict[str, str]]:
    """`read()` once it returns at least `count` entries (the drain copies within about a second)."""
    deadline = time.monotonic() + seconds
    while True:
        found = read()
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.3)


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


def test_csrf_refusals_are_audited(live_server: str, http_session) -> None:
    admin = http_session(live_server, "admin")
    before = len(admin_log(live_server, admin, "csrf_refused"))
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
    refused = eventually(lambda: admin_log(live_server, admin, "csrf_refused"), before + 4)
    assert len(refused) == before + 4
    refused = refused[:4]  # newest first: this test's
    assert [e["username"] for e in refused] == ["national", "national", "national", "national"]
    assert {e["target"] for e in refused} == {"/_dash-update-component", "/login", "/logout"}
    assert session.get(live_server + "/", timeout=60).status_code == 200  # still logged in


def test_login_logout_and_failures_are_audited(live_server: str, http_session) -> None:
    admin = http_session(live_server, "admin")
    counts = {
        action: len(admin_log(live_server, admin, action, "press")) for action in ("login", "logout", "login_failed")
    }
    session = http_session(live_server, "press")
    answer = session.post(live_server + "/logout", allow_redirects=False, timeout=60)
    assert answer.status_code == 302 and answer.headers["Location"] == "/login"
    assert session.get(live_server + "/", allow_redirects=False, timeout=60).status_code == 302
    wrong = _post_login(live_server, "press", "not the password")
    assert wrong.status_code == 200 and "không đúng" in wrong.text
    found = {
        action: eventually(lambda action=action: admin_log(live_server, admin, action, "press"), count + 1)
        for action, count in counts.items()
    }
    assert {action: len(entries) for action, entries in found.items()} == {a: c + 1 for a, c in counts.items()}
    login, logout, failed = found["login"][0], found["logout"][0], found["login_failed"][0]
    assert login["role"] == logout["role"] == "press" and login["address"] == "127.0.0.1"
    assert json.loads(login["detail"]) == {"role": "press", "scope": "national"}
    assert json.loads(failed["detail"]) == {"reason": "wrong_password"} and failed["address"] == "127.0.0.1"
    assert failed["role"] == ""  # nobody was logged in
    assert login["logged_at"] < logout["logged_at"] < failed["logged_at"]
    exports = admin_log(live_server, admin, "export", "admin")
    assert exports and json.loads(exports[0]["detail"])["format"] == "csv"  # the export is audited too


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
    admin = http_session(live_server, "admin")
    username = f"leaving{secrets.token_hex(3)}"
    password = secrets.token_urlsafe(12)
    users.add(client, username, "province", "province:79", password)
    session = LoopbackSession()
    assert _post_login(live_server, username, password, session).status_code == 302
    assert session.get(live_server + "/", timeout=60).status_code == 200
    users.disable(client, username)
    assert session.get(live_server + "/", allow_redirects=False, timeout=60).status_code == 302
    assert session.get(live_server + "/_dash-layout", timeout=60).status_code == 401
    refused = _post_login(live_server, username, password)
    assert refused.status_code == 200 and "không đúng" in refused.text
    failed = eventually(lambda: admin_log(live_server, admin, "login_failed", username), 1)
    assert [json.loads(e["detail"]) for e in failed] == [{"reason": "disabled"}]
    ended = admin_log(live_server, admin, "session_ended_disabled", username)
    assert len(ended) == 1  # once: the session is cleared with it
    assert json.loads(ended[0]["detail"]) == {"path": "/"}


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
    users.add(client, "auditor", "admin", None, password)
    admin = LoopbackSession()
    assert _post_login(base, "auditor", password, admin).status_code == 302  # before the address is locked out
    admin.headers["X-CSRFToken"] = admin.cookies.get("_csrf_token")
    users.add(client, "guessed", "province", "province:79", password)
    for _ in range(5):
        assert _post_login(base, "guessed", "wrong password").status_code == 200
    locked = _post_login(base, "guessed", password)  # even the right password waits
    assert locked.status_code == 429 and "thử lại sau" in locked.text
    assert 1 <= int(locked.headers["Retry-After"]) <= 30
    failed = eventually(lambda: admin_log(base, admin, "login_failed", "guessed"), 5)
    assert [json.loads(e["detail"]) for e in failed] == [{"reason": "wrong_password", "locked_for_s": 30}] + [
        {"reason": "wrong_password"}
    ] * 4
    throttled = eventually(lambda: admin_log(base, admin, "login_throttled", "guessed"), 1)
    assert json.loads(throttled[0]["detail"])["locked"] == "user"

    # The address: 20 failures over any names (5 above) lock 127.0.0.1 out, whichever account it tries next.
    for attempt in range(15):
        assert _post_login(base, f"nobody{attempt}", "wrong password").status_code == 200
    users.add(client, "innocent", "press", None, password)
    answer = _post_login(base, "innocent", password)
    assert answer.status_code == 429 and "thử lại sau" in answer.text
    assert 0 < client.pttl("pccovid:login:locked:address:127.0.0.1") <= 30_000
    throttled = eventually(lambda: admin_log(base, admin, "login_throttled", "innocent"), 1)
    assert json.loads(throttled[0]["detail"])["locked"] == "address"
    assert admin.get(base + "/admin", timeout=60).status_code == 200  # a live session is not throttled


def test_the_admin_sees_no_epidemic_page_and_nobody_else_the_admin_page(live_server: str, http_session) -> None:
    admin = http_session(live_server, "admin")
    for path in ("/", "/map", "/trace/1", "/wall"):
        answer = admin.get(live_server + path, allow_redirects=False, timeout=60)
        assert (answer.status_code, answer.headers.get("Location")) == (302, "/admin"), path
    assert post_callback(live_server, page_body("/"), admin)[0] == 403  # a forged router request: refused
    status, body = post_callback(live_server, page_body("/admin"), admin)
    text = json.dumps(json.loads(body), ensure_ascii=False)
    assert status == 200 and "Nhật ký truy cập" in text and "national" in text and "argon2" not in text
    for username in ("national", "province79", "tracer79", "press"):
        session = http_session(live_server, username)
        status, body = post_callback(live_server, page_body("/admin"), session)
        text = json.dumps(json.loads(body), ensure_ascii=False)
        assert status == 200 and "Chỉ quản trị viên" in text and "admin-log" not in text
        status, body = post_callback(live_server, export_body("login"), session)  # forged: the data layer refuses
        assert status == 403 and body.startswith(b"forbidden: ")
        status, body = post_callback(live_server, page_body("/"), session)
        assert status == 200


def test_the_login_sends_nowhere_else_and_echoes_nothing_unescaped(live_server: str, accounts) -> None:
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"):
        session = LoopbackSession()
        token = re.search(r'name="csrf_token" value="([^"]+)"', session.get(live_server + "/login", timeout=60).text)
        login = {"username": "press", "password": accounts["press"], "csrf_token": token.group(1), "next": target}
        answer = session.post(live_server + "/login", data=login, allow_redirects=False, timeout=60)
        assert (answer.status_code, answer.headers["Location"]) == (302, "/"), target
    echoed = _post_login(live_server, '"><script>alert(1)</script>', "wrong password")
    assert "<script>alert(1)</script>" not in echoed.text and "&lt;script&gt;" in echoed.text
    form = requests.get(live_server + "/login", params={"next": '/"><script>x</script>'}, timeout=60)
    assert "<script>x</script>" not in form.text
