"""A dataset cut into history and daily folders (scenario/replay.py), loaded in order as a live store grows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow.dataset as ds
import pytest

from data.loader import load_dataset
from data.store import Store
from scenario.replay import ARRIVAL, VN, split_by_day
from tests import seed


def rows(folder: Path, name: str) -> list[dict]:
    path = folder / f"{name}.parquet"
    return ds.dataset(path).to_table().to_pylist() if path.exists() else []


def test_every_event_lands_once_in_the_folder_of_its_local_day(seed_dir: Path, tmp_path: Path) -> None:
    folders = split_by_day(seed_dir, tmp_path / "by-day", live_days=2)
    assert [f.name for f in folders] == ["history", "day-2021-07-23", "day-2021-07-24"]
    assert len(rows(folders[0], "people")) == len(seed.PEOPLE) and not rows(folders[1], "people")
    for name, column in ARRIVAL.items():
        parts = [rows(f, name) for f in folders]
        assert sum(len(p) for p in parts) == len(seed.ROWS[name]), name
        for folder, part in zip(folders[1:], parts[1:], strict=True):
            day = dt.date.fromisoformat(folder.name.removeprefix("day-"))
            assert all(r[column].astimezone(VN).date() == day for r in part), (name, folder.name)
        assert all(r[column].astimezone(VN).date() < dt.date(2021, 7, 23) for r in parts[0]), name
    # 23 July: case 1's positive PCR (and 11's second); 24 July: the two negatives.
    assert sorted(r["event_id"] for r in rows(folders[1], "tests")) == [3001, 3006, 3008]


def test_loading_the_days_in_order_gives_the_store_one_load_gives(seed_dir: Path, tmp_path: Path) -> None:
    counts = "SELECT (SELECT count(*) FROM cases), (SELECT count(*) FROM traces), (SELECT count(*) FROM checkins)"
    whole = Store(tmp_path / "whole.duckdb")
    load_dataset(whole, seed_dir)
    by_day = Store(tmp_path / "by-day.duckdb")
    for folder in split_by_day(seed_dir, tmp_path / "by-day", live_days=3):
        load_dataset(by_day, folder)
    try:
        assert by_day.cursor().execute(counts).fetchall() == whole.cursor().execute(counts).fetchall()
        # Case 1 was traced in the load of its result's day, not in the history's.
        assert by_day.cursor().execute("SELECT load_id FROM traces WHERE case_id = 1").fetchall() == [(3,)]
    finally:
        whole.close()
        by_day.close()


def test_at_least_one_live_day(seed_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="live_days"):
        split_by_day(seed_dir, tmp_path / "none", live_days=0)


def test_a_dataset_without_test_results_is_named(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="no tests.parquet"):
        split_by_day(tmp_path / "empty", tmp_path / "out")
