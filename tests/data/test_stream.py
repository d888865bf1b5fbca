"""Stream entries through the write path: the same store as a file load, each bad event refused alone, replays harmless."""

from __future__ import annotations

import datetime as dt

from data import pipeline
from data.store import Store
from data.stream import Received, StreamBatch
from ingest.events import Checkin, Contact, Vaccination
from ingest.events import Test as LabTest  # not collected by pytest
from tests import seed
from tests.stream_seed import entries, seed_events

EVENT_TABLES = ("checkins", "contacts", "tests", "vaccinations", "declarations")
DERIVED = ("cases", "ward_day")


def rows(store: Store, table: str) -> list[tuple]:
    # Identifiers from this module's lists; load_id differs between the two stores and is left out.
    cur = store.cursor()
    columns = [c for c in [d[0] for d in cur.execute(f"SELECT * FROM {table} LIMIT 0").description] if c != "load_id"]
    return sorted(cur.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall(), key=repr)


def refused(store: Store) -> list[tuple]:
    return (
        store.cursor()
        .execute(
            "SELECT entry_id, event_index, kind, event_id, field, reason FROM refused_events ORDER BY entry_id, event_index"
        )
        .fetchall()
    )


def test_streamed_events_make_the_store_a_file_load_makes(register_store: Store, store: Store) -> None:
    report = pipeline.run(register_store, StreamBatch(entries(seed_events())))
    assert {t.table: (t.read, t.loaded, t.rejected) for t in report.tables} == {
        name: (len(seed.ROWS[name]), len(seed.ROWS[name]), 0) for name in EVENT_TABLES
    }
    for table in EVENT_TABLES + DERIVED:
        assert rows(register_store, table) == rows(store, table), table
    assert refused(register_store) == []


def test_a_replayed_batch_changes_nothing(register_store: Store) -> None:
    batch = entries(seed_events())
    first = pipeline.run(register_store, StreamBatch(batch))
    before = {t: rows(register_store, t) for t in EVENT_TABLES + DERIVED}
    again = pipeline.run(register_store, StreamBatch(batch))
    assert not again.changed and again.data_version == first.data_version
    assert [(t.loaded, t.already_loaded) for t in again.tables] == [(0, t.read) for t in first.tables]
    assert {t: rows(register_store, t) for t in EVENT_TABLES + DERIVED} == before


def test_a_bad_event_is_refused_alone_and_the_rest_is_stored(register_store: Store) -> None:
    now = dt.datetime.now(dt.UTC)
    good = seed_events()
    bad = [
        Checkin(9001, 99, 1, seed.at(20, 9), "person_scan"),  # nobody 99 in the register
        LabTest(9002, 1, now + dt.timedelta(days=1), now + dt.timedelta(days=1), "pcr", "negative"),  # in the future
        Vaccination(9003, 4, seed.at(2, 9), 11, "AstraZeneca"),  # dose out of bounds
        Contact(9004, 1, 4, seed.at(20, 8), 600, 5000.0),  # farther than an encounter
    ]
    report = pipeline.run(register_store, StreamBatch(entries(good + bad, per_entry=7)))
    assert {t.table: t.rejected for t in report.tables} == {
        "checkins": 1,
        "contacts": 1,
        "tests": 1,
        "vaccinations": 1,
        "declarations": 0,
    }
    assert {t.table: t.loaded for t in report.tables} == {name: len(seed.ROWS[name]) for name in EVENT_TABLES}
    found = {row[3]: (row[2], row[4], row[5]) for row in refused(register_store)}
    assert found[9001] == ("checkins", "person_id", "no person 99 in the register")
    assert found[9002][:2] == ("tests", "sample_ts") and "in the future" in found[9002][2]
    assert found[9003][:2] == ("vaccinations", "dose")
    assert found[9004][:2] == ("contacts", "distance_m")
    # each refusal names where it came from: 32 seed events and 4 bad ones, 7 to an entry
    positions = {row[3]: (row[0], row[1]) for row in refused(register_store)}
    assert positions[9001] == ("1627000000000-5", 4)
    assert positions[9004] == ("1627000000000-6", 0)


def test_a_changed_resend_is_refused_and_an_identical_one_ignored(register_store: Store) -> None:
    pipeline.run(register_store, StreamBatch(entries(seed_events())))
    stored = seed.ROWS["tests"][1]  # 3002, person 2, negative
    changed = LabTest(*stored[:5], "positive")
    copy = LabTest(*stored)
    # in one batch: a copy of a stored event, a changed one, and a new event sent twice with different content
    new, new_changed = (
        Checkin(1101, 5, 1, seed.at(22, 8), "person_scan"),
        Checkin(1101, 5, 2, seed.at(22, 8), "person_scan"),
    )
    report = pipeline.run(register_store, StreamBatch(entries([copy, changed, new, new_changed], first=100)))
    by_table = {t.table: t for t in report.tables}
    assert (by_table["tests"].loaded, by_table["tests"].already_loaded, by_table["tests"].rejected) == (0, 1, 1)
    assert (by_table["checkins"].loaded, by_table["checkins"].already_loaded, by_table["checkins"].rejected) == (
        1,
        0,
        1,
    )
    assert [r[2:5] for r in refused(register_store)] == [("tests", 3002, "result"), ("checkins", 1101, "venue_id")]
    reasons = [r[5] for r in refused(register_store)]
    assert (
        reasons[0]
        == "event_id 3002 is stored with result negative, this event has positive; a correction must be sent as a new event"
    )
    assert reasons[1].startswith("event_id 1101 is sent earlier on the stream with venue_id 1, this event has 2")
    assert register_store.cursor().execute("SELECT venue_id FROM checkins WHERE event_id = 1101").fetchall() == [(1,)]
    assert register_store.cursor().execute("SELECT result FROM tests WHERE event_id = 3002").fetchall() == [
        ("negative",)
    ]


def test_refusals_of_a_replayed_entry_are_kept_once(register_store: Store) -> None:
    batch = entries([Checkin(9001, 99, 1, seed.at(20, 9), "person_scan")])
    batch.append(Received("1627000000001-0", None, "damaged stream entry: truncated"))
    pipeline.run(register_store, StreamBatch(batch))
    pipeline.run(register_store, StreamBatch(batch))
    assert refused(register_store) == [
        ("1627000000000-1", 0, "checkins", 9001, "person_id", "no person 99 in the register"),
        ("1627000000001-0", -1, "entry", None, "entry", "damaged stream entry: truncated"),
    ]
