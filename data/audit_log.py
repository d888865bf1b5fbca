"""The audit log's copy in the store: the stream `pccovid:audit` (data/audit.py) drained into the table `audit_log`,
and the admin's reads of it.

As the ingest stream's consumer does (data/consumer.py): entries are read through a consumer group, inserted by the
store's writer in one transaction, and acknowledged and deleted from Redis only after that commit. A drain killed in
between leaves them pending; the next one claims and inserts them again, which changes nothing (INSERT OR IGNORE by
the entry's id). Rows are only ever inserted: nothing updates or deletes them.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading

import duckdb
import pyarrow as pa
import redis

from data import redis_server, runtime
from data.access import require
from data.audit import stream_key
from data.sql import sql
from data.store import Store, transaction

log = logging.getLogger(__name__)

GROUP = "audit-writer"
READ_ENTRIES = 1000
IDLE_BLOCK_MS = 1000
PAGE_ROWS = 50  # entries on one page of the admin's table
EXPORT_ROWS = 100_000  # entries in one export at most
_FIELDS = ("at", "username", "role", "action", "target", "address", "detail")


def _text(fields: dict[bytes, bytes], name: str) -> str:
    return fields.get(name.encode(), b"").decode("utf-8", "replace")


def _frame(entries: list[tuple[bytes, dict[bytes, bytes]]]) -> pa.Table:
    """The stream entries as rows of audit_log (an unreadable time is the entry id's own instant)."""
    columns: dict[str, list] = {"entry_id": [], "logged_at": [], **{name: [] for name in _FIELDS[1:]}}
    for entry_id, fields in entries:
        key = entry_id.decode()
        columns["entry_id"].append(key)
        try:
            at = dt.datetime.fromisoformat(_text(fields, "at"))
        except ValueError:
            at = dt.datetime.fromtimestamp(int(key.split("-")[0]) / 1000, dt.UTC)
        columns["logged_at"].append(at)
        for name in _FIELDS[1:]:
            columns[name].append(_text(fields, name))
    schema = pa.schema(
        [("entry_id", pa.string()), ("logged_at", pa.timestamp("us", tz="UTC"))]
        + [(name, pa.string()) for name in _FIELDS[1:]]
    )
    return pa.table(columns, schema=schema)


def _insert(con: duckdb.DuckDBPyConnection, frame: pa.Table) -> None:
    with transaction(con):
        con.register("audit_frame", frame)
        try:
            con.execute(sql("audit/insert_entries"))
        finally:
            con.unregister("audit_frame")


class AuditDrain:
    """Copies the audit stream into the store; `run()` until `stop()`, `drain()` until the stream is empty."""

    def __init__(self, store: Store, client: redis.Redis, *, stream: str | None = None, group: str = GROUP) -> None:
        self.store, self.client, self.stream, self.group = store, client, stream or stream_key(), group
        self.consumer = f"{socket.gethostname()}-{os.getpid()}"
        self.copied = 0
        self._claim = True
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def ensure_group(self) -> None:
        try:
            self.client.xgroup_create(self.stream, self.group, id="0", mkstream=True)
        except redis.ResponseError as error:
            if "BUSYGROUP" not in str(error):
                raise

    def _pending(self) -> list[tuple[bytes, dict[bytes, bytes]]]:
        """Entries delivered before but never acknowledged (a drain stopped between its commit and the ack)."""
        claimed, start = [], "0-0"
        while True:
            next_id, messages, *_ = self.client.xautoclaim(
                self.stream, self.group, self.consumer, min_idle_time=0, start_id=start, count=READ_ENTRIES
            )
            claimed += [(entry_id, fields) for entry_id, fields in messages if fields]
            start = next_id.decode() if isinstance(next_id, bytes) else next_id
            if start == "0-0":
                return claimed

    def step(self, block_ms: int = IDLE_BLOCK_MS) -> int:
        """Copies the next entries (pending ones first after a start); returns how many."""
        if self._claim:
            self.ensure_group()
            entries = self._pending()
            self._claim = False
        else:
            found = self.client.xreadgroup(
                self.group, self.consumer, {self.stream: ">"}, count=READ_ENTRIES, block=block_ms
            )
            entries = found[0][1] if found else []
        if not entries:
            return 0
        self.store.writer.run(_insert, _frame(entries))
        ids = [entry_id for entry_id, _fields in entries]
        # Only after the commit: a failure here leaves them pending, claimed and inserted again (harmlessly).
        with self.client.pipeline(transaction=True) as pipe:
            pipe.xack(self.stream, self.group, *ids)
            pipe.xdel(self.stream, *ids)
            pipe.execute()
        self.copied += len(ids)
        return len(ids)

    def drain(self) -> None:
        """Copies until nothing is left (tests, the end of a command)."""
        while self.step(block_ms=50) or self.client.xlen(self.stream):
            pass

    def run(self) -> None:
        while not self._stop.is_set():
            try:
                self.step()
            except Exception:
                log.exception("audit: copying the audit stream failed; retrying in 1 s")
                self._claim = True
                self._stop.wait(1.0)

    def start(self) -> threading.Thread:
        self._thread = threading.Thread(target=self.run, name="pccovid-audit-drain", daemon=True)
        self._thread.start()
        return self._thread

    def stop(self, wait_s: float = 10) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=wait_s)


def start_for(store: Store) -> AuditDrain:
    """The drain of `pccovid serve`, beside the ingest stream's consumer, on its own Redis connection."""
    drain = AuditDrain(store, redis_server.client())
    drain.start()
    return drain


def _filters(username: str | None, action: str | None, day: str | None) -> dict[str, object]:
    return {"username": username or None, "action": action or None, "day": day or None}


def audit_entries(
    username: str | None = None, action: str | None = None, day: str | None = None, *, page: int = 1
) -> tuple[list[dict], int]:
    """One page of the audit log, newest first, and how many entries match (admin only)."""
    require("admin")
    store = runtime.store()
    filters = _filters(username, action, day)
    total = store.rows("audit/entry_count", **filters)[0][0]
    rows = store.query("audit/entries", **filters, limit=PAGE_ROWS, offset=(max(page, 1) - 1) * PAGE_ROWS)
    return rows.to_pylist(), total


def audit_export(username: str | None = None, action: str | None = None, day: str | None = None) -> pa.Table:
    """Every matching entry (up to EXPORT_ROWS), newest first, as an Arrow table (admin only)."""
    require("admin")
    return runtime.store().query("audit/entries", **_filters(username, action, day), limit=EXPORT_ROWS, offset=0)


def audit_actions() -> list[str]:
    require("admin")
    return [row[0] for row in runtime.store().rows("audit/actions")]
