"""POST /api/v1/events and GET /api/v1/openapi.json (CONTRACT §5) as a Flask blueprint: mounted by `pccovid serve`
on the dashboard's own address and by `pccovid ingest` on its own.

Why Flask and msgspec: the dashboard is Flask under gunicorn already, so the API joins it as a blueprint with no
second server or event loop; msgspec decodes and checks a 10,000-event body several times faster than pydantic or
the json module, and its types generate the OpenAPI document (ingest/schema.py).

A request goes: site key -> size (Content-Length, then a capped read) -> the site's rate so far -> back-pressure ->
decode and check every event (ingest/validate.py) -> one Redis round trip for the rate and recent duplicates -> one
script that appends the good events to the stream as one entry, remembers their ids and counts QR refusals -> 202.
Redis answers a write only once it is in the append-only file (data/redis_server.py), so a 202 is durable.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
import time
from pathlib import Path

import flask
import msgspec
import redis

from data.config import reference_dir
from data.redis_server import ensure_redis_url
from ingest import events, keys, schema, stream, validate
from ingest.qr import Verifier
from ingest.reference import Reference
from ingest.schema import Accepted, Problem
from ingest.sites import Site, SiteBook

log = logging.getLogger(__name__)

# Recent event ids, per table and minute, so an event sent again (a scanner retrying after a timeout) is counted as
# a duplicate and not queued twice. A hint only: the writer's idempotency by event_id is what stores it once. The
# sets carry a time to live, so they are what Redis evicts first when memory runs short, never the stream.
SEEN_BUCKET_S = 60
SEEN_KEEP_S = 3 * SEEN_BUCKET_S
KEYS_CHECK_S = 2.0  # how soon a rotated or retired QR key reaches this process
PRESSURE_CHECK_S = 0.25


def _max_backlog() -> int:
    """Entries the writer has not acknowledged beyond which the API answers 503 (PCCOVID_STREAM_MAX_BACKLOG)."""
    return int(os.environ.get("PCCOVID_STREAM_MAX_BACKLOG") or 5_000)


MAX_MEMORY_SHARE = 0.85  # of Redis's maxmemory: past it, 503 before Redis must refuse writes


class Answer(Exception):
    """An answer other than 202, with its status, reason and Retry-After."""

    def __init__(self, status: int, error: str, retry_after: int | None = None) -> None:
        super().__init__(error)
        self.status, self.error, self.retry_after = status, error, retry_after


class IngestService:
    """One per process: the Redis client, the site book, the QR key ring, the reference snapshot."""

    def __init__(self, redis_url: str, reference_folder: Path, stream_key: str | None = None) -> None:
        self.client = redis.Redis.from_url(redis_url, socket_timeout=2, socket_connect_timeout=1)
        self.sites = SiteBook(self.client)
        self.reference = Reference(reference_folder)
        self.verifier = Verifier({}, refresh=lambda: keys.public_keys(self.client))
        self.stream_key = stream_key or stream.stream_key()
        self.max_backlog = _max_backlog()
        self._keys_checked = -KEYS_CHECK_S
        self._pressure: tuple[float, str | None] = (-PRESSURE_CHECK_S, None)
        self._over_rate: dict[str, int] = {}  # site -> the second in which it went over its rate
        self._check = self.client.register_script(_CHECK)
        self._append = self.client.register_script(_APPEND)
        self._lock = threading.Lock()
        self._keys_lock = threading.Lock()

    def _refresh_keys(self) -> None:
        if time.monotonic() - self._keys_checked >= KEYS_CHECK_S:
            # Marked checked only once the keys are in: a thread arriving meanwhile waits rather than verifying
            # against the empty ring of a new process (its tokens would read as signed by an unknown key).
            with self._keys_lock:
                if time.monotonic() - self._keys_checked >= KEYS_CHECK_S:
                    self.verifier.replace_keys(keys.public_keys(self.client))
                    self._keys_checked = time.monotonic()

    def back_pressure(self) -> str | None:
        """Why the queue takes nothing now (its backlog or Redis's memory), or None; asked at most every 0.25 s."""
        checked, reason = self._pressure
        now = time.monotonic()
        if now - checked < PRESSURE_CHECK_S:
            return reason
        with self._lock:
            checked, reason = self._pressure
            if now - checked < PRESSURE_CHECK_S:
                return reason
            found = stream.status(self.client, self.stream_key)
            memory = self.client.info("memory")
            reason = None
            if found.backlog > self.max_backlog:
                reason = (
                    f"the queue holds {found.backlog:,} requests the writer has not stored (bound {self.max_backlog:,})"
                )
            elif memory.get("maxmemory") and memory["used_memory"] > MAX_MEMORY_SHARE * memory["maxmemory"]:
                reason = "the queue's memory is nearly full"
            if found.trim_below:
                # Entries every consumer group acknowledged are stored: they leave the stream's memory.
                self.client.xtrim(self.stream_key, minid=found.trim_below, approximate=False)
            self._pressure = (now, reason)
            return reason

    def post(self, request: flask.Request) -> Accepted:
        header = request.headers.get("Authorization", "")
        scheme, _, key = header.partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            raise Answer(401, "missing site key: send the header Authorization: Bearer <site key>")
        site = self.sites.site(key.strip())
        if site is None:
            raise Answer(401, "unknown or revoked site key")
        if request.content_length is not None and request.content_length > schema.MAX_BYTES:
            raise Answer(413, f"{request.content_length:,} bytes; at most {schema.MAX_BYTES:,} a request")
        body = request.stream.read(schema.MAX_BYTES + 1)
        if len(body) > schema.MAX_BYTES:
            raise Answer(413, f"more than {schema.MAX_BYTES:,} bytes; at most {schema.MAX_BYTES:,} a request")
        second = int(time.time())
        if self._over_rate.get(site.name) == second:
            raise Answer(429, f"site {site.name} is over its {site.rate:,} events a second", retry_after=1)
        pressure = self.back_pressure()
        if pressure:
            raise Answer(503, f"{pressure}; nothing was queued", retry_after=5)
        snapshot = self.reference.current()
        if snapshot is None:
            raise Answer(503, "the reference data (people and venues) is not exported yet; nothing was queued", 10)
        self._refresh_keys()
        now = dt.datetime.now(dt.UTC)
        try:
            read = validate.read(body, site, snapshot, self.verifier, now)
        except validate.BadRequest as error:
            raise Answer(400, str(error)) from None
        except validate.TooLarge as error:
            raise Answer(413, str(error)) from None
        posted = len(read.good) + len(read.rejected) + read.duplicates
        good, duplicates = self._first_sightings(site, second, posted, read.good)
        if good or read.qr_refused:
            self._queue(site, good, read.qr_refused, second)
        return Accepted(len(good), read.duplicates + duplicates, read.rejected)

    def _seen_keys(self, table: str, second: int) -> tuple[str, str]:
        bucket = second // SEEN_BUCKET_S
        return f"pccovid:ingest:seen:{table}:{bucket}", f"pccovid:ingest:seen:{table}:{bucket - 1}"

    def _first_sightings(
        self, site: Site, second: int, posted: int, good: list[events.Event]
    ) -> tuple[list[events.Event], int]:
        """Counts the site's events against its rate and drops events queued in the last minutes (duplicates)."""
        by_table: dict[str, list[events.Event]] = {}
        for event in good:
            by_table.setdefault(schema.TABLE_OF_TAG[event.__struct_config__.tag], []).append(event)
        rate_key = f"pccovid:ingest:rate:{site.name}:{second}"
        seen_keys = [key for table in by_table for key in self._seen_keys(table, second)]
        ids = [",".join(str(e.event_id) for e in found) for found in by_table.values()]
        answer = self._check(keys=[rate_key, *seen_keys], args=[posted, *ids])
        if int(answer[0]) > site.rate:
            self._over_rate[site.name] = second
            raise Answer(429, f"site {site.name} is over its {site.rate:,} events a second", retry_after=1)
        fresh: list[events.Event] = []
        duplicates = 0
        for found, flags in zip(by_table.values(), answer[1:], strict=True):
            for event, flag in zip(found, flags, strict=True):
                if flag == 49:  # b"1": seen
                    duplicates += 1
                else:
                    fresh.append(event)
        return fresh, duplicates

    def _queue(self, site: Site, good: list[events.Event], qr_refused: dict[str, int], second: int) -> None:
        """One script, atomic: the entry, the ids it carries, the QR refusal counters; all of it or none of it."""
        fields = {b"v": b"", b"e": b""}
        by_table: dict[str, list[str]] = {}
        if good:
            fields = events.encode(events.Entry(site.name, site.province, int(time.time() * 1000), good))
            for event in good:
                by_table.setdefault(schema.TABLE_OF_TAG[event.__struct_config__.tag], []).append(str(event.event_id))
        seen_keys = [self._seen_keys(table, second)[0] for table in by_table]
        refused = [x for reason, count in qr_refused.items() for x in (reason, count)]
        self._append(
            keys=[self.stream_key, keys.REFUSED, *seen_keys],
            args=[
                fields[b"v"],
                fields[b"e"],
                SEEN_KEEP_S,
                len(seen_keys),
                *(",".join(i) for i in by_table.values()),
                *refused,
            ],
        )


# Ids travel as one comma-separated argument per table, answered by one string of 0/1 flags: redis-py packing and
# parsing 10,000 arguments and replies a request cost more than everything else the API does.
_CHECK = """
local posted = redis.call('INCRBY', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[1], 5)
local answer = {posted}
for t = 2, #ARGV do
    local now, before = KEYS[2 * t - 2], KEYS[2 * t - 1]
    local flags = {}
    for id in string.gmatch(ARGV[t], '[^,]+') do
        if redis.call('SISMEMBER', now, id) == 1 or redis.call('SISMEMBER', before, id) == 1 then
            flags[#flags + 1] = '1'
        else
            flags[#flags + 1] = '0'
        end
    end
    answer[#answer + 1] = table.concat(flags)
end
return answer
"""

# The entry and the ids it carries are written together (a script runs whole, and its writes reach the AOF as one
# transaction), so an id is remembered only if its event is queued: a duplicate dropped later is never a loss.
_APPEND = """
if ARGV[1] ~= '' then
    redis.call('XADD', KEYS[1], '*', 'v', ARGV[1], 'e', ARGV[2])
end
local tables = tonumber(ARGV[4])
for t = 1, tables do
    local key, ids = KEYS[2 + t], {}
    for id in string.gmatch(ARGV[4 + t], '[^,]+') do
        ids[#ids + 1] = id
        if #ids == 1000 then
            redis.call('SADD', key, unpack(ids))
            ids = {}
        end
    end
    if #ids > 0 then
        redis.call('SADD', key, unpack(ids))
    end
    redis.call('EXPIRE', key, ARGV[3])
end
for r = 5 + tables, #ARGV, 2 do
    redis.call('HINCRBY', KEYS[2], ARGV[r], ARGV[r + 1])
end
return 1
"""


_service: IngestService | None = None
_service_lock = threading.Lock()


def service() -> IngestService:
    """The process's service, made on first use (after gunicorn forked, so no connection crosses a fork)."""
    global _service
    with _service_lock:
        if _service is None:
            _service = IngestService(ensure_redis_url(), reference_dir())
        return _service


def _json(payload: msgspec.Struct | dict, status: int, retry_after: int | None = None) -> flask.Response:
    response = flask.Response(msgspec.json.encode(payload), status=status, mimetype="application/json")
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


def post_events() -> flask.Response:
    try:
        return _json(service().post(flask.request), 202)
    except Answer as answer:
        return _json(Problem(answer.error), answer.status, answer.retry_after)
    except redis.RedisError:
        log.warning("ingest: Redis does not answer", exc_info=True)
        return _json(Problem("the queue is unreachable; nothing was queued"), 503, retry_after=2)


_document: bytes | None = None


def openapi_json() -> flask.Response:
    global _document
    if _document is None:
        _document = msgspec.json.encode(schema.openapi())
    return flask.Response(_document, mimetype="application/json")


def blueprint() -> flask.Blueprint:
    api = flask.Blueprint("ingest_api", __name__, url_prefix="/api/v1")
    api.add_url_rule("/events", "post_events", post_events, methods=["POST"])
    api.add_url_rule("/openapi.json", "openapi", openapi_json, methods=["GET"])
    return api
