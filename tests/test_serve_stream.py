"""`pccovid serve` commits the ingest stream itself: events appended to its stream reach the store, derived, and the
data version moves without a load."""

from __future__ import annotations

import json
import subprocess
import threading
import time
import urllib.request
import uuid
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import redis

from data.loader import load_dataset
from data.store import Store
from ingest.events import Entry, encode
from tests import seed
from tests.conftest import serve
from tests.stream_seed import EVENT_TABLES, seed_events


def health(base: str) -> dict:
    with urllib.request.urlopen(base + "/health", timeout=10) as response:
        return json.loads(response.read())


def register_store(folder: Path) -> Path:
    """A store holding the seed's people and venues only (the register the events refer to)."""
    register = folder / "register"
    register.mkdir()
    for name in ("people", "venues"):
        pq.write_table(seed.table(name), register / f"{name}.parquet")
    db = folder / "store.duckdb"
    store = Store(db)
    load_dataset(store, register)
    store.close()
    return db


def test_the_server_commits_what_arrives_on_its_stream(tmp_path: Path, redis_url: str) -> None:
    db = register_store(tmp_path)
    stream = f"pccovid:test-serve:{uuid.uuid4().hex[:8]}"
    client = redis.Redis.from_url(redis_url)
    server = serve(db, redis_url, tmp_path, env={"PCCOVID_STREAM": stream})
    base = next(server)
    try:
        before = health(base)["data_version"]
        events = seed_events()
        for begin in range(0, len(events), 8):
            client.xadd(stream, encode(Entry("lab-79", "79", int(time.time() * 1000), events[begin : begin + 8])))
        deadline = time.monotonic() + 120
        while client.xlen(stream) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert client.xlen(stream) == 0
        # /health reads the version from its probe, a few seconds behind
        while health(base)["data_version"] == before and time.monotonic() < deadline:
            time.sleep(0.5)
        assert health(base)["data_version"] > before
    finally:
        next(server, None)
        client.delete(stream)
    with duckdb.connect(str(db), read_only=True) as con:
        for table in EVENT_TABLES:
            # Identifiers from the contract's table names.
            assert con.execute(f"SELECT count(*) FROM {table}").fetchall() == [(len(seed.ROWS[table]),)], table
        assert con.execute("SELECT count(*) FROM cases").fetchall()[0][0] > 0


def test_serve_replay_posts_the_last_days_through_its_own_api(tmp_path: Path, redis_url: str) -> None:
    """`make run`'s live epidemic: `serve --replay DIR` registers the replay's site anew, hands its key to the replay
    in the environment only (never on a command line, which `ps` shows), and the replayed events reach the store
    through the server's own API and writer."""
    dataset = seed.write_seed(tmp_path / "dataset")
    db = register_store(tmp_path)
    stream = f"pccovid:test-replay:{uuid.uuid4().hex[:8]}"
    client = redis.Redis.from_url(redis_url)
    # The replay starts as soon as the server listens, maybe before it answers /health: `ps` is watched from the
    # start, as anyone on the machine could.
    seen: list[str] = []
    watching = threading.Event()

    def watch() -> None:
        while not watching.is_set():
            seen.extend(line for line in _commands() if "cli replay" in line and str(dataset) in line)
            time.sleep(0.1)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    server = serve(
        db,
        redis_url,
        tmp_path,
        env={"PCCOVID_STREAM": stream, "PCCOVID_SITE_KEY": "", "PCCOVID_KEYS_DIR": str(tmp_path / "keys")},
        args=["--replay", str(dataset), "--replay-last-days", "5", "--replay-speed", "50000"],
    )
    next(server)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not (
            seen and not any("cli replay" in line and str(dataset) in line for line in _commands())
        ):
            time.sleep(0.2)  # until the replay (about 9 s) has run and ended
        while client.xlen(stream) and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(1.0)  # the writer's last commit
        watching.set()
        assert seen, "the replay was not started"
        assert all("--key" not in line and "PCCOVID_SITE_KEY" not in line for line in seen), seen[:3]
    finally:
        next(server, None)
        client.delete(stream)
    with duckdb.connect(str(db), read_only=True) as con:
        sources = [row[0] for row in con.execute("SELECT source FROM loads ORDER BY load_id").fetchall()]
        stored = con.execute("SELECT count(*) FROM checkins").fetchall()[0][0]
    assert any(source.startswith("stream ") for source in sources), sources
    assert 0 < stored <= len(seed.ROWS["checkins"])


def _commands() -> list[str]:
    """Every process's command line, as `ps` shows them to anyone on the machine."""
    # Unlimited width (-ww): ps otherwise cuts lines at $COLUMNS, which pytest sets.
    return subprocess.run(["ps", "-eww", "-o", "args"], capture_output=True, text=True, check=True).stdout.splitlines()
