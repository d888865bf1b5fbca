"""A dataset cut into history and then one folder per day, so a store can be built the way a live one grows.

Loaded in that order, the last days arrive as a running platform receives them: each day's positive results
are stored and traced in a load of their own, so the result-to-list time the overview shows is that of daily
loads, not of one bulk load of six months (where every case waits for the whole batch).
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

VN = dt.timezone(dt.timedelta(hours=7))

# The instant that decides when an event reaches the platform (people and venues come with the history).
ARRIVAL = {
    "checkins": "ts",
    "contacts": "start_ts",
    "tests": "result_ts",
    "vaccinations": "ts",
    "declarations": "ts",
    "infections": "ts",
}
REGISTERS = ("people", "venues")


def table_source(dataset: Path, name: str) -> Path | None:
    """A table of a dataset folder: `name.parquet` or the folder `name/` of parts; None when it has neither."""
    for candidate in (dataset / name, dataset / f"{name}.parquet"):
        if candidate.exists():
            return candidate
    return None


def last_day(dataset: Path) -> dt.date:
    """The last local day with a test result: where a dataset ends."""
    source = table_source(dataset, "tests")
    if source is None:
        raise ValueError(f"{dataset}: no tests.parquet (nor tests/): the last day of the data comes from test results")
    latest = pc.max(ds.dataset(source).to_table(columns=["result_ts"]).column("result_ts")).as_py()
    if latest is None:
        raise ValueError(f"{source}: no test results, so no last day to cut the days from")
    return latest.astimezone(VN).date()


def split_by_day(dataset: Path, out: Path, live_days: int = 7) -> list[Path]:
    """Writes `out/history` (everything before the last `live_days` local days) and `out/day-YYYY-MM-DD` for each
    of those days; returns the folders in the order to load them. Rewrites `out` from scratch."""
    if live_days < 1:
        raise ValueError("live_days must be at least 1")
    last = last_day(dataset)
    days = [last - dt.timedelta(days=n) for n in range(live_days - 1, -1, -1)]
    edges = [dt.datetime.combine(d, dt.time(), VN) for d in days] + [
        dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), VN)
    ]
    shutil.rmtree(out, ignore_errors=True)
    folders = [out / "history", *(out / f"day-{d.isoformat()}" for d in days)]
    for folder in folders:
        folder.mkdir(parents=True)
    for name in REGISTERS:
        source = table_source(dataset, name)
        if source is not None:
            pq.write_table(ds.dataset(source).to_table(), folders[0] / f"{name}.parquet")
    for name, column in ARRIVAL.items():
        source = table_source(dataset, name)
        if source is None:
            continue
        table = ds.dataset(source).to_table()
        at = table.column(column)
        bounds = [None, *(pa.scalar(e, at.type) for e in edges)]
        for i, folder in enumerate(folders):
            if i == 0:
                keep = pc.less(at, bounds[1])
            elif i == len(folders) - 1:  # the last day keeps anything later too: nothing is dropped
                keep = pc.greater_equal(at, bounds[i])
            else:
                keep = pc.and_(pc.greater_equal(at, bounds[i]), pc.less(at, bounds[i + 1]))
            part = table.filter(keep)
            if part.num_rows:
                pq.write_table(part, folder / f"{name}.parquet")
    return folders
