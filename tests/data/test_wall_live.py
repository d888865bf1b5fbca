"""The live panel's reads on the seed store: arrivals counted per kind and district by the write path, read back per
minute inside a jurisdiction, and the newest cases with their trace status and no personal data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from data.loader import load_dataset
from data.sql import sql
from data.store import Store
from data.viewer import NATIONAL, Viewer
from data.wall import LIVE_MINUTES, live_arrivals, minute_of, newest_cases, per_minute_now
from tests import seed
from tests.seed import at, table

HCMC, HANOI = Viewer("province", ("79",)), Viewer("province", ("01",))
SEED_COUNTS = {
    "checkin": len(seed.CHECKINS),
    "contact": len(seed.CONTACTS),
    "test": len(seed.TESTS),
    "vaccination": len(seed.VACCINATIONS),
    "declaration": len(seed.DECLARATIONS),
}


def arrived(viewer: Viewer) -> dict[str, int]:
    found = live_arrivals.uncached(viewer, minute_of(dt.datetime.now(dt.UTC)))
    return {kind: sum(counts) for kind, counts in found["per_kind"].items()}


def write_events(folder: Path, **rows: list[tuple]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, values in rows.items():
        pq.write_table(table(name, values), folder / f"{name}.parquet")
    return folder


def test_every_event_a_load_appends_arrives_once_in_its_district(seeded_runtime: Store, tmp_path: Path) -> None:
    assert arrived(NATIONAL) == SEED_COUNTS
    # Check-ins where the venue is, the rest where the (first) person lives: HCMC has people 1–7 and venues 1, 2, 5.
    hcmc = arrived(HCMC)
    assert hcmc == {"checkin": 8, "contact": 2, "test": 3, "vaccination": 3, "declaration": 2}
    ba_dinh = {"checkin": 1, "contact": 0, "test": 2, "vaccination": 2, "declaration": 0}  # Phúc Xá
    assert arrived(Viewer("district", ("001",))) == ba_dinh == arrived(HANOI)
    assert sum(arrived(HANOI).values()) + sum(hcmc.values()) < sum(SEED_COUNTS.values())  # Bắc Giang's are neither's

    more = write_events(
        tmp_path / "more",
        checkins=[(1101, 8, 4, at(25, 9, 0), "person_scan", "in"), (1102, 9, 4, at(25, 9, 5), "venue_scan", "in")],
        tests=[(3101, 9, at(25, 8, 0), at(25, 18, 0), "pcr", "positive")],
    )
    assert load_dataset(seeded_runtime, more).changed
    assert not load_dataset(seeded_runtime, more).changed  # re-sent: stored once, counted once
    assert arrived(HANOI)["checkin"] == 1 + 2 and arrived(HANOI)["test"] == 2 + 1
    assert arrived(NATIONAL)["checkin"] == SEED_COUNTS["checkin"] + 2


def test_arrivals_are_read_per_minute_with_the_newest_arrival(seeded_runtime: Store) -> None:
    now = dt.datetime.now(dt.UTC)
    found = live_arrivals.uncached(NATIONAL, minute_of(now))
    assert len(found["minutes"]) == LIVE_MINUTES and found["minutes"][-1] == minute_of(now).isoformat()
    assert found["per_kind"]["checkin"][-1] + found["per_kind"]["checkin"][-2] == len(seed.CHECKINS)
    last = dt.datetime.fromisoformat(found["last_ts"])
    assert dt.timedelta(0) <= now - last < dt.timedelta(minutes=2)
    # An hour later the seed's minute has left the window: nothing arrived since, and the last arrival stays.
    later = live_arrivals.uncached(NATIONAL, minute_of(now + dt.timedelta(hours=1)))
    assert all(sum(counts) == 0 for counts in later["per_kind"].values()) and later["last_ts"] == found["last_ts"]
    nowhere = live_arrivals.uncached(Viewer("province", ("96",)), minute_of(now))
    assert nowhere["last_ts"] is None and all(sum(c) == 0 for c in nowhere["per_kind"].values())


def test_newest_cases_carry_trace_status_and_no_personal_data(seeded_runtime: Store) -> None:
    rows = newest_cases.uncached(NATIONAL)
    assert [(r["confirmed_ts"], r["province_name"]) for r in rows] == [
        ("2021-07-23T21:00", "Hồ Chí Minh"),  # Viet Nam's time
        ("2021-07-22T23:30", "Bắc Giang"),
        ("2021-07-21T22:00", "Bắc Giang"),
    ]
    assert set(rows[0]) == {
        "confirmed_ts",
        "district_name",
        "province_name",
        "traced",
        "f1_count",
        "f2_count",
        "f1_quarantined",
        "ready_s",
    }
    for row in rows:
        assert row["traced"] and row["f1_quarantined"] is not None and row["f1_quarantined"] <= row["f1_count"]
    words = " ".join(str(v) for row in rows for v in row.values())
    for person in seed.PEOPLE:
        assert person[2] not in words  # no name
    assert [r["province_name"] for r in newest_cases.uncached(HCMC)] == ["Hồ Chí Minh"]
    assert newest_cases.uncached(HCMC)[0]["f1_count"] == 4 == newest_cases.uncached(HCMC)[0]["f1_quarantined"]
    assert newest_cases.uncached(HANOI) == []  # its antigen positive does not confirm a case under the rule


@pytest.mark.parametrize("limit", [1, 2])
def test_newest_cases_stop_at_the_limit(seeded_runtime: Store, limit: int) -> None:
    assert len(newest_cases.uncached(NATIONAL, limit)) == limit


def test_events_of_the_last_minute_are_estimated_from_two_minutes() -> None:
    start = dt.datetime(2021, 8, 2, 9, 10, 0, tzinfo=dt.UTC)
    assert per_minute_now([0, 600, 0], start) == 600  # a new minute: all of the previous one is inside the 60 s
    assert per_minute_now([0, 600, 300], start + dt.timedelta(seconds=30)) == 600  # steady: 300 + half of 600
    assert per_minute_now([0, 0, 15], start + dt.timedelta(seconds=20)) == 15  # a first burst


def test_arrivals_older_than_a_day_are_forgotten_but_each_districts_newest_is_kept(tmp_path: Path) -> None:
    store = Store(tmp_path / "arrivals.duckdb")
    now = dt.datetime(2021, 8, 2, 12, 0, tzinfo=dt.UTC)
    rows = [
        (now - dt.timedelta(days=3), "checkin", "760"),  # old, and 760's newest check-in is newer: forgotten
        (now - dt.timedelta(hours=2), "checkin", "760"),
        (now - dt.timedelta(days=3), "test", "760"),  # old but 760's only test row: kept for "last update"
        (now - dt.timedelta(days=2), "checkin", "001"),  # old, older than 001's newest: forgotten
        (now - dt.timedelta(days=1, hours=1), "checkin", "001"),
    ]
    con = store._con
    for minute, kind, district in rows:
        con.execute(
            "INSERT INTO arrivals VALUES (?, ?, ?, ?, 1, ?)",
            [minute, kind, district, {"760": "79", "001": "01"}[district], minute],
        )
    con.execute(sql("pipeline/prune_arrivals"), {"arrived_at": now})
    kept = con.execute("SELECT minute, kind, district_code FROM arrivals ORDER BY district_code, kind").fetchall()
    store.close()
    assert [(m.astimezone(dt.UTC), k, d) for m, k, d in kept] == [rows[4][:3], rows[1][:3], rows[2][:3]]
