"""Refreshing the index after a load that registers new people and venues: appended, not rebuilt, same traces."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow.parquet as pq

from data.loader import load_dataset
from data.store import Store
from data.tracing_source import TracingSource
from tests import seed
from tracing import build_index, trace


def _without_time(result: dict) -> dict:
    return {k: v for k, v in result.items() if k != "elapsed_ms"}


def _later_load(folder: Path, person_id: int, household_id: int) -> Path:
    folder.mkdir()
    people = [(person_id, None, "Lý Thị Phương", dt.date(1990, 1, 1), "F", "0911000111", household_id, seed.BEN_NGHE)]
    pq.write_table(seed.table("people", people), folder / "people.parquet")
    venues = [(6, "Tiệm tạp hóa Bến Nghé", "market", seed.BEN_NGHE, 10.776, 106.70)]
    pq.write_table(seed.table("venues", venues), folder / "venues.parquet")
    checkins = [
        (1201, person_id, 2, seed.at(21, 9, 30), "person_scan", "in"),  # with case 1 at the café
        (1202, 1, 6, seed.at(22, 8), "person_scan", "in"),
        (1203, 9, 6, seed.at(22, 8, 20), "person_scan", "in"),
    ]
    pq.write_table(seed.table("checkins", checkins), folder / "checkins.parquet")
    tests = [(3301, person_id, seed.at(24, 8), seed.at(24, 20), "pcr", "positive")]
    pq.write_table(seed.table("tests", tests), folder / "tests.parquet")
    return folder


def test_new_people_and_venues_are_appended_and_trace_as_a_rebuild(store: Store, tmp_path: Path) -> None:
    index = build_index(TracingSource(store.cursor()))
    # A newcomer joining household 200 (Hoàng Đức Giang's), a new shop.
    load_dataset(store, _later_load(tmp_path / "later", 13, 200))
    refreshed = index.refresh(TracingSource(store.cursor()))
    assert refreshed is index and len(refreshed.checkins) == 2 and refreshed.last_load == 2
    rebuilt = build_index(TracingSource(store.cursor()))
    for case in rebuilt.cases.person_id.tolist():
        assert _without_time(trace(refreshed, case)) == _without_time(trace(rebuilt, case))
    f1 = {e["person_id"]: e for e in trace(refreshed, 1)["f1"]}
    assert f1[13]["via"] == "venue" and f1[9]["venue_id"] == 6
    assert {e["person_id"] for e in trace(refreshed, 13)["f1"]} >= {6}  # household


def test_a_new_person_numbered_among_the_known_ones_rebuilds(store: Store, tmp_path: Path) -> None:
    index = build_index(TracingSource(store.cursor()))
    folder = tmp_path / "gap"
    folder.mkdir()
    pq.write_table(
        seed.table("people", [(0, None, "Mai Văn Quang", dt.date(1980, 5, 5), "M", None, 999, seed.PHUC_XA)]),
        folder / "people.parquet",
    )
    load_dataset(store, folder)
    refreshed = index.refresh(TracingSource(store.cursor()))
    assert refreshed is not index and len(refreshed.people) == 13
