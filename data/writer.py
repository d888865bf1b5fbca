"""The one writer: every write to the store runs on this thread, one at a time, on the read-write connection."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

import duckdb

log = logging.getLogger(__name__)

T = TypeVar("T")
_STOP = object()


class Writer:
    """Serialises writes: `run(fn)` calls `fn(connection)` on the writer thread and returns its result."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con
        self._jobs: queue.Queue = queue.Queue()
        self._listeners: list[Callable[[int], None]] = []
        self._thread = threading.Thread(target=self._loop, name="pccovid-writer", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while True:
            job = self._jobs.get()
            if job is _STOP:
                return
            future, fn, args = job
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(fn(self._con, *args))
            except BaseException as exc:  # handed to the caller, who decides
                future.set_exception(exc)

    def submit(self, fn: Callable[..., T], *args: Any) -> Future:
        future: Future = Future()
        self._jobs.put((future, fn, args))
        return future

    def run(self, fn: Callable[..., T], *args: Any) -> T:
        return self.submit(fn, *args).result()

    def on_commit(self, listener: Callable[[int], None]) -> None:
        """Called with the new data version after each write that changed it (e.g. to tell Redis)."""
        self._listeners.append(listener)

    def committed(self, version: int) -> None:
        for listener in self._listeners:
            try:
                listener(version)
            except Exception:  # a listener must never undo a commit
                log.exception("data-version listener failed")

    def stop(self) -> None:
        if self._thread.is_alive():
            self._jobs.put(_STOP)
            self._thread.join(timeout=30)
