"""/events on a bare Flask app (web/push.py): what a stream sends and when it ends, the bound on open streams, and the
compression that must leave it alone. The feed is fed by hand here; tests/data/test_events.py feeds it from Redis."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import flask
import pytest
import redis

from data.events import VersionFeed
from web import compression, push
from web.push import RETRY_MS, Streams


@pytest.fixture
def versions() -> VersionFeed:
    """A feed that is never started: the test announces versions itself."""
    found = VersionFeed(redis.Redis(), "pccovid:test:changed", lambda: 0)
    found.announce(7)
    return found


def app_with(streams: Streams) -> flask.Flask:
    app = flask.Flask(__name__)
    push.register(app, streams)
    compression.enable(app)
    return app


def events(response) -> Iterator[str]:
    """The chunks the server writes: one event, or one comment, each."""
    for chunk in response.response:
        yield chunk.decode() if isinstance(chunk, bytes) else chunk


def test_a_stream_says_how_to_reconnect_then_sends_the_current_version_then_newer_ones(versions: VersionFeed) -> None:
    client = app_with(Streams(lambda: versions)).test_client()
    response = client.get("/events", headers={"Accept-Encoding": "gzip, br, zstd"}, buffered=False)
    assert response.status_code == 200 and response.mimetype == "text/event-stream"
    assert "Content-Encoding" not in response.headers  # compressed, events would wait in the compressor's buffer
    assert response.headers["Cache-Control"] == "no-store" and response.headers["X-Accel-Buffering"] == "no"
    stream = events(response)
    assert next(stream) == f"retry: {RETRY_MS}\n\n"
    assert next(stream) == "id: 7\ndata: 7\n\n"
    versions.announce(9)
    assert next(stream) == "id: 9\ndata: 9\n\n"
    response.close()


def test_a_reconnecting_page_gets_only_a_version_newer_than_its_last(versions: VersionFeed) -> None:
    client = app_with(Streams(lambda: versions, heartbeat_s=0.1)).test_client()
    response = client.get("/events", headers={"Last-Event-ID": "7"}, buffered=False)
    stream = events(response)
    assert next(stream).startswith("retry:")
    assert next(stream) == ": keep-alive\n\n"  # nothing newer than 7: a heartbeat, not the version again
    versions.announce(8)
    assert next(stream) == "id: 8\ndata: 8\n\n"
    response.close()
    for wrong in ("²", "-1", "x" * 100, "1e3"):  # read as no version: the current one is sent
        response = client.get("/events", headers={"Last-Event-ID": wrong}, buffered=False)
        stream = events(response)
        next(stream)
        assert next(stream) == "id: 8\ndata: 8\n\n", wrong
        response.close()


def test_a_stream_ends_after_its_lifetime_and_gives_its_slot_back(versions: VersionFeed) -> None:
    streams = Streams(lambda: versions, lifetime_s=0.3, check_s=0.05)
    client = app_with(streams).test_client()
    response = client.get("/events", buffered=False)
    assert streams.open == 1
    assert list(events(response)) == [f"retry: {RETRY_MS}\n\n", "id: 7\ndata: 7\n\n"]  # then the stream ends
    response.close()
    assert streams.open == 0


def test_past_the_bound_a_page_is_refused_with_503_until_a_stream_closes(versions: VersionFeed) -> None:
    streams = Streams(lambda: versions, limit=2)
    client = app_with(streams).test_client()
    first, second = (client.get("/events", buffered=False) for _ in range(2))
    assert first.status_code == second.status_code == 200 and streams.open == 2
    refused = client.get("/events")
    assert refused.status_code == 503 and refused.headers["Retry-After"] == "60"
    assert refused.mimetype == "text/plain"  # not an event stream: the browser's EventSource gives up, the page polls
    first.close()
    again = client.get("/events", buffered=False)
    assert again.status_code == 200 and streams.open == 2
    second.close()
    again.close()
    assert streams.open == 0


def test_ending_the_streams_closes_the_open_ones_and_refuses_new_ones(versions: VersionFeed) -> None:
    streams = Streams(lambda: versions, check_s=0.05)
    client = app_with(streams).test_client()
    response = client.get("/events", buffered=False)
    stream = events(response)
    assert next(stream).startswith("retry:") and next(stream).startswith("id: 7")
    streams.end()
    assert list(stream) == []
    response.close()
    assert client.get("/events").status_code == 503


def test_without_a_feed_or_with_a_closed_one_pages_poll(versions: VersionFeed) -> None:
    assert app_with(Streams(lambda: None)).test_client().get("/events").status_code == 503
    versions.close()
    assert app_with(Streams(lambda: versions)).test_client().get("/events").status_code == 503


def test_with_the_directives_feed_every_event_carries_the_version_and_the_directives_sequence() -> None:
    wake = threading.Condition()  # one waiter hears both feeds
    versions = VersionFeed(redis.Redis(), "pccovid:test:changed", lambda: 0, wake)
    sequence = VersionFeed(redis.Redis(), "pccovid:test:directives", lambda: 0, wake)
    versions.announce(7)
    sequence.announce(3)
    client = app_with(Streams(lambda: versions, directives=lambda: sequence, heartbeat_s=0.1)).test_client()
    response = client.get("/events", buffered=False)
    stream = events(response)
    assert next(stream).startswith("retry:")
    assert next(stream) == "id: 7 3\ndata: 7 3\n\n"
    sequence.announce(4)  # a directive action: the version has not moved, the sequence has
    assert next(stream) == "id: 7 4\ndata: 7 4\n\n"
    versions.announce(8)
    assert next(stream) == "id: 8 4\ndata: 8 4\n\n"
    response.close()
    response = client.get("/events", headers={"Last-Event-ID": "8 4"}, buffered=False)
    stream = events(response)
    next(stream)
    assert next(stream) == ": keep-alive\n\n"  # nothing newer than what the page had
    sequence.announce(5)
    assert next(stream) == "id: 8 5\ndata: 8 5\n\n"
    response.close()
