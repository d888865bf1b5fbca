"""`pccovid replay` onto the stream and `pccovid writer`: a dataset replayed in arrival order makes the store a file
load makes; `--from` starts at a local day; refusals of the command line are one line, exit 2."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import uuid
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import redis

from scenario.live import StreamSink, replay, timeline
from tests import seed
from tests.stream_seed import EVENT_TABLES

ROOT = Path(__file__).resolve().parents[2]


def pccovid(*args: str, redis_url: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    if redis_url:
        env["REDIS_URL"] = redis_url
    return subprocess.run(
        [sys.executable, "-m", "cli", *args], cwd=ROOT, capture_output=True, text=True, timeout=300, env=env
    )


def test_the_timeline_holds_every_event_in_arrival_order(seed_dir: Path) -> None:
    line = timeline(seed_dir)
    assert len(line) == sum(len(seed.ROWS[name]) for name in EVENT_TABLES)
    assert (line.arrival_us[1:] >= line.arrival_us[:-1]).all()
    events = line.events(0, len(line))
    arrival = {"Checkin": "ts", "Contact": "start_ts", "Test": "result_ts", "Vaccination": "ts", "Declaration": "ts"}
    instants = [getattr(e, arrival[type(e).__name__]) for e in events]
    assert instants == sorted(instants)
    assert sorted(e.event_id for e in events) == sorted(row[0] for name in EVENT_TABLES for row in seed.ROWS[name])
    later = timeline(seed_dir, since=dt.date(2021, 7, 22))
    assert {e.event_id for e in later.events(0, len(later))} == {
        e.event_id for e, at in zip(events, instants, strict=True) if at >= seed.at(22, 0)
    }


def test_a_replay_in_ticks_sends_everything_once(seed_dir: Path, redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url)
    stream = f"pccovid:test-replay:{uuid.uuid4().hex[:8]}"
    sink = StreamSink(client, stream)
    line = timeline(seed_dir)
    # a week of July 2021 in at most a few seconds, in posts of what each tick made due
    sent = replay(line, sink, speed=7 * 86400 / 2, tick_s=0.25, post_events=4)
    assert sent == len(line) == sink.sent.events
    assert sink.sent.posts >= len(line) / 4
    assert client.xlen(stream) == sink.sent.posts
    client.delete(stream)


def test_replay_then_writer_make_the_store_a_file_load_makes(seed_dir: Path, tmp_path: Path, redis_url: str) -> None:
    register = tmp_path / "register"
    register.mkdir()
    for name in ("people", "venues"):
        pq.write_table(seed.table(name), register / f"{name}.parquet")
    streamed, loaded = tmp_path / "streamed.duckdb", tmp_path / "loaded.duckdb"
    assert pccovid("load", str(register), "--db", str(streamed), "--quiet").returncode == 0
    assert pccovid("load", str(seed_dir), "--db", str(loaded), "--quiet").returncode == 0
    stream = f"pccovid:test-replay:{uuid.uuid4().hex[:8]}"
    sent = pccovid("replay", str(seed_dir), "--max", "--stream", stream, "--post-events", "5", redis_url=redis_url)
    assert sent.returncode == 0, sent.stderr
    assert "replay: 32 events in 7 posts" in sent.stdout
    written = pccovid("writer", "--db", str(streamed), "--stream", stream, "--drain", redis_url=redis_url)
    assert written.returncode == 0, written.stderr
    assert "32 events, 32 stored, 0 refused" in written.stdout
    for table in (*EVENT_TABLES, "cases", "ward_day"):
        # Identifiers from this module's list; load ids differ between the two stores.
        query = f"SELECT * EXCLUDE (load_id) FROM {table}" if table in EVENT_TABLES else f"SELECT * FROM {table}"
        with duckdb.connect(str(streamed), read_only=True) as a, duckdb.connect(str(loaded), read_only=True) as b:
            assert sorted(a.execute(query).fetchall(), key=repr) == sorted(b.execute(query).fetchall(), key=repr), table
    assert redis.Redis.from_url(redis_url).xlen(stream) == 0


def test_replay_refusals_are_one_line(seed_dir: Path, tmp_path: Path) -> None:
    no_key = pccovid("replay", str(seed_dir))
    assert no_key.returncode == 2 and no_key.stderr.startswith("pccovid replay: --key")
    no_redis = pccovid("replay", str(seed_dir), "--stream")
    assert no_redis.returncode == 2 and "REDIS_URL" in no_redis.stderr
    missing = pccovid("replay", str(tmp_path / "none"), "--key", "k")
    assert missing.returncode == 2 and "not a folder" in missing.stderr
    no_writer = pccovid("writer", "--db", str(tmp_path / "x.duckdb"))
    assert no_writer.returncode == 2 and "REDIS_URL" in no_writer.stderr
