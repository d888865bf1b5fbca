"""Refreshing the index after a load that registers new people and venues: appended, not rebuilt, same traces."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq

from data.loader import load_dataset
from data.store import Store
from data.tracing_source import TracingSource
from tests import seed
from tracing import build_index, trace
from tracing.index import MAX_SEGMENTS, NO_EXIT, CheckinSegment, ContactSegment


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


def test_many_small_loads_are_merged_in_memory_and_trace_as_a_rebuild(store: Store, tmp_path: Path) -> None:
    """A live feed commits a load every second or two: the index keeps few segments by merging the newest ones in
    memory (no rebuild), and an exit scanned loads after its arrival still closes it after the merges."""
    index = build_index(TracingSource(store.cursor()))
    loads = 3 * MAX_SEGMENTS
    for n in range(loads):
        folder = tmp_path / f"live-{n}"
        folder.mkdir()
        checkins = [(5001 + 2 * n, 8, 2, seed.at(21, 9, 10 + n), "person_scan", "in")]  # at the café with case 1
        if n < loads - 1:
            checkins.append((5000 + 2 * n, 9, 2, seed.at(21, 9, 10 + n), "person_scan", "in"))  # a tie with 8
        else:  # 9 leaves, closing its last arrival, which an earlier load (merged since) holds
            checkins.append((9999, 9, 2, seed.at(21, 9, 50), "person_scan", "out"))
        pq.write_table(seed.table("checkins", checkins), folder / "checkins.parquet")
        load_dataset(store, folder)
        refreshed = index.refresh(TracingSource(store.cursor()))
        assert refreshed is index, "a live load appends and merges, it never rebuilds"
        assert len(index.checkins) <= MAX_SEGMENTS
    sizes = [len(segment) for segment in index.checkins]
    assert all(older > 2 * newer for older, newer in itertools.pairwise(sizes)), sizes
    rebuilt = build_index(TracingSource(store.cursor()))
    assert sum(sizes) == sum(len(segment) for segment in rebuilt.checkins)
    closed = [int((segment.exit_end != NO_EXIT).sum()) for segment in index.checkins]
    assert sum(closed) == sum(int((segment.exit_end != NO_EXIT).sum()) for segment in rebuilt.checkins)
    for case in rebuilt.cases.person_id.tolist():
        assert _without_time(trace(index, case)) == _without_time(trace(rebuilt, case))


def test_a_merged_segment_is_the_segment_a_build_of_its_rows_gives() -> None:
    rng = np.random.default_rng(7)
    n_people, rows = 50, 4_000
    person = rng.integers(0, n_people, rows).astype(np.int32)
    venue = rng.integers(0, 20, rows).astype(np.int32)
    ts = rng.integers(0, 500, rows).astype(np.int32)  # many ties
    is_exit = np.zeros(rows, bool)
    halves = [
        CheckinSegment.build(person[s], venue[s], ts[s], is_exit[s], n_people)
        for s in np.split(np.arange(rows), [1_500])
    ]
    merged, whole = CheckinSegment.merge(halves, n_people), CheckinSegment.build(person, venue, ts, is_exit, n_people)
    for name in ("venue_key", "exit_end", "person", "by_person", "person_offsets"):
        assert np.array_equal(getattr(merged, name), getattr(whole, name)), name
    a, b = rng.integers(0, n_people, rows).astype(np.int32), rng.integers(0, n_people, rows).astype(np.int32)
    start, duration = ts, rng.integers(60, 900, rows).astype(np.int32)
    distance = rng.random(rows).astype(np.float32)
    parts = [
        ContactSegment.build(a[s], b[s], start[s], duration[s], distance[s], n_people)
        for s in np.split(np.arange(rows), [2_500])
    ]
    merged_contacts = ContactSegment.merge(parts, n_people)
    whole_contacts = ContactSegment.build(a, b, start, duration, distance, n_people)
    assert np.array_equal(merged_contacts.offsets, whole_contacts.offsets)
    # Within one person, encounters at the same start may come in another order (a build puts every encounter's
    # first person before the second's): compared as sets per person.
    for p in range(n_people):
        lo, hi = merged_contacts.offsets[p], merged_contacts.offsets[p + 1]
        mine = sorted(zip(merged_contacts.start[lo:hi].tolist(), merged_contacts.other[lo:hi].tolist(), strict=True))
        theirs = sorted(zip(whole_contacts.start[lo:hi].tolist(), whole_contacts.other[lo:hi].tolist(), strict=True))
        assert mine == theirs
        assert list(merged_contacts.start[lo:hi]) == sorted(merged_contacts.start[lo:hi])
