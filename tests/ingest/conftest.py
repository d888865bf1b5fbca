"""Fixtures of the ingest tests: a Redis database of their own on the session's real server, emptied per test."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pytest
import redis

from ingest.events import STREAM, Entry, decode
from ingest.reference import write_snapshot
from tests.conftest import ROOT, free_port, wait_for

INGEST_DB = 7  # the other tests use database 0 of the same server


@pytest.fixture(autouse=True)
def keys_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """QR private keys of the test's own, never the checkout's var/keys."""
    folder = tmp_path / "qr-keys"
    monkeypatch.setenv("PCCOVID_KEYS_DIR", str(folder))
    return folder


@pytest.fixture
def ingest_url(redis_url: str) -> str:
    url = f"{redis_url.rstrip('/')}/{INGEST_DB}"
    client = redis.Redis.from_url(url)
    client.flushdb()
    client.close()
    return url


@pytest.fixture
def ingest_redis(ingest_url: str):
    client = redis.Redis.from_url(ingest_url)
    yield client
    client.close()


# The reference the API tests run against: people 1 … 1000; venues 77 and 78 in Hồ Chí Minh City (79), 80 in Hà Nội.
PEOPLE = range(1, 1001)
VENUES = {77: 79, 78: 79, 80: 1}


@pytest.fixture
def reference_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "reference"
    write_snapshot(folder, np.array(PEOPLE), np.array(list(VENUES)), np.array(list(VENUES.values())))
    return folder


@pytest.fixture
def ingest_api(ingest_url: str, reference_folder: Path, tmp_path: Path):
    """`pccovid ingest` on a free port (two processes), over the ingest Redis database and the reference above."""
    yield from run_ingest(ingest_url, reference_folder, tmp_path)


def run_ingest(url: str, reference: Path, folder: Path, env: dict[str, str] | None = None, workers: int = 2):
    port = free_port()
    log = (folder / "ingest.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "cli", "ingest", "--port", str(port), "--workers", str(workers)],
        cwd=ROOT,
        env={**os.environ, "REDIS_URL": url, "PCCOVID_REFERENCE_DIR": str(reference), **(env or {})},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/api/v1/openapi.json")
    except RuntimeError:
        process.terminate()
        raise RuntimeError((folder / "ingest.log").read_text()) from None
    try:
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:  # a worker still finishing a request on a loaded machine
            process.kill()
            process.wait(timeout=10)
        log.close()


def post(base: str, body: object, key: str | None, headers: dict[str, str] | None = None) -> tuple[int, dict, dict]:
    """POSTs to /api/v1/events (a dict or list as JSON, bytes as they are): status, JSON body, headers."""
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    sent = {"Content-Type": "application/json", **(headers or {})}
    if key is not None:
        sent["Authorization"] = f"Bearer {key}"
    request = urllib.request.Request(base + "/api/v1/events", data=data, headers=sent, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read()), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read()), dict(error.headers)


def queued(client: redis.Redis) -> list[Entry]:
    """Every entry on the ingest stream, decoded as the writer reads it."""
    return [decode(fields) for _, fields in client.xrange(STREAM)]
