"""Whether the store and Redis answer, checked on a background thread so that /health answers from memory.

Checked per request, /health waited under load: for a worker thread behind every page being drawn, then for the
GIL at each of its four round trips (a DuckDB query, a Redis ping and get), seconds in all.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from data import runtime
from ingest import stream
from ingest.stream import StreamStatus

log = logging.getLogger(__name__)

INTERVAL_S = 2.0
# A check not finished for this long means a part hangs (a query or a Redis call that never returns): failing.
STALE_S = 15.0


@dataclass(frozen=True)
class Check:
    """One look at the parts. No error text: those name files and hosts; the log has them."""

    at: float  # time.monotonic() when it finished
    store_ok: bool
    store_id: str | None
    data_version: int | None
    redis_ok: bool
    cached_data_version: int | None
    stream: StreamStatus | None = None  # the ingest stream, None when Redis did not tell

    @property
    def age_s(self) -> float:
        return time.monotonic() - self.at

    @property
    def ok(self) -> bool:
        return self.store_ok and self.redis_ok and self.age_s < STALE_S


def check() -> Check:
    """Asks the store and Redis now, on this thread's own cursor and the process's Redis client."""
    store_ok, store_id, version = False, None, None
    try:
        store = runtime.opened()
        if store is None:
            raise RuntimeError("no store open")
        version = store.data_version()  # a query on `meta`: the store answers and is a PC-Covid store
        store_id, store_ok = store.store_id, True
    except Exception:
        log.warning("health: the store does not answer", exc_info=True)
    redis_ok, cached = False, None
    try:
        client = runtime.redis_client()
        if client is None:
            raise RuntimeError("no Redis client")
        client.ping()
        cached, redis_ok = runtime.data_version(), True
    except Exception:
        log.warning("health: Redis does not answer", exc_info=True)
    queue = None
    if redis_ok:
        try:
            queue = stream.status(client)
        except Exception:
            log.warning("health: the ingest stream cannot be read", exc_info=True)
    return Check(time.monotonic(), store_ok, store_id, version, redis_ok, cached, queue)


class Probe:
    """Checks every INTERVAL_S on its own thread; `latest()` is the last check, made at once if there is none."""

    def __init__(self, interval_s: float = INTERVAL_S) -> None:
        self._interval_s = interval_s
        self._latest: Check | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="pccovid-health", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._record(check())
            self._stop.wait(self._interval_s)

    def _record(self, found: Check) -> None:
        with self._lock:
            self._latest = found

    def latest(self) -> Check:
        found = self._latest
        if found is None:
            found = check()
            self._record(found)
        return found


PROBE = Probe()
