"""The tracing stage of the write path: every case a load confirms is traced inside that load, its lists stored, its
F1s quarantined, its cluster updated.

The loader calls `SERVICE.trace_load(con, load_id)` on the writer's connection inside the load's transaction, after
the `cases` table is up to date and before the rules engine reads `exposures` and `quarantine`. The process keeps
one warm index (`SERVICE`): built once (at server start, on the writer thread, by `start(store)`), refreshed from
the writer's connection before each load's tracing, so no request ever builds it. The tracing itself is pure
computation (tracing/); this module reads its input (data/tracing_source.py) and stores its results, every
statement a file under queries/tracing/.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from data.sql import sql
from data.store import bump_data_version, transaction
from data.tracing_source import TracingSource
from rules.tracing import cluster_rule, risk_rule, watch_rule
from tracing.clusters import Placed, place_cases
from tracing.index import EPOCH_S, TraceIndex, build_index
from tracing.results import contact_table, point_table, trace_table, watch_table
from tracing.risk import stored_risk_ranks
from tracing.tracer import rows_by_rule, trace_rows
from tracing.watch import watch_links

log = logging.getLogger(__name__)

# Before cases are traced again: their previous trace's quarantines, then its rows in each per-case table (an
# allow-list of statements, each reading the view `retraced`).
_FORGET_RETRACED = (
    "tracing/forget_quarantine",
    "tracing/forget_traces",
    "tracing/forget_trace_contacts",
    "tracing/forget_trace_points",
    "tracing/forget_trace_watch",
    "tracing/forget_exposures",
)


def cluster_rule_params() -> dict:
    """The cluster rule in force as the parameters of tracing/cluster_links.sql and tracing/source_links.sql."""
    rule = cluster_rule()
    return {"incubation_days": rule.incubation_days, "source_venue_kinds": list(rule.source_venue_kinds)}


def _store_id(con: duckdb.DuckDBPyConnection) -> str:
    found = con.execute(sql("tracing/store_id")).fetchall()
    return found[0][0] if found else ""


def _load_finished(con: duckdb.DuckDBPyConnection, load_id: int) -> bool:
    return bool(con.execute(sql("tracing/load_finished"), {"load_id": load_id}).fetchall()[0][0])


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
                or (index.last_load and index.last_load != load_id and not _load_finished(con, index.last_load))
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
        index = self.index_for(con)
        summary: dict = {"cases": 0, "data_version": None}
        if con.execute(sql("tracing/untraced_cases"), {"load_id": index.last_load}).fetchall():
            with transaction(con):
                summary = trace_new_cases(con, index.last_load, index)
                summary["data_version"] = bump_data_version(con)
        if clusters_need_rebuild(con):
            with transaction(con):
                summary["clusters_rebuilt"] = rebuild_clusters(con, index.last_load)
                summary["data_version"] = bump_data_version(con)
        if risk_ranks_need_rebuild(con):
            with transaction(con):
                summary["f1_reranked"] = rerank_contacts(con)
                summary["data_version"] = bump_data_version(con)
        return summary


SERVICE = TracingService()
TRACE_CHUNK = 1000  # cases traced and written together by a load's tracing stage


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
    them); each trace records it and the time its lists are written (ready_ts): the tracing stage's own share. The
    figure tracers read runs further, from the batch received to its commit (loads.started_at → committed_at).

    `index` must already hold the load's events (as `TracingService.index_for(con, load_id)` gives it); without
    one, the process's SERVICE is refreshed from `con`. Writes traces, trace_contacts, trace_points, exposures
    (F1), quarantine (F1, from the case's confirmation for the rule's days), the watch lists (trace_watch, no
    quarantine) and the clusters, all with `load_id`.
    """
    started = time.perf_counter()
    stored_ts = stored_ts or dt.datetime.now(dt.UTC)
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
        for statement in _FORGET_RETRACED:
            con.execute(sql(statement))
        con.unregister("retraced")
    rows = index.cases.find(case_ids)
    if (rows < 0).any():
        log.warning("tracing: %d cases not in the index (unknown people?) left untraced", int((rows < 0).sum()))
        rows = rows[rows >= 0]
    traces = []
    params = {"load_id": load_id, "base": EPOCH_S}
    n_points = n_watch = 0
    for rule, rule_rows in rows_by_rule(index, rows):
        # A bulk load's cases in chunks, each chunk's lists written before the next is traced: a community epidemic
        # names thousands of F2 per case, and a million people's cases at once did not fit in memory.
        for at in range(0, len(rule_rows), TRACE_CHUNK):
            batch = trace_rows(index, rule_rows[at : at + TRACE_CHUNK], rule)
            traces.append(trace_table(batch))
            new_contacts = pa.concat_tables([contact_table(batch, batch.f1, 1), contact_table(batch, batch.f2, 2)])
            new_points = point_table(batch)
            case_person = index.cases.person[batch.rows]
            watch = watch_links(index, rule, watch_rule(), risk_rule(), case_person, batch.window_start, batch.f1)
            new_watch = watch_table(batch, watch)
            n_points += new_points.num_rows
            n_watch += new_watch.num_rows
            del batch
            con.register("new_contacts", new_contacts)
            con.register("new_points", new_points)
            con.register("new_watch", new_watch)
            try:
                con.execute(sql("tracing/store_contacts"), params)
                con.execute(sql("tracing/store_points"), params)
                con.execute(sql("tracing/store_watch"), params)
            finally:
                for view in ("new_contacts", "new_points", "new_watch"):
                    con.unregister(view)
            del new_contacts, new_points, new_watch
    new_traces = pa.concat_tables(traces)
    con.register("new_traces", new_traces)
    try:
        con.execute(sql("tracing/store_exposures"), {"load_id": load_id})
        con.execute(sql("tracing/store_quarantine"), {"load_id": load_id})
        con.execute(
            sql("tracing/store_traces"), {**params, "stored_ts": stored_ts, "ready_ts": dt.datetime.now(dt.UTC)}
        )
        clustering = time.perf_counter()
        summary["clusters_touched"] = _update_clusters(con, load_id, new_traces)
        _record_risk_rule_if_all_ranked(con)
        summary["clusters_seconds"] = round(time.perf_counter() - clustering, 3)
    finally:
        con.unregister("new_traces")
    summary.update(
        f1=int(pc.sum(new_traces.column("f1_count")).as_py() or 0),
        f2=int(pc.sum(new_traces.column("f2_count")).as_py() or 0),
        points=n_points,
        watch=n_watch,
        seconds=round(time.perf_counter() - started, 3),
    )
    log.info("tracing: load %d traced %s", load_id, summary)
    return summary


def risk_ranks_need_rebuild(con: duckdb.DuckDBPyConnection) -> bool:
    """True when a stored F1 has no rank (a store traced before the risk order) or the F1 lists were ranked under
    another risk order than the one in force."""
    recorded = con.execute(sql("tracing/risk_rule_recorded")).fetchall()[0][0]
    return (recorded is not None and recorded != risk_rule().name) or _unranked(con)


def _unranked(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute(sql("tracing/unranked_f1")).fetchall()[0][0])


def _record_risk_rule_if_all_ranked(con: duckdb.DuckDBPyConnection) -> None:
    """After a load's traces, ranked under the order in force: records it when no order is recorded yet and every
    stored F1 is ranked (a new store). Otherwise older lists still need `rerank_contacts`, which records it."""
    if con.execute(sql("tracing/risk_rule_recorded")).fetchall()[0][0] is None and not _unranked(con):
        con.execute(sql("tracing/record_risk_rule"), {"name": risk_rule().name})


def rerank_contacts(con: duckdb.DuckDBPyConnection) -> int:
    """Ranks every stored F1 list and watch list again under the risk order in force (after the rule changed, or in a
    store traced before there was one); inside the caller's transaction. Returns how many F1 rows it ranked."""
    f1 = _rerank(con, "tracing/f1_to_rank", "tracing/store_risk_ranks")
    _rerank(con, "tracing/watch_to_rank", "tracing/store_watch_ranks")
    con.execute(sql("tracing/record_risk_rule"), {"name": risk_rule().name})
    log.info("tracing: %d F1 ranked under %s", f1, risk_rule().name)
    return f1


def _rerank(con: duckdb.DuckDBPyConnection, read: str, write: str) -> int:
    stored = con.sql(sql(read)).to_arrow_table()
    ranks = stored_risk_ranks(stored, risk_rule())
    new_ranks = pa.table(
        {"case_id": stored.column("case_id"), "person_id": stored.column("person_id"), "risk_rank": ranks}
    )
    con.register("new_ranks", new_ranks)
    try:
        con.execute(sql(write))
    finally:
        con.unregister("new_ranks")
    return stored.num_rows


def clusters_need_rebuild(con: duckdb.DuckDBPyConnection) -> bool:
    """True when traced cases were clustered under another cluster rule than the one in force (or none recorded)."""
    traced, recorded = con.execute(sql("tracing/cluster_rule_recorded")).fetchall()[0]
    return bool(traced) and recorded != cluster_rule().name


def rebuild_clusters(con: duckdb.DuckDBPyConnection, load_id: int) -> int:
    """Clusters every traced case again from its stored links, under the cluster rule in force (after the rule
    changed); inside the caller's transaction. Returns how many clusters there are."""
    con.execute(sql("tracing/clear_clusters"))
    con.execute(sql("tracing/clear_cluster_cases"))
    every = con.sql(sql("tracing/traced_cases")).to_arrow_table()
    con.register("new_traces", every)
    try:
        return _update_clusters(con, load_id, every)
    finally:
        con.unregister("new_traces")


def _update_clusters(con: duckdb.DuckDBPyConnection, load_id: int, new_traces: pa.Table) -> int:
    """Places again the cases the new traces touch: the new (or retraced) cases, the cases linked with them either way,
    and every member of those cases' clusters, each with its source and cluster (tracing/clusters.py); then, as long as
    some, the cases infected at a venue by a case of the scope whose placement that may change. Clusters elsewhere
    stay as they are, so a load costs in proportion to its cases and their clusters, not to the store. Returns how many
    clusters there now are among those cases. `new_traces` (case_id) is also registered as the view of that name."""
    params = cluster_rule_params()
    rounds = 0
    links = con.execute(sql("tracing/cluster_links"), params).fetchall()
    touched = set(new_traces.column("case_id").to_pylist()) | {a for a, _ in links} | {b for _, b in links}
    scope: set[int] = set()
    old_clusters: set[int] = set()
    while True:
        members = _query_with(con, "tracing/cluster_members", "touched_cases", touched - scope)
        old_clusters |= {cluster_id for cluster_id, _ in members}
        scope |= touched | {case_id for _, case_id in members}
        placed = _place(con, scope)
        focus = {
            row["case_id"]: (row["focus_kind"], row["focus_venue_id"])
            for row in placed.select(["case_id", "focus_kind", "focus_venue_id"]).to_pylist()
        }
        # A case outside the scope that opened a focus at a venue from a source inside it is placed again when that
        # source's cluster now has this venue as focus, or when a case of the scope was infected by the same
        # source at the same venue (one of them opens the focus, the other joins it).
        opening = {
            (row["source_id"], row["venue_id"])
            for row in placed.select(["source_id", "via", "venue_id"]).to_pylist()
            if row["via"] == "venue"
        }
        reopened = {
            case_id
            for case_id, source_id, venue_id in _query_with(con, "tracing/cut_children", "scope_cases", scope)
            if focus.get(source_id) == ("venue", venue_id) or (source_id, venue_id) in opening
        }
        rounds += 1
        if not reopened:
            break
        touched = reopened
    con.register("old_clusters", pa.table({"cluster_id": pa.array(sorted(old_clusters), pa.int64())}))
    con.register("new_cluster_cases", placed)
    try:
        con.execute(sql("tracing/forget_clusters"))
        con.execute(sql("tracing/forget_cluster_cases"))
        con.execute(sql("tracing/store_cluster_cases"))
        con.execute(sql("tracing/store_clusters"), {"load_id": load_id})
        con.execute(sql("tracing/recount_cluster_new_7d"))
        con.execute(sql("tracing/record_cluster_rule"), {"name": cluster_rule().name})
    finally:
        con.unregister("old_clusters")
        con.unregister("new_cluster_cases")
    log.info(
        "clusters: %d new cases placed %d cases (%d rounds) in %d clusters",
        new_traces.num_rows,
        len(scope),
        rounds,
        len(set(placed.column("cluster_id").to_pylist())),
    )
    return len(set(placed.column("cluster_id").to_pylist()))


def _query_with(con: duckdb.DuckDBPyConnection, query: str, view: str, case_ids: set[int]) -> list[tuple]:
    """The rows of `query` with `case_ids` registered as the view `view` (case_id)."""
    con.register(view, pa.table({"case_id": pa.array(sorted(case_ids), pa.int64())}))
    try:
        return con.execute(sql(query)).fetchall()
    finally:
        con.unregister(view)


def _place(con: duckdb.DuckDBPyConnection, scope: set[int]) -> pa.Table:
    """The cases of `scope` with their source and cluster under the rule in force (see tracing/clusters.py), sources
    outside the scope staying in the clusters stored for them."""
    con.register("scope_cases", pa.table({"case_id": pa.array(sorted(scope), pa.int64())}))
    try:
        cases = con.sql(sql("tracing/scope_case_times")).to_arrow_table()
        links = con.sql(sql("tracing/source_links"), params=cluster_rule_params()).to_arrow_table()
    finally:
        con.unregister("scope_cases")
    sources = set(links.column("source_id").to_pylist())
    clusters: dict[int, Placed] = {}  # one per cluster, shared by its cases
    placed = {
        case_id: clusters.setdefault(cluster_id, Placed(cluster_id, focus_kind or "household", focus_venue_id))
        for case_id, cluster_id, focus_kind, focus_venue_id in _query_with(
            con, "tracing/placed_sources", "source_cases", sources - scope
        )
    }
    opened = {
        (source_id, venue_id): clusters.setdefault(cluster_id, Placed(cluster_id, "venue", venue_id))
        for source_id, venue_id, cluster_id in _query_with(con, "tracing/opened_foci", "source_cases", sources)
        if cluster_id not in scope
    }
    return place_cases(cases, links, placed, cluster_rule(), opened)
