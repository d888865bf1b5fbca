"""Automatic tracing: every case a load confirms is traced inside that load, its lists stored, its F1s quarantined.

The loader calls `trace_new_cases(con, load_id)` on the writer's connection inside the load's transaction, after
the `cases` table is up to date and before the rules engine reads `exposures` and `quarantine`. The process keeps
one warm index (`SERVICE`): built once (at server start, on the writer thread, by `start(store)`), refreshed from
the writer's connection before each load's tracing, so no request ever builds it.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from data.sql import sql
from data.tracing import cluster_rule_params
from data.tracing_source import TracingSource
from rules.tracing import cluster_rule
from tracing.index import EPOCH_S, TraceIndex, build_index
from tracing.links import VIA, BatchTrace, Links
from tracing.tracer import rule_for, trace_rows

log = logging.getLogger(__name__)

_SCHEMA = Path(__file__).resolve().parent.parent / "data" / "tracing_schema.sql"
# Tables holding one row set per traced case, cleared before a case is traced again (an allow-list).
_PER_CASE_TABLES = ("traces", "trace_contacts", "trace_points", "exposures")


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Creates tracing's tables if missing (idempotent; the store will run it after schema.sql)."""
    con.execute(_SCHEMA.read_text(encoding="utf-8"))


def _store_id(con: duckdb.DuckDBPyConnection) -> str:
    found = con.execute("SELECT value FROM meta WHERE key = 'store_id'").fetchall()
    return found[0][0] if found else ""


def _finished(con: duckdb.DuckDBPyConnection, load_id: int) -> bool:
    return bool(
        con.execute("SELECT count(*) FROM loads WHERE load_id = ? AND finished_at IS NOT NULL", [load_id]).fetchall()[
            0
        ][0]
    )


class TracingService:
    """The process's warm tracing index for one store, kept up to date by the writer."""

    def __init__(self) -> None:
        self._index: TraceIndex | None = None
        self._store_id = ""
        self._lock = threading.Lock()

    @property
    def index(self) -> TraceIndex | None:
        return self._index

    def index_for(self, con: duckdb.DuckDBPyConnection, load_id: int = 0) -> TraceIndex:
        """The index including `load_id` (the load in progress on `con`, 0 for none): refreshed, or built when
        there is none yet, the store is another one, or its last load was rolled back."""
        with self._lock:
            store_id = _store_id(con)
            index = self._index
            stale = (
                index is None
                or self._store_id != store_id
                or (index.last_load and index.last_load != load_id and not _finished(con, index.last_load))
            )
            reader = TracingSource(con)
            index = build_index(reader, load_id) if stale else index.refresh(reader, load_id)  # type: ignore[union-attr]
            self._index, self._store_id = index, store_id
            return index

    def forget(self) -> None:
        with self._lock:
            self._index = None

    def trace_load(self, con: duckdb.DuckDBPyConnection, load_id: int) -> dict:
        """Inside the load's transaction: refreshes the index with the load and traces its new cases."""
        stored_ts = dt.datetime.now(dt.UTC)
        try:
            return trace_new_cases(con, load_id, self.index_for(con, load_id), stored_ts=stored_ts)
        except BaseException:
            self.forget()  # the transaction rolls back: the index may hold the load's events
            raise

    def warm(self, con: duckdb.DuckDBPyConnection) -> dict:
        """On the writer thread at start: builds the index, then traces any case no trace covers yet (a store
        loaded before tracing existed) in its own transaction. Returns the summary; `data_version` is set when
        that wrote anything."""
        ensure_schema(con)
        index = self.index_for(con)
        from data.store import bump_data_version, transaction

        summary: dict = {"cases": 0, "data_version": None}
        if con.execute(sql("tracing/untraced_cases"), {"load_id": index.last_load}).fetchall():
            with transaction(con):
                summary = trace_new_cases(con, index.last_load, index)
                summary["data_version"] = bump_data_version(con)
        if clusters_need_rebuild(con):
            with transaction(con):
                summary["clusters_rebuilt"] = rebuild_clusters(con, index.last_load)
                summary["data_version"] = bump_data_version(con)
        return summary


SERVICE = TracingService()


def start(store) -> threading.Thread:
    """At server start: warms the index on the writer thread in the background; tells listeners if catching up
    on untraced cases changed the data. Call once after the store is open (e.g. in app.py)."""

    def run() -> None:
        try:
            summary = store.writer.run(SERVICE.warm)
        except Exception:
            log.exception("tracing: warming the index failed; the next load builds it")
            return
        if summary.get("data_version") is not None:
            store.writer.committed(summary["data_version"])
        log.info("tracing: warm (%s)", summary)

    thread = threading.Thread(target=run, name="pccovid-tracing-warm", daemon=True)
    thread.start()
    return thread


def trace_new_cases(
    con: duckdb.DuckDBPyConnection,
    load_id: int,
    index: TraceIndex | None = None,
    *,
    stored_ts: dt.datetime | None = None,
) -> dict:
    """Traces, inside the caller's transaction, every case with no trace for its current confirmation, and
    retraces those whose window this load's events reach (see tracing/untraced_cases.sql).

    `stored_ts`: when the new case rows were stored (default: now, as the loader calls this right after writing
    them); each trace records it and the time its lists are written (ready_ts), so the index refresh, the trace
    and the writes all count in the result-to-list time.

    `index` must already hold the load's events (as `TracingService.index_for(con, load_id)` gives it); without
    one, the process's SERVICE is refreshed from `con`. Writes traces, trace_contacts, trace_points, exposures
    (F1), quarantine (F1, from the case's confirmation for the rule's days) and the clusters, all with `load_id`.
    """
    started = time.perf_counter()
    stored_ts = stored_ts or dt.datetime.now(dt.UTC)
    ensure_schema(con)
    if index is None:
        index = SERVICE.index_for(con, load_id)
    untraced = con.execute(sql("tracing/untraced_cases"), {"load_id": load_id}).fetchall()
    summary = {"load_id": load_id, "cases": len(untraced), "f1": 0, "f2": 0, "points": 0, "clusters_touched": 0}
    if not untraced:
        return summary
    case_ids = np.array([row[0] for row in untraced], np.int64)
    again = [row[0] for row in untraced if row[1]]
    if again:
        con.register("retraced", pa.table({"case_id": pa.array(again, pa.int64())}))
        con.execute(sql("tracing/forget_quarantine"))
        for table in _PER_CASE_TABLES:
            con.execute(f"DELETE FROM {table} WHERE case_id IN (SELECT case_id FROM retraced)")
        con.unregister("retraced")
    rows = index.cases.find(case_ids)
    if (rows < 0).any():
        log.warning("tracing: %d cases not in the index (unknown people?) left untraced", int((rows < 0).sum()))
        rows = rows[rows >= 0]
    by_rule: dict[str, list[int]] = {}
    rules = {}
    for row in rows.tolist():
        rule = rule_for(index, row)
        rules[rule.name] = rule
        by_rule.setdefault(rule.name, []).append(row)
    traces, contacts, points = [], [], []
    for name, rule_rows in by_rule.items():
        batch = trace_rows(index, np.array(rule_rows, np.int64), rules[name])
        traces.append(_trace_table(batch))
        contacts.append(_contact_table(batch, batch.f1, 1))
        contacts.append(_contact_table(batch, batch.f2, 2))
        points.append(_point_table(batch))
    new_traces = pa.concat_tables(traces)
    new_contacts = pa.concat_tables(contacts)
    new_points = pa.concat_tables(points)
    params = {"load_id": load_id, "base": EPOCH_S}
    con.register("new_traces", new_traces)
    con.register("new_contacts", new_contacts)
    con.register("new_points", new_points)
    try:
        con.execute(sql("tracing/store_contacts"), params)
        con.execute(sql("tracing/store_points"), params)
        con.execute(sql("tracing/store_exposures"), {"load_id": load_id})
        con.execute(sql("tracing/store_quarantine"), {"load_id": load_id})
        con.execute(
            sql("tracing/store_traces"), {**params, "stored_ts": stored_ts, "ready_ts": dt.datetime.now(dt.UTC)}
        )
        summary["clusters_touched"] = _update_clusters(con, load_id)
    finally:
        for view in ("new_traces", "new_contacts", "new_points"):
            con.unregister(view)
    summary.update(
        f1=int(pa.compute.sum(new_traces.column("f1_count")).as_py() or 0),
        f2=int(pa.compute.sum(new_traces.column("f2_count")).as_py() or 0),
        points=new_points.num_rows,
        seconds=round(time.perf_counter() - started, 3),
    )
    log.info("tracing: load %d traced %s", load_id, summary)
    return summary


def _trace_table(batch: BatchTrace) -> pa.Table:
    n = len(batch.rows)
    per_case = np.arange(n + 1)
    f1_counts = np.diff(np.searchsorted(batch.f1.group, per_case))
    f2_counts = np.diff(np.searchsorted(batch.f2.group, per_case)) if batch.f2 is not None else np.zeros(n, np.int64)
    points_counts = (
        np.diff(np.searchsorted(batch.points.group, per_case)) if batch.points is not None else np.zeros(n, np.int64)
    )
    return pa.table(
        {
            "case_id": pa.array(batch.index.cases.person_id[batch.rows], pa.int64()),
            "window_start_s": pa.array(batch.window_start, pa.int64()),
            "elapsed_ms": pa.array(np.full(n, batch.seconds * 1000 / max(n, 1)), pa.float64()),
            "f1_count": pa.array(f1_counts, pa.int32()),
            "f2_count": pa.array(f2_counts, pa.int32()),
            "points_count": pa.array(points_counts, pa.int32()),
            "rule_version": pa.array([batch.rule.name] * n, pa.string()),
            "quarantine_days": pa.array(np.full(n, batch.rule.quarantine_days), pa.int32()),
        }
    )


def _contact_table(batch: BatchTrace, links: Links | None, degree: int) -> pa.Table:
    index = batch.index
    if links is None:
        links = batch.f1.take(np.empty(0, np.int64))
    n = len(links)
    people, venues = index.people.ids, index.venues.ids
    is_venue = links.via == 2
    is_proximity = links.via == 1
    venue_ids = venues[np.maximum(links.venue, 0)] if len(venues) else np.zeros(n, np.int64)
    return pa.table(
        {
            "case_id": pa.array(index.cases.person_id[batch.rows][links.group], pa.int64()),
            "person_id": pa.array(people[links.other], pa.int64()),
            "degree": pa.array(np.full(n, degree), pa.int8()),
            "via": pa.array(np.array(VIA, dtype=object)[links.via], pa.string()),
            "through": pa.array(people[links.through], pa.int64(), mask=np.full(n, degree == 1)),
            "venue_id": pa.array(venue_ids, pa.int64(), mask=~is_venue),
            "exposure_s": pa.array(links.ts, pa.int64()),
            "overlap_s": pa.array(links.overlap, pa.int64(), mask=~is_venue),
            "duration_s": pa.array(links.duration, pa.int64(), mask=~is_proximity),
            "distance_m": pa.array(links.distance.astype(np.float64).round(2), pa.float64(), mask=~is_proximity),
            "rule_version": pa.array([batch.rule.name] * n, pa.string()),
        }
    )


def _point_table(batch: BatchTrace) -> pa.Table:
    found = batch.points
    case_ids = batch.index.cases.person_id[batch.rows]
    return pa.table(
        {
            "case_id": pa.array(case_ids[found.group], pa.int64()),
            "venue_id": pa.array(batch.index.venues.ids[found.venue], pa.int64()),
            "first_s": pa.array(found.first, pa.int64()),
            "last_s": pa.array(found.last, pa.int64()),
            "people_exposed": pa.array(found.exposed, pa.int32()),
        }
    )


class _Components:
    """Union-find over case ids."""

    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        parent = self.parent
        parent.setdefault(x, x)
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


_CLUSTER_RULE_KEY = "cluster_rule"


def clusters_need_rebuild(con: duckdb.DuckDBPyConnection) -> bool:
    """True when traced cases were clustered under another cluster rule than the one in force (or none recorded)."""
    if not con.execute("SELECT count(*) FROM traces").fetchall()[0][0]:
        return False
    found = con.execute("SELECT value FROM meta WHERE key = ?", [_CLUSTER_RULE_KEY]).fetchall()
    return not found or found[0][0] != cluster_rule().name


def rebuild_clusters(con: duckdb.DuckDBPyConnection, load_id: int) -> int:
    """Clusters every traced case again from its stored links, under the cluster rule in force (after the rule
    changed); inside the caller's transaction. Returns how many clusters there are."""
    con.execute("DELETE FROM clusters")
    con.execute("DELETE FROM cluster_cases")
    every = con.sql("SELECT case_id FROM traces").to_arrow_table()
    con.register("new_traces", every)
    try:
        return _update_clusters(con, load_id)
    finally:
        con.unregister("new_traces")


def _update_clusters(con: duckdb.DuckDBPyConnection, load_id: int) -> int:
    """Reclusters the cases the new traces touch: the new (or retraced) cases, the cases they link to, and every
    member of those cases' clusters, from the links among them all. So clusters merge when a link appears and
    split when a retrace (an earlier confirmation, a shorter window) removes one. Returns how many clusters
    there now are among those cases."""
    params = cluster_rule_params()
    new_cases = [row[0] for row in con.execute("SELECT case_id FROM new_traces").fetchall()]
    links = con.execute(sql("tracing/cluster_links"), params).fetchall()
    touched = set(new_cases) | {a for a, _ in links} | {b for _, b in links}
    con.register("touched_cases", pa.table({"case_id": pa.array(sorted(touched), pa.int64())}))
    members = con.execute(sql("tracing/cluster_members")).fetchall()
    con.unregister("touched_cases")
    scope = sorted(touched | {case_id for _, case_id in members})
    con.register("scope_cases", pa.table({"case_id": pa.array(scope, pa.int64())}))
    try:
        among = con.execute(sql("tracing/links_among"), params).fetchall()
    finally:
        con.unregister("scope_cases")
    components = _Components()
    for case_id in scope:
        components.find(case_id)
    for a, b, _via, _venue in among:
        components.union(a, b)
    rewritten = pa.table(
        {
            "cluster_id": pa.array([components.find(c) for c in scope], pa.int64()),
            "case_id": pa.array(scope, pa.int64()),
        }
    )
    old_clusters = sorted({cluster_id for cluster_id, _ in members})
    con.register("old_clusters", pa.table({"cluster_id": pa.array(old_clusters, pa.int64())}))
    con.register("new_cluster_cases", rewritten)
    try:
        con.execute("DELETE FROM clusters WHERE cluster_id IN (SELECT cluster_id FROM old_clusters)")
        con.execute("DELETE FROM cluster_cases WHERE cluster_id IN (SELECT cluster_id FROM old_clusters)")
        con.execute("DELETE FROM cluster_cases WHERE case_id IN (SELECT case_id FROM new_cluster_cases)")
        con.execute("INSERT INTO cluster_cases SELECT cluster_id, case_id FROM new_cluster_cases")
        con.execute(sql("tracing/store_clusters"), {"load_id": load_id})
        con.execute(sql("tracing/recount_cluster_new_7d"))
        con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [_CLUSTER_RULE_KEY, cluster_rule().name])
    finally:
        con.unregister("old_clusters")
        con.unregister("new_cluster_cases")
    return len(set(rewritten.column("cluster_id").to_pylist()))
