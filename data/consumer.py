"""The ingest stream's consumer: reads entries through the writer's consumer group in batches, hands each batch to the
one write path, and acknowledges (then deletes) its entries only after the store committed them."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import redis

from data import pipeline, redis_server
from data.store import Store
from data.stream import Received, StreamBatch
from ingest.events import GROUP, EntryError, decode
from ingest.stream import entry_ms, stream_key

log = logging.getLogger(__name__)

MAX_EVENTS = 200_000  # events in one batch at most: one pipeline run, one commit (a batch costs about the same
# at 50,000 events as at 200,000 on the demo store: the derivations cost per batch, so a backlog is caught up in
# larger batches)
MAX_WAIT_S = 0.2  # how long a batch waits for more entries once its first arrived
READ_ENTRIES = 500  # entries asked for per XREADGROUP (an entry holds up to 10,000 events)
IDLE_BLOCK_MS = 500  # how long one read waits on an empty stream before looking at the stop flag again
RETRIES = 3  # failed runs of a batch before it is cut into single entries


def lag_ms(client: redis.Redis, stream: str, now_ms: int | None = None) -> int:
    """How old the oldest unacknowledged entry is, in milliseconds (0 when none): acknowledged entries are deleted, so
    the stream's first entry is the oldest the writer has not committed yet (an entry id starts with its Unix ms)."""
    first = client.xrange(stream, count=1)
    if not first:
        return 0
    return max(0, (now_ms if now_ms is not None else int(time.time() * 1000)) - entry_ms(first[0][0]))


@dataclass
class ConsumerStats:
    batches: int = 0
    entries: int = 0
    events: int = 0
    loaded: int = 0
    refused: int = 0
    replayed: int = 0  # entries claimed from the pending list (a writer died between commit and acknowledgement)
    last_report: pipeline.LoadReport | None = None
    batch_events: list[int] = field(default_factory=list)


class StreamConsumer:
    """One writer's consumer of the ingest stream. `run()` loops until `stop()`; `drain()` until the stream is empty."""

    def __init__(
        self,
        store: Store,
        client: redis.Redis,
        *,
        stream: str | None = None,
        group: str = GROUP,
        consumer: str | None = None,
        max_events: int = MAX_EVENTS,
        max_wait_s: float = MAX_WAIT_S,
        tracing: pipeline.TracingStage | None = None,
        on_batch: Callable[[pipeline.LoadReport, list[Received]], None] | None = None,
    ) -> None:
        self.store, self.client = store, client
        self.stream = stream or stream_key()
        self.group = group
        self.consumer = consumer or f"{socket.gethostname()}-{os.getpid()}"
        self.max_events, self.max_wait_s = max_events, max_wait_s
        self.tracing = tracing
        self.on_batch = on_batch
        self.stats = ConsumerStats()
        self._stop = threading.Event()
        self._claim = True  # at start, and after Redis failed: committed entries may be left unacknowledged
        self._thread: threading.Thread | None = None
        self._carry: list[Received] = []  # read but not in a batch yet
        # One batch commits on this thread while the consumer reads and prepares the next.
        self._committer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pccovid-stream-commit")
        self._inflight: Future | None = None

    def ensure_group(self) -> None:
        """Creates the stream and its consumer group, reading from the first entry, unless they exist."""
        try:
            self.client.xgroup_create(self.stream, self.group, id="0", mkstream=True)
        except redis.ResponseError as error:
            if "BUSYGROUP" not in str(error):
                raise

    def claim_pending(self) -> list[Received]:
        """Every entry delivered to a consumer but never acknowledged (a writer killed before its commit, or between
        its commit and the acknowledgement), claimed for this consumer: replaying them is harmless (idempotent by
        event_id). Only one writer owns the store, so any pending entry belongs to a dead one or to this one."""
        claimed: list[Received] = []
        start = "0-0"
        while True:
            next_id, messages, *_ = self.client.xautoclaim(
                self.stream, self.group, self.consumer, min_idle_time=0, start_id=start, count=READ_ENTRIES
            )
            claimed += [_received(entry_id, fields) for entry_id, fields in messages if fields]
            start = next_id.decode() if isinstance(next_id, bytes) else next_id
            if start == "0-0":
                return claimed

    def read(self, block_ms: int = IDLE_BLOCK_MS, held: int = 0) -> list[Received]:
        """The next batch of new entries: up to `max_events` events (never splitting an entry; one larger entry makes
        a batch alone), waiting at most `max_wait_s` after the first entry for more; [] when none arrived within
        `block_ms`. Entries read beyond the bound wait, delivered to this consumer, for the next batch. With `held`,
        the events of a batch being topped up: only what is in the stream now is added, without waiting."""
        got: list[Received] = []
        events = held
        deadline = None
        while True:
            while self._carry:
                if (got or held) and events + self._carry[0].events > self.max_events:
                    return got
                received = self._carry.pop(0)
                got.append(received)
                events += received.events
            if events >= self.max_events:
                return got
            block = None  # topping up: no wait
            if not held:
                if deadline is None and got:
                    deadline = time.monotonic() + self.max_wait_s
                wait_ms = block_ms if deadline is None else int((deadline - time.monotonic()) * 1000)
                if deadline is not None and wait_ms <= 0:
                    return got
                block = max(1, wait_ms)
            found = self.client.xreadgroup(
                self.group, self.consumer, {self.stream: ">"}, count=READ_ENTRIES, block=block
            )
            messages = found[0][1] if found else []
            if not messages:
                return got
            self._carry += [_received(entry_id, fields) for entry_id, fields in messages]

    def step(self, block_ms: int = IDLE_BLOCK_MS) -> int:
        """Reads and prepares the next batch while the one before commits, then hands it to the committer; returns
        its entries (pending entries first after a start or a Redis failure)."""
        if self._claim:
            self._wait()
            self.ensure_group()
            self._carry = []  # claimed again below, with every other pending entry
            received = self.claim_pending()
            self._claim = False
            self.stats.replayed += len(received)
            if received:
                log.info("stream: replaying %d unacknowledged entries", len(received))
                for begin, end in _cuts(received, self.max_events):
                    self._commit(received[begin:end])
                return len(received)
        received = self.read(block_ms)
        if not received:
            self._wait()
            return 0
        batch = StreamBatch(received)  # decoding and Arrow building overlap the previous batch's commit
        self._wait()
        # What arrived while the previous batch committed joins this one now, rather than waiting a whole commit
        # more: an event waits for at most the commit in progress and its own (posted -> visible at a steady rate).
        more = self.read(held=batch.events)
        if more:
            received += more
            batch = StreamBatch(received)
        self._inflight = self._committer.submit(self._commit, received, batch)
        return len(received)

    def _wait(self) -> None:
        """Waits for the batch being committed; its failure (Redis, at the acknowledgement) is raised here."""
        inflight, self._inflight = self._inflight, None
        if inflight is not None:
            inflight.result()

    def _commit(self, received: list[Received], batch: StreamBatch | None = None) -> None:
        batch = batch or StreamBatch(received)
        for attempt in range(1, RETRIES + 1):
            try:
                report = pipeline.run(self.store, batch, tracing=self.tracing)
                break
            except Exception:
                log.exception("stream: batch of %d entries failed (attempt %d of %d)", len(received), attempt, RETRIES)
                time.sleep(0.1 * attempt)
        else:
            # The batch fails whatever: each entry alone, and an entry that fails alone is kept as refused (with the
            # error) so that the stream moves on instead of retrying it forever.
            if len(received) > 1:
                for one in received:
                    self._commit([one])
                return
            only = received[0]
            log.error("stream: entry %s fails alone; kept in refused_events", only.entry_id)
            report = pipeline.run(
                self.store, StreamBatch([Received(only.entry_id, None, "the writer failed on this entry")])
            )
        self._acknowledge([r.entry_id for r in received])
        events = batch.events
        self.stats.batches += 1
        self.stats.entries += len(received)
        self.stats.events += events
        self.stats.loaded += sum(t.loaded for t in report.tables)
        self.stats.refused += sum(t.rejected for t in report.tables)
        self.stats.last_report = report
        self.stats.batch_events.append(events)
        if self.on_batch is not None:
            self.on_batch(report, received)

    def _acknowledge(self, ids: list[str]) -> None:
        """After the commit: acknowledged and deleted together, so the stream holds only what is not committed yet (its
        length is the backlog, its first entry the lag). If Redis fails here, the entries stay pending and are claimed
        again (harmless: the store already has them)."""
        pipe = self.client.pipeline(transaction=True)
        pipe.xack(self.stream, self.group, *ids)
        pipe.xdel(self.stream, *ids)
        pipe.execute()

    def drain(self, idle_ms: int = 300) -> None:
        """Commits until the stream holds nothing new or pending (tests, benches, `pccovid writer --drain`)."""
        while not self._stop.is_set() and (self.step(block_ms=idle_ms) or self._carry or self.client.xlen(self.stream)):
            pass
        self._wait()

    def run(self) -> None:
        """Commits batches until stop(); a Redis failure is logged and retried after a pause."""
        log.info("stream: consumer %s reads %s through group %s", self.consumer, self.stream, self.group)
        while not self._stop.is_set():
            try:
                self.step()
            except redis.RedisError as error:
                log.warning("stream: Redis unavailable (%s); retrying in 1 s", error)
                self._claim = True
                self._stop.wait(1.0)
            except Exception:
                log.exception("stream: consumer step failed; retrying in 1 s")
                self._claim = True
                self._stop.wait(1.0)
        try:
            self._wait()
        except Exception:
            log.exception("stream: the last batch failed; its entries stay pending for the next start")

    def start(self) -> threading.Thread:
        """Runs the consumer on a daemon thread (inside `pccovid serve`); batches go to the store's writer thread."""
        self._thread = threading.Thread(target=self.run, name="pccovid-stream-consumer", daemon=True)
        self._thread.start()
        return self._thread

    def stop(self, wait_s: float = 30) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=wait_s)


def _received(entry_id: bytes | str, fields: dict[bytes, bytes]) -> Received:
    key = entry_id.decode() if isinstance(entry_id, bytes) else entry_id
    try:
        return Received(key, decode(fields))
    except EntryError as error:
        return Received(key, None, str(error))


def _cuts(received: list[Received], max_events: int) -> list[tuple[int, int]]:
    """Consecutive slices of `received` holding at most `max_events` events each (an entry is never split)."""
    cuts, begin, events = [], 0, 0
    for i, r in enumerate(received):
        if events and events + r.events > max_events:
            cuts.append((begin, i))
            begin, events = i, 0
        events += r.events
    if begin < len(received):
        cuts.append((begin, len(received)))
    return cuts


def start_for(store: Store) -> StreamConsumer:
    """The consumer of `pccovid serve`: on its own Redis connection, committing through the store's writer thread."""
    consumer = StreamConsumer(store, redis_server.client())
    consumer.start()
    return consumer
