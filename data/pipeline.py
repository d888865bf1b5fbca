"""The one write path: a batch of validated events is appended, derived in a fixed order, committed, announced.

    batch ──▶ append ──▶ cases ──▶ summaries ──▶ tracing ──▶ cards ──▶ coverage ──▶ levels ──▶ commit ──▶ announce
              events     first      per ward     F1, F2,      card      vaccine      area       data        the new
              (idem-     positive   per day      points,      colours   coverage     levels     version     version to
              potent)    test                    quarantine,                                    + 1         Redis: open
                                                 clusters                                                   pages redraw

The order is the dependencies': tracing reads the cases; the cards read the quarantines tracing writes; the levels
read the day summaries and coverage. Every stage works on what the batch changed (its load id marks its rows). The
file loader (data/loader.py) and the stream's consumer (data/stream.py, data/consumer.py) hand batches here; nothing
else writes to the store. Just before the commit, a batch that added events counts them by minute of arrival, kind and
district (`arrivals`): the wall's live panel reads events per minute by arrival, which the events' own times cannot say.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Protocol

import duckdb

from data.derive import cases as derive_cases
from data.derive import rules as derive_rules
from data.derive.tracing import SERVICE as TRACING
from data.sql import sql
from data.store import Store, bump_data_version, current_data_version, transaction

log = logging.getLogger(__name__)

Progress = Callable[[str], None]
# The tracing stage: traces the batch's new cases inside its transaction (tests put a stand-in here).
TracingStage = Callable[[duckdb.DuckDBPyConnection, int], object]
# The hour each store (by its connection) last forgot old arrivals in: pruning runs once an hour, not at every commit.
_arrivals_pruned: dict[int, dt.datetime] = {}


@dataclass
class TableReport:
    table: str
    files: int
    read: int = 0
    loaded: int = 0
    already_loaded: int = 0
    rejected: int = 0  # refused alone (the stream); a file load refuses the whole dataset instead
    seconds: float = 0.0


@dataclass
class LoadReport:
    """What one batch did: rows per table, seconds per stage, the data version it committed."""

    load_id: int
    data_version: int
    seconds: float
    tables: list[TableReport] = field(default_factory=list)
    stages: dict[str, float] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return any(t.loaded for t in self.tables)

    def lines(self) -> list[str]:
        out = [
            f"{'table':<13}{'files':>6}{'read':>14}{'loaded':>14}{'already there':>15}{'rejected':>10}{'rows/s':>12}"
        ]
        # A file load is all or nothing: one rejected row refuses the dataset, so a committed load rejected none. The
        # stream's batches refuse events alone (data/stream.py), and count them here.
        for t in self.tables:
            rate = f"{t.read / t.seconds:,.0f}" if t.seconds else "-"
            out.append(
                f"{t.table:<13}{t.files:>6}{t.read:>14,}{t.loaded:>14,}{t.already_loaded:>15,}{t.rejected:>10,}{rate:>12}"
            )
        if self.stages:
            out.append("stages: " + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in self.stages.items()))
        out.append(f"load {self.load_id} committed in {self.seconds:.1f} s; data version {self.data_version}")
        return out


class Batch(Protocol):
    """Events to append: a dataset folder (the loader), entries of the ingest stream (data/stream.py)."""

    source: str  # recorded in `loads`

    def append(self, con: duckdb.DuckDBPyConnection, load_id: int, progress: Progress) -> list[TableReport]:
        """Validates and appends the batch's rows with `load_id`, inside the pipeline's transaction; raises an error
        naming the bad row (the transaction is then rolled back)."""
        ...

    def explain(self, con: duckdb.DuckDBPyConnection, error: BaseException) -> BaseException | None:
        """After a rollback: a clearer error for the user in place of `error` (or None to keep it)."""
        ...


class _StageClock:
    """Times the stages of one batch, in the order they run, and tells the progress callback as each starts."""

    def __init__(self, progress: Progress) -> None:
        self.seconds: dict[str, float] = {}
        self._progress = progress

    @contextmanager
    def __call__(self, name: str, what: str) -> Iterator[None]:
        self._progress(f"{name}: {what}")
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started


def derive(con: duckdb.DuckDBPyConnection, load_id: int, stage: _StageClock, tracing: TracingStage) -> None:
    """The derivations of one batch, in order, inside its transaction."""
    with stage("cases", "confirmed cases"):
        derive_cases.derive_cases(con, load_id)
    with stage("summaries", "counts per ward and day"):
        derive_cases.summarise_ward_days(con, load_id)
    with stage("tracing", "F1, F2 and points of the new cases, quarantines, clusters"):
        tracing(con, load_id)
    refresh = derive_rules.RulesRefresh.begin(con, load_id)
    if refresh is None:
        return
    with stage("cards", "card colours"):
        refresh.cards()
    with stage("coverage", "vaccine coverage"):
        refresh.coverage()
    with stage("levels", "area levels"):
        refresh.levels()
    refresh.finish()


def _run(
    con: duckdb.DuckDBPyConnection, batch: Batch, progress: Progress, tracing: TracingStage, received_at: dt.datetime
) -> LoadReport:
    """On the writer thread: the batch in one transaction, all or nothing, then the instant its commit returned."""
    started = time.perf_counter()
    stage = _StageClock(progress)
    try:
        with transaction(con):
            load_id = con.execute(sql("pipeline/next_load_id")).fetchall()[0][0]
            con.execute(
                sql("pipeline/start_load"), {"load_id": load_id, "source": batch.source, "started_at": received_at}
            )
            report = LoadReport(load_id=load_id, data_version=0, seconds=0.0)
            with stage("append", "validating and appending the events"):
                report.tables = batch.append(con, load_id, progress)
            derive(con, load_id, stage, tracing)
            if report.changed:
                with stage("arrivals", "events per kind and district for the live panel"):
                    arrived_at = dt.datetime.now(dt.UTC)
                    con.execute(sql("pipeline/count_arrivals"), {"load_id": load_id, "arrived_at": arrived_at})
                    # A live feed adds rows every minute for ever; the panel draws 15 minutes of them.
                    hour = arrived_at.replace(minute=0, second=0, microsecond=0)
                    if _arrivals_pruned.get(id(con)) != hour:  # once an hour per store, at its first commit
                        con.execute(sql("pipeline/prune_arrivals"), {"arrived_at": arrived_at})
                        _arrivals_pruned[id(con)] = hour
            # A batch that added nothing (a re-sent file) keeps the version, so caches keyed on it stay valid.
            report.data_version = bump_data_version(con) if report.changed else current_data_version(con)
            report.seconds = time.perf_counter() - started
            report.stages = stage.seconds
            con.execute(
                sql("pipeline/finish_load"),
                {
                    "load_id": load_id,
                    "finished_at": dt.datetime.now(dt.UTC),
                    "rows_loaded": sum(t.loaded for t in report.tables),
                    "data_version": report.data_version,
                },
            )
    except Exception as error:
        clearer = batch.explain(con, error)
        if clearer is None:
            raise
        raise clearer from error
    _record_commit(con, report.load_id)
    log.info("batch %d (%s): %s", report.load_id, batch.source, ", ".join(report.lines()[-2:]))
    return report


def _record_commit(con: duckdb.DuckDBPyConnection, load_id: int) -> None:
    """Records the instant the batch's commit returned: a tracer sees its lists from then on, not from the end of the
    tracing stage, so the result-to-list figure ends here. It cannot be written inside the transaction it times; the
    batch is committed whatever happens to this small write after it."""
    try:
        con.execute(sql("pipeline/commit_load"), {"load_id": load_id, "committed_at": dt.datetime.now(dt.UTC)})
    except duckdb.Error:
        log.exception("batch %d committed, but its commit time could not be recorded", load_id)


def run(
    store: Store, batch: Batch, progress: Progress | None = None, tracing: TracingStage | None = None
) -> LoadReport:
    """Appends and derives `batch` on the store's writer, commits, then announces the new data version (Redis, the
    warm caches). `tracing` replaces the automatic tracing stage (tests)."""
    # Received now: the figure "result to list" starts here, so a wait for the writer (another batch, the index build
    # at start) counts in it, as it does for the tracer waiting on the list.
    received_at = dt.datetime.now(dt.UTC)
    report = store.writer.run(
        _run, batch, progress or (lambda _message: None), tracing or TRACING.trace_load, received_at
    )
    if report.changed:
        store.writer.committed(report.data_version)
    return report


def start_tracing(store: Store) -> threading.Thread:
    """At server start, in the background on the writer: builds the tracing index and traces any case no trace covers
    yet (a store loaded before tracing existed, or clustered under another rule), then announces the new data version
    if that wrote anything. Pages work meanwhile; batches wait for it."""

    def run() -> None:
        try:
            summary = store.writer.run(TRACING.warm)
        except Exception:
            log.exception("tracing: warming the index failed; the next batch builds it")
            return
        if summary.get("data_version") is not None:
            store.writer.committed(summary["data_version"])
        log.info("tracing: warm (%s)", summary)

    thread = threading.Thread(target=run, name="pccovid-tracing-warm", daemon=True)
    thread.start()
    return thread
