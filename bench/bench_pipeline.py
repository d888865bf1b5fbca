"""The write path stage by stage: a bulk load of a scenario, then small batches on the full store.

Prints, for a preset: the seconds of each stage (append, cases, summaries, tracing, cards, coverage, levels) of one
bulk load of everything before the last day; then the last day's events cut into batches of about --batch events in
the order they arrive, each loaded on the full store, with the stages' median and maximum and the time from a positive
result received to its F1 list visible (to the commit, as the overview shows it); then, as the peer doing the
same work without the incremental path, the rules' tables rebuilt from scratch on the same store. Never fails on
time; the datasets and stores live under bench/out/ (git-ignored).
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import shutil
import statistics
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_load import OUT, ensure_dataset  # noqa: E402
from data.derive.rules import rebuild_all  # noqa: E402
from data.loader import load_dataset  # noqa: E402
from data.store import Store, transaction  # noqa: E402
from scenario.replay import ARRIVAL, REGISTERS, split_by_day, table_source  # noqa: E402

STAGES = ("append", "cases", "summaries", "tracing", "cards", "coverage", "levels")


def cut_batches(day: Path, out: Path, size: int) -> list[Path]:
    """The events of one day's folder in arrival order, cut into folders of about `size` events each."""
    shutil.rmtree(out, ignore_errors=True)
    tables = {}
    for name, column in ARRIVAL.items():
        source = table_source(day, name)
        if source is not None:
            table = ds.dataset(source).to_table()
            tables[name] = table.append_column("_arrival", pc.cast(table.column(column), pa.timestamp("us", "UTC")))
    arrivals = pa.concat_arrays([t.column("_arrival").combine_chunks() for t in tables.values()])
    ordered = pc.sort_indices(arrivals)
    edges = [arrivals[int(ordered[i].as_py())] for i in range(0, len(arrivals), size)][1:]
    bounds = [None, *edges, None]
    folders = []
    for i in range(len(bounds) - 1):
        folder = out / f"batch-{i + 1:04d}"
        folder.mkdir(parents=True)
        for name, table in tables.items():
            at = table.column("_arrival")
            conditions = []
            if bounds[i] is not None:
                conditions.append(pc.greater_equal(at, bounds[i]))
            if bounds[i + 1] is not None:
                conditions.append(pc.less(at, bounds[i + 1]))
            if conditions:
                table = table.filter(functools.reduce(pc.and_, conditions))
            part = table.drop_columns(["_arrival"])
            if part.num_rows:
                pq.write_table(part, folder / f"{name}.parquet")
        folders.append(folder)
    return folders


def stages_line(stages: dict[str, float]) -> str:
    return "  ".join(f"{name} {stages.get(name, 0.0):6.2f}" for name in STAGES)


def events(report) -> int:
    return sum(t.read for t in report.tables if t.table not in REGISTERS)


def seconds_line(values: list[float]) -> str:
    return f"median {statistics.median(values):.2f} s, max {max(values):.2f} s" if values else "no case traced"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--preset", default="demo")
    parser.add_argument("--batch", type=int, default=10_000, help="events per small batch")
    parser.add_argument("--batches", type=int, default=8, help="how many small batches to load")
    args = parser.parse_args()

    dataset = ensure_dataset(args.preset)
    work = OUT / f"pipeline-{args.preset}"
    days = work / "days"
    # Cutting the bench preset's 110 M check-ins takes minutes: kept between runs, made again if the dataset is newer.
    if (days / "done").exists() and (days / "done").stat().st_mtime > (dataset / "people.parquet").stat().st_mtime:
        folders = sorted(days.iterdir(), key=lambda f: (f.name != "history", f.name))
        folders = [f for f in folders if f.is_dir()]
    else:
        folders = split_by_day(dataset, days, live_days=1)
        (days / "done").touch()
    batches = cut_batches(folders[-1], work / "batches", args.batch)[: args.batches]
    db = work / "store.duckdb"
    db.unlink(missing_ok=True)
    store = Store(db)
    try:
        print(f"\n{args.preset}: bulk load of everything before the last day ({folders[0].name})", flush=True)
        started = time.perf_counter()
        bulk = load_dataset(store, folders[0])
        wall = time.perf_counter() - started
        print(f"  {events(bulk):,} events, {wall:.1f} s to commit")
        print(f"  stages (s): {stages_line(bulk.stages)}")

        print(f"\n{args.preset}: {len(batches)} batches of about {args.batch:,} events on the full store", flush=True)
        seconds: dict[str, list[float]] = {name: [] for name in STAGES}
        derived, walls = [], []
        visible, stage_only = [], []  # per traced case: result received → list visible; the tracing stage's part
        for folder in batches:
            started = time.perf_counter()
            report = load_dataset(store, folder)
            walls.append(time.perf_counter() - started)
            for name in STAGES:
                seconds[name].append(report.stages.get(name, 0.0))
            derived.append(sum(v for k, v in report.stages.items() if k != "append"))
            traced = store.query("tracing/load_result_to_list", load_id=report.load_id).to_pylist()
            visible += [t["visible_s"] for t in traced if t["visible_s"] is not None]
            stage_only += [t["stage_s"] for t in traced]
            shown = traced[0]["visible_s"] if traced else None
            to_list = "no new case" if not traced else f"result → list visible {shown:.2f} s" if shown else "-"
            print(
                f"  {folder.name}: {events(report):>7,} events  {stages_line(report.stages)}  commit {walls[-1]:.2f} s"
                f"  {len(traced):>4} cases, {to_list}"
            )
        if batches:
            print("  median (s): " + stages_line({k: statistics.median(v) for k, v in seconds.items()}))
            print("  max    (s): " + stages_line({k: max(v) for k, v in seconds.items()}))
            print(
                f"  derived per batch (every stage after append): median {statistics.median(derived):.2f} s, "
                f"max {max(derived):.2f} s; event to commit: median {statistics.median(walls):.2f} s, "
                f"max {max(walls):.2f} s"
            )
            print(
                f"  result received → F1 list visible (batch handed to the write path → its commit), over the "
                f"{len(visible):,} cases the batches traced: {seconds_line(visible)}"
            )
            print(
                f"  (the tracing stage alone, case rows stored → lists written, before the rules' refresh and the "
                f"commit: {seconds_line(stage_only)})"
            )

        def rebuild(con):
            with transaction(con):
                started = time.perf_counter()
                rebuild_all(con)
                return time.perf_counter() - started

        peer = store.writer.run(rebuild)
        print(
            f"\npeer: the rules' tables (cards, coverage, levels) rebuilt from scratch on the same store: {peer:.2f} s"
        )
    finally:
        store.close()
    print(f"({dt.datetime.now():%H:%M} on this machine; figures vary with its load)")


if __name__ == "__main__":
    main()
