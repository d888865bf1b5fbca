"""Replays a canonical dataset's events in the order they reached the platform, as a live epidemic: posted to the
ingest API as CONTRACT §5 JSON, or appended straight onto the ingest stream (bypassing the API, for tests and benches)."""

from __future__ import annotations

import datetime as dt
import functools
import http.client
import json
import logging
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import msgspec
import numpy as np
import pyarrow as pa
import pyarrow.dataset as ds
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ingest import qr
from ingest.events import STREAM, Checkin, Contact, Declaration, Entry, Event, Test, Vaccination, encode
from scenario.replay import ARRIVAL, table_source

log = logging.getLogger(__name__)

VN = dt.timezone(dt.timedelta(hours=7))
MAX_POST_EVENTS = 10_000  # CONTRACT §5: at most 10,000 events a request
KINDS: dict[str, type] = {
    "checkins": Checkin,
    "contacts": Contact,
    "tests": Test,
    "vaccinations": Vaccination,
    "declarations": Declaration,
}
TABLES = tuple(KINDS)


class ReplayError(RuntimeError):
    """The API refused the replay for good (a bad key, a request it cannot read); the message says why."""


@dataclass
class Timeline:
    """A dataset's events in arrival order: per table its rows, and for the merged order the table and row of each."""

    tables: dict[str, pa.Table]
    arrival_us: np.ndarray  # microseconds since the epoch, sorted
    table_of: np.ndarray  # index into TABLES
    row_of: np.ndarray  # row in that table

    def __len__(self) -> int:
        return len(self.arrival_us)

    def events(self, begin: int, end: int) -> list[Event]:
        """The events begin..end of the timeline as ingest events (msgspec structs), in arrival order."""
        out: list[Event | None] = [None] * (end - begin)
        which, rows = self.table_of[begin:end], self.row_of[begin:end]
        for t, name in enumerate(TABLES):
            positions = np.flatnonzero(which == t)
            if not len(positions):
                continue
            chunk = self.tables[name].take(pa.array(rows[positions]))
            kind = KINDS[name]
            columns = [_values(chunk.column(f)) for f in kind.__struct_fields__]
            for position, values in zip(positions.tolist(), zip(*columns, strict=True), strict=True):
                out[position] = kind(*values)
        return out  # type: ignore[return-value]


def timeline(dataset: Path, since: dt.date | None = None, until: dt.date | None = None) -> Timeline:
    """Every event of the dataset's five event tables whose arrival (scenario/replay.py's ARRIVAL) falls on or after
    local day `since` and before `until`, merged in arrival order (stable: ties keep table, then file, order)."""
    lower = dt.datetime.combine(since, dt.time(), VN) if since else None
    upper = dt.datetime.combine(until, dt.time(), VN) if until else None
    tables, arrivals, table_of, row_of = {}, [], [], []
    for t, name in enumerate(TABLES):
        source = table_source(dataset, name)
        if source is None:
            continue
        data = ds.dataset(source)
        column = ds.field(ARRIVAL[name])
        condition = None
        if lower is not None:
            condition = column >= pa.scalar(lower, pa.timestamp("us", tz="UTC"))
        if upper is not None:
            below = column < pa.scalar(upper, pa.timestamp("us", tz="UTC"))
            condition = below if condition is None else condition & below
        kind = KINDS[name]
        present = set(data.schema.names)
        names = [f for f in kind.__struct_fields__ if f in present]
        table = data.to_table(columns=names, filter=condition)
        if "direction" in kind.__struct_fields__ and "direction" not in present:
            table = table.append_column("direction", pa.array(["in"] * table.num_rows))
        tables[name] = table.combine_chunks()  # `take` on one chunk, not hundreds
        at = table.column(ARRIVAL[name]).cast(pa.timestamp("us", tz="UTC")).cast(pa.int64())
        arrivals.append(at.to_numpy())
        table_of.append(np.full(table.num_rows, t, np.int8))
        row_of.append(np.arange(table.num_rows, dtype=np.int64))
    if not tables:
        raise ValueError(f"{dataset}: no event tables (checkins, contacts, tests, vaccinations, declarations)")
    arrival = np.concatenate(arrivals)
    order = np.argsort(arrival, kind="stable")
    return Timeline(tables, arrival[order], np.concatenate(table_of)[order], np.concatenate(row_of)[order])


_from_seconds = functools.partial(dt.datetime.fromtimestamp, tz=dt.UTC)


def _values(column: pa.ChunkedArray) -> list:
    """A column as Python values; instants through float seconds, several times faster than Arrow's own conversion
    (exact to the microsecond for the epidemic's dates)."""
    if pa.types.is_timestamp(column.type):
        seconds = column.cast(pa.timestamp("us", tz="UTC")).cast(pa.int64()).to_numpy() / 1e6
        return list(map(_from_seconds, seconds.tolist()))
    return column.to_pylist()


class Sink(Protocol):
    def send(self, events: list[Event]) -> None: ...


@dataclass
class Sent:
    """What a sink was told: posts, events, and the API's answers (accepted, duplicates, rejected, retries)."""

    posts: int = 0
    events: int = 0
    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0
    retries: int = 0
    reasons: dict[str, int] = field(default_factory=dict)


class StreamSink:
    """Appends each post as one entry on the ingest stream, as the API does after its checks: bypasses the API (its
    keys, QR tokens, limits), for the writer's tests and benches."""

    def __init__(self, client, stream: str = STREAM, site: str = "replay", province: str = "") -> None:
        self.client, self.stream, self.site, self.province = client, stream, site, province
        self.sent = Sent()

    def send(self, events: list[Event]) -> None:
        entry = Entry(self.site, self.province, int(time.time() * 1000), events)
        self.client.xadd(self.stream, encode(entry))
        self.sent.posts += 1
        self.sent.events += len(events)
        self.sent.accepted += len(events)


class QrTokens:
    """The personal QR tokens (CONTRACT §6) a replay's venue scanners read, signed by the active key: one per person
    for the replay's run, since a person shows the same token at every venue and a signature costs about 55 µs (the
    API's first verification of a token about 175 µs, later ones well under 1 µs: it remembers good tokens). The
    remembered tokens are bounded as the API's are: past MAX_REMEMBERED people, they are signed afresh."""

    MAX_REMEMBERED = 1_000_000  # about 120 MB of tokens

    def __init__(self, key_id: int, private: Ed25519PrivateKey, valid_days: int = 30) -> None:
        self.key_id, self._private = key_id, private
        # The API checks a token's expiry against the scan's time; the replay's scans are in the past.
        self._expires = dt.datetime.now(dt.UTC) + dt.timedelta(days=valid_days)
        self._issued: dict[int, str] = {}

    def __call__(self, person_id: int) -> str:
        token = self._issued.get(person_id)
        if token is None:
            if len(self._issued) >= self.MAX_REMEMBERED:
                self._issued.clear()
            token = self._issued[person_id] = qr.sign(self._private, self.key_id, person_id, self._expires)
        return token

    def __len__(self) -> int:
        return len(self._issued)


class HttpSink:
    """Posts each batch to the ingest API (`POST /api/v1/events`, CONTRACT §5) on one kept-alive connection, waiting as
    told by Retry-After on 429 and 503; any other refusal of a whole request stops the replay. With `tokens`, a venue's
    scan is posted as the venue's scanner sends it, with the person's QR token (which the API verifies) in place of
    the person's id; without, as the person's own scan of the venue's code."""

    def __init__(
        self,
        url: str,
        key: str,
        *,
        tokens: QrTokens | None = None,
        timeout_s: float = 60,
        max_wait_s: float = 300,
    ) -> None:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"--url {url!r} is not an http(s) address such as http://127.0.0.1:8050")
        self._https = parts.scheme == "https"
        self._host, self._port = parts.hostname, parts.port
        self._path = parts.path.rstrip("/") + "/api/v1/events"
        self._headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
        self._timeout_s, self._max_wait_s = timeout_s, max_wait_s
        self.tokens = tokens
        self._connection: http.client.HTTPConnection | None = None
        self.sent = Sent()

    def _connect(self) -> http.client.HTTPConnection:
        if self._connection is None:
            kind = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
            self._connection = kind(self._host, self._port, timeout=self._timeout_s)
        return self._connection

    def send(self, events: list[Event]) -> None:
        body = posted_body(events, self.tokens)
        waited = 0.0
        while True:
            reused = self._connection is not None
            try:
                connection = self._connect()
                connection.request("POST", self._path, body=body, headers=self._headers)
                response = connection.getresponse()
                status, answer, retry_after = response.status, response.read(), response.getheader("Retry-After")
            except (OSError, http.client.HTTPException) as error:
                self._connection = None
                if reused:  # a kept-alive connection the server closed while idle: a new one at once
                    continue
                # The API restarting: a new connection, after a pause.
                status, answer, retry_after = 0, str(error).encode(), "1"
            if status == 202:
                break
            if status in (0, 429, 503) and waited < self._max_wait_s:
                pause = _seconds(retry_after)
                self.sent.retries += 1
                time.sleep(pause)
                waited += pause
                continue
            raise ReplayError(f"the API answered {status or 'nothing'}: {answer[:300].decode(errors='replace')}")
        result = json.loads(answer)
        self.sent.posts += 1
        self.sent.events += len(events)
        self.sent.accepted += int(result.get("accepted", 0))
        self.sent.duplicates += int(result.get("duplicates", 0))
        for refused in result.get("rejected", []):
            self.sent.rejected += 1
            reason = str(refused.get("reason", ""))
            self.sent.reasons[reason] = self.sent.reasons.get(reason, 0) + 1


_json = msgspec.json.Encoder()


def posted_body(events: list[Event], tokens: Callable[[int], str] | None = None) -> bytes:
    """A `POST /api/v1/events` body (CONTRACT §5) of these events, as a site posts them; with `tokens` (person id ->
    personal QR token), venue scans carry the scanned token instead of the person id."""
    return _json.encode({"events": [_as_posted(e, tokens) for e in events]})


class _ScannedCheckin(msgspec.Struct, tag="checkin", tag_field="type", frozen=True):
    """A check-in as a venue's scanner posts it (CONTRACT §5): the person's QR token, no person id."""

    event_id: int
    venue_id: int
    ts: dt.datetime
    qr: str
    source: str = "venue_scan"
    direction: str = "in"


def _as_posted(event: Event, tokens: Callable[[int], str] | None) -> Event | _ScannedCheckin:
    if isinstance(event, Checkin) and event.source == "venue_scan":
        if tokens is not None:
            return _ScannedCheckin(
                event.event_id, event.venue_id, event.ts, tokens(event.person_id), direction=event.direction
            )
        # No signing key at hand (a replay to someone else's API): the person's own scan of the venue's code.
        return msgspec.structs.replace(event, source="person_scan")
    return event


def _seconds(retry_after: str | None) -> float:
    try:
        return min(60.0, max(0.05, float(retry_after))) if retry_after else 1.0
    except ValueError:
        return 1.0


def replay(
    line: Timeline,
    sink: Sink,
    *,
    speed: float = 60,
    post_events: int = MAX_POST_EVENTS,
    tick_s: float = 1.0,
    progress: Callable[[int, int], None] | None = None,
    clock: Callable[[], float] = time.monotonic,
    stop: Callable[[], bool] = lambda: False,
) -> int:
    """Sends the timeline's events in order: `speed` epidemic seconds per wall second (60: an hour a minute), each post
    holding what became due within `tick_s` (at most `post_events`); speed 0 sends as fast as the sink takes them.
    Returns the events sent."""
    n = len(line)
    if not n:
        return 0
    started, origin = clock(), int(line.arrival_us[0])
    begin = 0
    while begin < n and not stop():
        if speed > 0:
            due_us = origin + int((clock() - started + tick_s) * speed * 1_000_000)
            end = int(np.searchsorted(line.arrival_us, due_us, side="right"))
            if end <= begin:
                wait = (int(line.arrival_us[begin]) - origin) / speed / 1_000_000 - (clock() - started)
                time.sleep(min(max(wait, 0.01), tick_s))
                continue
        else:
            end = n
        end = min(end, begin + post_events)
        sink.send(line.events(begin, end))
        begin = end
        if progress is not None:
            progress(begin, n)
    return begin
