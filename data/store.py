"""The DuckDB store: opens the file, applies the schema, hands each thread its own read cursor."""

from __future__ import annotations

import functools
import logging
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from data.geo import load_areas
from data.sql import sql
from data.writer import Writer

log = logging.getLogger(__name__)

# Applied in this order every time a store is opened (every statement is idempotent): the events and geography, then
# the tables the rules derive, then tracing's, the audit log's, then the committees' directives.
SCHEMAS = tuple(
    Path(__file__).with_name(name)
    for name in ("schema.sql", "rules_schema.sql", "tracing_schema.sql", "audit_schema.sql", "directives_schema.sql")
)


class StoreError(RuntimeError):
    """The store cannot be opened or is not a PC-Covid store."""


class Store:
    """One open store: the read-write connection (owned by the writer) and per-thread read cursors."""

    def __init__(self, path: Path | str, *, memory_limit: str | None = None) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        config = {"memory_limit": memory_limit} if memory_limit else {}
        try:
            self._con = duckdb.connect(str(self.path), config=config)
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                raise StoreError(
                    f"{self.path}: the store is open in another process (a running server?); stop it first"
                ) from exc
            raise StoreError(f"{self.path}: cannot open the store: {exc}") from exc
        self._con.execute(sql("store/settings"))
        self._local = threading.local()
        self._apply_schema()
        # Read cursors are spawned from a connection nobody runs queries on: DuckDB 2.0 refuses cursor() on a
        # connection busy with another call ("connection is busy"), and the writer's may be busy for minutes.
        self._cursor_factory = self._con.cursor()
        self._cursor_lock = threading.Lock()
        self.writer = Writer(self._con)

    def _apply_schema(self) -> None:
        con = self._con
        for schema in SCHEMAS:
            con.execute(schema.read_text(encoding="utf-8"))
        if not con.execute(sql("store/has_store_id")).fetchall()[0][0]:
            con.execute(sql("store/init_meta"), {"store_id": uuid.uuid4().hex[:12]})
        if not con.execute(sql("store/area_count")).fetchall()[0][0]:
            areas = load_areas()
            con.register("areas_frame", areas)
            con.execute(sql("store/insert_areas"))
            con.unregister("areas_frame")
            log.info("areas: %d rows from the shared geography", len(areas))

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """This thread's read cursor (DuckDB connections are not shared between threads)."""
        cur = getattr(self._local, "cursor", None)
        if cur is None:
            with self._cursor_lock:
                cur = self._cursor_factory.cursor()
            self._local.cursor = cur
        return cur

    def query(self, name: str, **params: Any) -> pa.Table:
        """Runs `queries/<name>.sql` with bound parameters on this thread's cursor."""
        return self.cursor().sql(sql(name), params=params).to_arrow_table()

    def rows(self, name: str, **params: Any) -> list[tuple]:
        return self.cursor().execute(sql(name), params).fetchall()

    def meta(self, key: str) -> str | None:
        found = self.cursor().execute(sql("store/meta_value"), {"key": key}).fetchall()
        return found[0][0] if found else None

    @functools.cached_property
    def store_id(self) -> str:
        """Written once when the store is created; every cache key and Redis channel carries it, so it is read
        once (a query on `meta` costs milliseconds under load, and a page asks for it dozens of times)."""
        return self.meta("store_id") or "unknown"

    def data_version(self) -> int:
        return int(self.meta("data_version") or 0)

    def close(self, wait_s: float = 30) -> None:
        """Stops the writer and closes the store, waiting up to `wait_s` for readers still running a query
        (DuckDB refuses to close a connection whose cursors are busy)."""
        self.writer.stop()
        deadline = time.monotonic() + wait_s
        for connection in (self._cursor_factory, self._con):
            while True:
                try:
                    with self._cursor_lock:  # not while a thread is being given its cursor
                        connection.close()
                    break
                except duckdb.ResourceInUseException:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """All or nothing: commit when the block ends, roll back when it raises."""
    con.begin()
    try:
        yield con
    except BaseException:
        con.rollback()
        raise
    else:
        con.commit()


def current_data_version(con: duckdb.DuckDBPyConnection) -> int:
    return int(con.execute(sql("store/meta_value"), {"key": "data_version"}).fetchall()[0][0])


def bump_data_version(con: duckdb.DuckDBPyConnection) -> int:
    """Inside the writer's transaction: the next data version, which readers' caches key on."""
    version = current_data_version(con) + 1
    con.execute(sql("store/set_meta"), {"key": "data_version", "value": str(version)})
    return version
