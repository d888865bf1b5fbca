"""The one writer killed (SIGKILL) at random moments, at least 20 times, while a million events of a real scenario arrive
on the stream: after it restarts and drains the stream, every table holds each event sent exactly once and the derived
summaries count each once."""

from __future__ import annotations

import logging
import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
import redis

import scenario
from scenario.live import TABLES, StreamSink, timeline

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
EVENTS = 1_000_000
KILLS = 20


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("crash") / "dataset"
    scenario.generate(folder, **scenario.preset("test"))  # 38,000 people, 1.6 M events over 150 days
    return folder


def start_writer(db: Path, stream: str, redis_url: str, *extra: str) -> subprocess.Popen:
    env = dict(os.environ, REDIS_URL=redis_url)
    command = [sys.executable, "-m", "cli", "writer", "--db", str(db), "--stream", stream, *extra]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def test_a_writer_killed_twenty_times_loses_and_doubles_nothing(dataset: Path, tmp_path: Path, redis_url: str) -> None:
    register = tmp_path / "register"
    register.mkdir()
    for name in ("people", "venues"):
        pq.write_table(pq.read_table(dataset / f"{name}.parquet"), register / f"{name}.parquet")
    db = tmp_path / "store.duckdb"
    loaded = subprocess.run(
        [sys.executable, "-m", "cli", "load", str(register), "--db", str(db), "--quiet"], cwd=ROOT, timeout=300
    )
    assert loaded.returncode == 0

    line = timeline(dataset)
    assert len(line) >= EVENTS
    client = redis.Redis.from_url(redis_url)
    stream = f"pccovid:test-crash:{uuid.uuid4().hex[:8]}"
    sink = StreamSink(client, stream, site="crash-test")
    sent: Counter[str] = Counter()

    def feed() -> None:
        # the API's side: entries of up to 10,000 events, appended while the writer is being killed
        for begin in range(0, EVENTS, 10_000):
            events = line.events(begin, min(begin + 10_000, EVENTS))
            sink.send(events)
            sent.update(type(e).__name__ for e in events)

    feeder = threading.Thread(target=feed, name="crash-test-feeder")
    feeder.start()

    seed = random.randrange(1 << 30)
    chance = random.Random(seed)
    kills = 0
    try:
        while kills < KILLS:
            writer = start_writer(db, stream, redis_url, "--batch-events", "100000")
            assert writer.stdout is not None
            started = writer.stdout.readline()  # printed once the store is open: the writer owns it from here
            assert started.startswith("writer:"), started
            time.sleep(chance.uniform(0.2, 3.0))
            alive = writer.poll() is None
            os.kill(writer.pid, signal.SIGKILL)
            writer.wait(timeout=60)
            assert alive, f"the writer exited by itself: {writer.stdout.read()}"
            kills += 1
            log.info("kill %d (seed %d): stream holds %d entries", kills, seed, client.xlen(stream))
    finally:
        feeder.join()
    assert sink.sent.events == EVENTS

    drain = start_writer(db, stream, redis_url, "--drain", "--batch-events", "100000")
    output, _ = drain.communicate(timeout=600)
    assert drain.returncode == 0, output
    assert client.xlen(stream) == 0
    assert client.xpending(stream, "writer")["pending"] == 0
    client.delete(stream)

    kind_of = dict(zip(("Checkin", "Contact", "Test", "Vaccination", "Declaration"), TABLES, strict=True))
    expected = {kind_of[kind]: n for kind, n in sent.items()}
    with duckdb.connect(str(db), read_only=True) as con:
        for table in TABLES:
            # Identifiers from the contract's table names.
            stored, distinct = con.execute(f"SELECT count(*), count(DISTINCT event_id) FROM {table}").fetchall()[0]
            assert (stored, distinct) == (expected.get(table, 0), expected.get(table, 0)), (table, seed)
        assert con.execute("SELECT count(*) FROM refused_events").fetchall() == [(0,)]
        # A batch committed before a kill and replayed after it was counted once in the summaries.
        summed = con.execute(
            "SELECT sum(checkins), sum(tests), sum(doses), sum(declarations), sum(new_cases) FROM ward_day"
        ).fetchall()[0]
        counted = con.execute(
            "SELECT (SELECT count(*) FROM checkins WHERE direction = 'in'), (SELECT count(*) FROM tests),"
            " (SELECT count(*) FROM vaccinations), (SELECT count(*) FROM declarations), (SELECT count(*) FROM cases)"
        ).fetchall()[0]
        assert summed == counted, seed
        # Every case traced once: a replayed batch traced none again.
        cases = con.execute("SELECT count(*) FROM cases").fetchall()[0][0]
        traces, traced = con.execute("SELECT count(*), count(DISTINCT case_id) FROM traces").fetchall()[0]
        named = con.execute("SELECT count(*) FROM trace_contacts").fetchall()[0][0]
    assert cases > 100 and traces == traced == cases and named > 0, seed
    print(f"crash test: {EVENTS:,} events, {kills} kills (seed {seed}), {cases:,} cases traced, {named:,} F1/F2 named")
