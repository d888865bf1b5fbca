"""The stream's consumer on a real Valkey server: batches through the consumer group, acknowledged and deleted after the
commit, pending entries of a dead writer claimed and replayed without duplicates."""

from __future__ import annotations

import threading
import time
import uuid

import pytest
import redis

from data.consumer import StreamConsumer, lag_ms
from data.store import Store
from ingest.events import GROUP, Entry, encode
from tests import seed
from tests.stream_seed import EVENT_TABLES, seed_events


@pytest.fixture
def client(redis_url: str) -> redis.Redis:
    return redis.Redis.from_url(redis_url)


@pytest.fixture
def stream(client: redis.Redis) -> str:
    key = f"pccovid:test-ingest:{uuid.uuid4().hex[:8]}"
    yield key
    client.delete(key)


def post(client: redis.Redis, stream: str, events: list, per_entry: int = 5) -> list[bytes]:
    """Appends the events as the API does: one entry per accepted request."""
    return [
        client.xadd(stream, encode(Entry("lab-79", "79", 1_627_000_000_000, events[begin : begin + per_entry])))
        for begin in range(0, len(events), per_entry)
    ]


def counts(store: Store) -> dict[str, int]:
    cur = store.cursor()
    return {t: cur.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in EVENT_TABLES}


def test_the_consumer_commits_then_acknowledges_and_deletes(register_store: Store, client, stream) -> None:
    post(client, stream, seed_events())
    consumer = StreamConsumer(register_store, client, stream=stream, max_events=10)
    consumer.drain()
    assert counts(register_store) == {name: len(seed.ROWS[name]) for name in EVENT_TABLES}
    # batches of at most 10 events, never splitting an entry of 5
    assert max(consumer.stats.batch_events) <= 10 and sum(consumer.stats.batch_events) == len(seed_events())
    assert client.xlen(stream) == 0 and client.xpending(stream, GROUP)["pending"] == 0
    assert lag_ms(client, stream) == 0


def test_entries_of_a_dead_writer_are_claimed_and_replayed_once(register_store: Store, client, stream) -> None:
    events = seed_events()
    post(client, stream, events[:20])
    first = StreamConsumer(register_store, client, stream=stream, consumer="dead-writer")
    first.ensure_group()
    # The dead writer committed these entries and died before acknowledging them; it had also read the rest.
    first._commit(first.read())
    post(client, stream, events[20:])
    client.xreadgroup(GROUP, "dead-writer", {stream: ">"})
    pending = client.xpending(stream, GROUP)["pending"]
    assert pending == len(events[20:]) // 5 + 1
    # The acknowledgement of the first batch never happened: put its entries back as pending.
    again = post(client, stream, events[:20])
    client.xreadgroup(GROUP, "dead-writer", {stream: ">"})
    assert client.xpending(stream, GROUP)["pending"] == pending + len(again)
    assert lag_ms(client, stream) >= 0

    second = StreamConsumer(register_store, client, stream=stream, consumer="new-writer")
    second.drain()
    assert second.stats.replayed == pending + len(again)
    assert counts(register_store) == {name: len(seed.ROWS[name]) for name in EVENT_TABLES}
    cur = register_store.cursor()
    for table in EVENT_TABLES:
        assert cur.execute(f"SELECT count(*) - count(DISTINCT event_id) FROM {table}").fetchall()[0][0] == 0
    assert client.xlen(stream) == 0 and client.xpending(stream, GROUP)["pending"] == 0


def test_a_damaged_entry_is_kept_as_refused_and_the_stream_moves_on(register_store: Store, client, stream) -> None:
    client.xadd(stream, {b"v": b"1", b"e": b"\xc1 not msgpack"})
    client.xadd(stream, {b"v": b"9", b"e": b""})
    post(client, stream, seed_events())
    StreamConsumer(register_store, client, stream=stream).drain()
    assert counts(register_store) == {name: len(seed.ROWS[name]) for name in EVENT_TABLES}
    reasons = register_store.cursor().execute("SELECT reason FROM refused_events ORDER BY entry_id").fetchall()
    assert [r[0].split(":")[0] for r in reasons] == [
        "damaged stream entry",
        "stream entry of format b'9'; this writer reads format b'1'",
    ]
    assert client.xlen(stream) == 0


def test_entries_sent_while_a_batch_commits_join_the_next_batch_at_once(register_store: Store, client, stream) -> None:
    """At a steady feed, an event waits for the batch being committed and its own, not a whole batch more: what
    arrived during the commit is taken into the next batch when the commit ends, not left for the one after."""
    from data.derive.tracing import SERVICE

    events = seed_events()
    gate, first_call = threading.Event(), threading.Event()

    def slow_tracing(con, load_id):  # the first batch's commit holds until the test lets it go
        if not first_call.is_set():
            first_call.set()
            assert gate.wait(30)
        return SERVICE.trace_load(con, load_id)

    consumer = StreamConsumer(register_store, client, stream=stream, max_events=1_000, tracing=slow_tracing)
    post(client, stream, events[:5])
    assert consumer.step() == 1  # batch 1 (5 events) is committing, held in its tracing stage
    assert first_call.wait(30)
    post(client, stream, events[5:10])
    second = threading.Thread(target=consumer.step)
    second.start()  # reads the entry above, then waits for batch 1's commit
    time.sleep(consumer.max_wait_s + 0.3)
    post(client, stream, events[10:20])  # sent during batch 1's commit, after batch 2 was first read
    gate.set()
    second.join(30)
    consumer.drain()
    assert consumer.stats.batch_events[:2] == [5, 15]
    stored = sum(counts(register_store).values())
    assert stored == len(events[:20]) and client.xlen(stream) == 0
