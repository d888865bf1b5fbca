"""`pccovid serve` commits the ingest stream itself: events appended to its stream reach the store, derived, and the
data version moves without a load."""

from __future__ import annotations

import json
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


def test_the_server_commits_what_arrives_on_its_stream(tmp_path: Path, redis_url: str) -> None:
    register = tmp_path / "register"
    register.mkdir()
    for name in ("people", "venues"):
        pq.write_table(seed.table(name), register / f"{name}.parquet")
    db = tmp_path / "store.duckdb"
    store = Store(db)
    load_dataset(store, register)
    store.close()
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
