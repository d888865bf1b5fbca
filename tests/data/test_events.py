"""The data version feed on the real Redis server: one subscriber per process fans a committed version out to every
waiting reader, reads the current version when it (re)subscribes, and never goes back to an older one."""

from __future__ import annotations

import threading
import uuid

import pytest
import redis

from data import events, runtime
from data.events import VersionFeed, channel, feed

WAIT_S = 10.0  # generous: the machine is shared; nothing here is timed


@pytest.fixture
def client(redis_url: str):
    connection = redis.Redis.from_url(redis_url)
    yield connection
    connection.close()


@pytest.fixture
def store_id() -> str:
    return uuid.uuid4().hex[:12]


def publish(client: redis.Redis, store_id: str, version: int) -> None:
    """What data/runtime.py does after a commit: the version under its key, then the notice on the channel."""
    client.set(f"pccovid:{store_id}:data_version", version)
    client.publish(channel(store_id), version)


def started(client: redis.Redis, store_id: str, current: int = 1) -> VersionFeed:
    found = VersionFeed(client, channel(store_id), lambda: int(client.get(f"pccovid:{store_id}:data_version") or 0))
    client.set(f"pccovid:{store_id}:data_version", current)
    found.start()
    assert found.wait_newer(None, WAIT_S) == current  # subscribed, and the current version read
    return found


def test_one_version_reaches_every_waiting_reader(client: redis.Redis, store_id: str) -> None:
    versions = started(client, store_id)
    received: list[int | None] = []
    lock = threading.Lock()
    waiting = threading.Barrier(9)

    def reader() -> None:
        waiting.wait()
        found = versions.wait_newer(1, WAIT_S)
        with lock:
            received.append(found)

    readers = [threading.Thread(target=reader) for _ in range(8)]
    for thread in readers:
        thread.start()
    waiting.wait()
    publish(client, store_id, 2)
    for thread in readers:
        thread.join(WAIT_S + 5)
    versions.close()
    assert received == [2] * 8


def test_a_reader_up_to_date_waits_and_times_out_with_none(client: redis.Redis, store_id: str) -> None:
    versions = started(client, store_id, current=5)
    assert versions.wait_newer(5, 0.2) is None
    assert versions.wait_newer(4, 0.2) == 5
    versions.close()


def test_only_the_newest_version_counts(client: redis.Redis, store_id: str) -> None:
    versions = started(client, store_id, current=3)
    for version in (4, 5, 6):
        publish(client, store_id, version)
    client.publish(channel(store_id), 2)  # late or stray: older than what is known
    client.publish(channel(store_id), "not a version")
    assert versions.wait_newer(5, WAIT_S) == 6
    publish(client, store_id, 7)
    assert versions.wait_newer(6, WAIT_S) == 7  # the feed lives on after the stray notices
    versions.close()


def test_closing_wakes_the_readers(client: redis.Redis, store_id: str) -> None:
    versions = started(client, store_id)
    woken: list[int | None] = []
    reader = threading.Thread(target=lambda: woken.append(versions.wait_newer(1, 60)))
    reader.start()
    versions.close()
    reader.join(WAIT_S)
    assert not reader.is_alive() and woken == [None] and versions.closed


def test_a_version_committed_while_disconnected_is_read_on_subscribing_again(
    client: redis.Redis, store_id: str
) -> None:
    versions = started(client, store_id)
    killed = client.client_kill_filter(_type="pubsub")  # every subscriber of this Redis, the feed's among them
    assert killed >= 1
    publish(client, store_id, 2)  # announced while the feed has no connection: only the key keeps it
    assert versions.wait_newer(1, WAIT_S + 5) == 2
    publish(client, store_id, 3)
    assert versions.wait_newer(2, WAIT_S) == 3
    versions.close()


def test_the_process_feed_follows_the_open_store(seeded_runtime) -> None:
    found = feed()
    try:
        assert found is not None and found is feed()
        assert found.channel == channel(seeded_runtime.store_id)
        assert found.wait_newer(None, WAIT_S) == runtime.data_version()
    finally:
        events.close()
    assert found.closed
