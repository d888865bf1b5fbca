"""`pccovid serve` answers the ingest API on the dashboard's own address, and /health reports the stream's length, the
writer's lag and whether the API reaches Redis."""

from __future__ import annotations

import datetime as dt
import json
import time
import urllib.request
from pathlib import Path

from data.loader import load_dataset
from data.store import Store
from ingest import sites
from tests.conftest import serve
from tests.ingest.conftest import post, queued


def test_serve_answers_the_api_and_health_tells_the_stream(
    ingest_url: str, ingest_redis, seed_dir: Path, tmp_path
) -> None:
    db = tmp_path / "store.duckdb"
    store = Store(db)
    load_dataset(store, seed_dir)
    store.close()
    key = sites.add(ingest_redis, "cho-tan-dinh", "79")
    # Its own Redis database: no other test's server sees these events.
    for base in serve(db, ingest_url, tmp_path):
        with urllib.request.urlopen(base + "/api/v1/openapi.json") as response:
            assert json.loads(response.read())["openapi"].startswith("3.")
        with urllib.request.urlopen(base + "/health") as response:
            before = json.loads(response.read())["data_version"]
        ts = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)).isoformat()
        event = {"type": "checkin", "event_id": 1, "person_id": 1, "venue_id": 1, "ts": ts, "source": "person_scan"}
        deadline = time.monotonic() + 30
        while (found := post(base, {"events": [event]}, key))[0] == 503:  # the reference is exported at start
            assert time.monotonic() < deadline, found
            time.sleep(0.5)
        assert found[:2] == (202, {"accepted": 1, "duplicates": 0, "rejected": []})
        assert [e.person_id for entry in queued(ingest_redis) for e in entry.events] == [1]
        deadline = time.monotonic() + 30
        while True:
            with urllib.request.urlopen(base + "/health") as response:
                found = json.loads(response.read())
            ingest = found["ingest"]
            # The health probe runs every few seconds: it sees the entry queued, or (the server's writer was
            # quicker) stored, acknowledged and deleted, with the store's version moved on.
            if ingest["stream_length"] == 1 or (ingest["stream_length"] == 0 and found["data_version"] != before):
                break
            assert time.monotonic() < deadline, ingest
            time.sleep(0.5)
        assert ingest["redis_ok"] is True
        # Not yet stored (the entry waits: lag since it was queued), or stored already by the server's writer.
        assert (ingest["backlog"], ingest["writer_lag_s"] is None) in ((1, False), (0, True))
        assert ingest["writer_lag_s"] is None or 0 <= ingest["writer_lag_s"] < 60
