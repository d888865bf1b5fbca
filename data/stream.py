"""Entries of the ingest stream as a batch of the write path: Arrow tables per CONTRACT §1 table, checked by the
loader's queries, each bad event refused alone into `refused_events` while the rest is appended and derived."""

from __future__ import annotations

import bisect
import datetime as dt
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from operator import attrgetter

import duckdb
import msgspec
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from data.contract import LOAD_ORDER, TABLES, arrow_schema
from data.loader import bounds_at, deduplicate, invalid_rows, row_count
from data.pipeline import TableReport
from data.sql import sql
from ingest.events import TABLE_OF, Entry

log = logging.getLogger(__name__)

# The event tables in the order they are appended (the register and the places come only from file loads).
EVENT_TABLES = tuple(name for name in LOAD_ORDER if name in TABLE_OF.values())
_CODES = {kind: code for code, kind in enumerate(TABLE_OF)}
_SOURCE_FILE = "stream"  # the loader's queries order by (_file, _row): one file, rows in stream order
_json = msgspec.json.Encoder()


@dataclass(frozen=True)
class Received:
    """One stream entry as the consumer read it: its id and its entry, or why it could not be read."""

    entry_id: str
    entry: Entry | None
    error: str = ""

    @property
    def events(self) -> int:
        return len(self.entry.events) if self.entry is not None else 0


@dataclass(frozen=True)
class _Refusal:
    row: int  # the event's 1-based position in the batch (the `_row` the loader's queries report)
    field: str
    reason: str


class StreamBatch:
    """Stream entries as one batch of data/pipeline.py: events are validated by the loader's SQL over Arrow views;
    an event that fails (unknown person or venue, out of bounds, a re-send that differs from the stored event) is
    refused alone with its reason, an identical re-send changes nothing, and the others are appended."""

    def __init__(self, received: Sequence[Received]) -> None:
        self.received = list(received)
        first, last = (self.received[0].entry_id, self.received[-1].entry_id) if self.received else ("-", "-")
        self.source = f"stream {first}..{last}"
        # The batch's events in stream order (row r is _events[r - 1]) and where each entry's events end.
        self._events: list = []
        self._entry_ends: list[int] = []
        for received in self.received:
            if received.entry is not None:
                self._events.extend(received.entry.events)
            self._entry_ends.append(len(self._events))
        self.tables = self._tables()

    @property
    def events(self) -> int:
        return len(self._events)

    def _tables(self) -> dict[str, pa.Table]:
        """One Arrow table per CONTRACT §1 table, with the loader's `_key`, `_file` and `_row` (the event's 1-based
        position in the batch). Grouped by kind without a Python loop per event over the columns."""
        codes = np.fromiter(map(_CODES.__getitem__, map(type, self._events)), np.int8, len(self._events))
        tables = {}
        for kind, code in _CODES.items():
            positions = np.flatnonzero(codes == code)
            if not len(positions):
                continue
            name = TABLE_OF[kind]
            schema = arrow_schema(name)
            events = list(map(self._events.__getitem__, positions.tolist()))
            columns = [pa.array(list(map(attrgetter(f.name), events)), type=f.type) for f in schema]
            key = columns[schema.get_field_index(TABLES[name].key)]
            rows = pa.array(positions + 1, pa.int64())
            columns += [pa.repeat(pa.scalar(_SOURCE_FILE), len(positions)), rows, key]
            tables[name] = pa.Table.from_arrays(columns, names=[*schema.names, "_file", "_row", "_key"])
        return tables

    def _origin(self, row: int) -> tuple[Received, int]:
        """The entry a batch row came from and the event's index in it."""
        entry_number = bisect.bisect_left(self._entry_ends, row)
        start = self._entry_ends[entry_number - 1] if entry_number else 0
        return self.received[entry_number], row - 1 - start

    def append(
        self, con: duckdb.DuckDBPyConnection, load_id: int, progress: Callable[[str], None]
    ) -> list[TableReport]:
        bounds = bounds_at(dt.datetime.now(dt.UTC))
        con.execute(sql("load/shown_values"))
        refused: list[_Refusal] = []
        reports = []
        if not self.tables:
            self._keep_refused(con, refused, load_id)
            return reports
        for name in EVENT_TABLES:
            if name not in self.tables:
                continue
            started = time.perf_counter()
            progress(f"{name}: checking {self.tables[name].num_rows:,} events")
            report, refusals = self._append_table(con, name, self.tables[name], load_id, bounds)
            report.seconds = time.perf_counter() - started
            reports.append(report)
            refused += refusals
        con.execute(sql("load/drop_source"))
        con.execute(sql("stream/drop_source"))
        self._keep_refused(con, refused, load_id)
        return reports

    def _append_table(
        self, con: duckdb.DuckDBPyConnection, name: str, rows: pa.Table, load_id: int, bounds: dict[str, object]
    ) -> tuple[TableReport, list[_Refusal]]:
        table = TABLES[name]
        _source(con, rows)
        refusals = []
        for _file, row, problem, _invalid in invalid_rows(con, table, bounds, rows.num_rows):
            column, _, reason = problem.partition("|")
            refusals.append(_Refusal(row, column, reason))
        if refusals:
            rows = _without(rows, refusals)
            _source(con, rows)
        report = TableReport(name, files=0, read=rows.num_rows)
        copies = deduplicate(con, table)
        before = row_count(con, name)
        con.execute(sql(f"load/insert_{name}"), {"load_id": load_id})
        report.loaded = row_count(con, name) - before
        # A row whose key was stored before, or sent earlier in this batch, with other content was not appended (the
        # insert keeps the first of each key): it is refused, as the loader would refuse the whole dataset for it.
        # When every row was new and sent once (the usual live batch), none can differ: the join is skipped.
        conflicts = []
        if copies or report.loaded < report.read:
            _source(con, rows)
            con.execute(sql(f"load/conflicts_{name}"), {"load_id": load_id, "repeated": copies > 0})
            conflicts = con.execute(sql("stream/conflicting_rows")).fetchall()
        for row, column, key, known, sent, sent_earlier in conflicts:
            where = "sent earlier on the stream" if sent_earlier else "stored"
            reason = (
                f"{table.key} {key} is {where} with {column} {known}, this event has {sent}; "
                "a correction must be sent as a new event"
            )
            refusals.append(_Refusal(row, column, reason))
        report.rejected = len(refusals)
        report.already_loaded = report.read - report.loaded - len(conflicts)
        return report, refusals

    def _keep_refused(self, con: duckdb.DuckDBPyConnection, refused: list[_Refusal], load_id: int) -> None:
        """Stores the refused events and the unreadable entries with their reasons, inside the batch's transaction;
        a replayed entry keeps its id, so its refusals are stored once."""
        rows: list[tuple] = []
        for r in refused:
            received, index = self._origin(r.row)
            event = self._events[r.row - 1]
            rows.append(
                (
                    received.entry_id,
                    index,
                    received.entry.site,
                    TABLE_OF[type(event)],
                    event.event_id,
                    r.field,
                    r.reason,
                    _json.encode(event).decode(),
                    _received_at(received.entry),
                )
            )
        for received in self.received:
            if received.entry is None:
                rows.append((received.entry_id, -1, "", "entry", None, "entry", received.error, "", None))
        if not rows:
            return
        names = ("entry_id", "event_index", "site", "kind", "event_id", "field", "reason", "event", "received_at")
        types = (pa.string(), pa.int32(), pa.string(), pa.string(), pa.int64(), pa.string(), pa.string(), pa.string())
        types += (pa.timestamp("ms", tz="UTC"),)
        columns = [pa.array(list(values), type=t) for values, t in zip(zip(*rows, strict=True), types, strict=True)]
        con.register("stream_refused", pa.Table.from_arrays(columns, names=list(names)))
        try:
            con.execute(sql("stream/insert_refused"), {"load_id": load_id})
        finally:
            con.unregister("stream_refused")
        log.warning("stream: %d event(s) refused (refused_events, load %d)", len(rows), load_id)

    def explain(self, con: duckdb.DuckDBPyConnection, error: BaseException) -> BaseException | None:
        return None


def _received_at(entry: Entry) -> dt.datetime:
    return dt.datetime.fromtimestamp(entry.received_ms / 1000, dt.UTC)


def _source(con: duckdb.DuckDBPyConnection, rows: pa.Table) -> None:
    """The view `src` the loader's queries read, over the batch's rows of one table (already of the store's types)."""
    con.register("stream_rows", rows)
    try:
        con.execute(sql("stream/source_view"))
    finally:
        con.unregister("stream_rows")


def _without(rows: pa.Table, refusals: list[_Refusal]) -> pa.Table:
    refused = pa.array([r.row for r in refusals], pa.int64())
    return rows.filter(pc.invert(pc.is_in(rows.column("_row"), value_set=refused)))
