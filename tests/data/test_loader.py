"""Loading a canonical dataset: counts, idempotency, derived tables, and refusal of bad input with nothing kept."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from data.loader import DatasetError, load_dataset
from data.store import Store
from tests import seed

EVENT_TABLES = ("people", "venues", "checkins", "contacts", "tests", "vaccinations", "declarations", "infections")
DERIVED_TABLES = ("cases", "ward_day", "loads")


def counts(store: Store) -> dict[str, int]:
    cur = store.cursor()
    return {t: cur.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in EVENT_TABLES + DERIVED_TABLES}


def snapshot(store: Store) -> dict[str, list]:
    """Every row of every table we write, to prove a refused load left the store exactly as it was."""
    cur = store.cursor()
    return {
        t: sorted(cur.execute(f"SELECT * FROM {t}").fetchall(), key=repr)
        for t in EVENT_TABLES + DERIVED_TABLES + ("meta",)
    }


def test_load_counts_every_row_of_the_seed(store: Store) -> None:
    found = counts(store)
    for name, rows in seed.ROWS.items():
        assert found[name] == len(rows), name


def test_loading_twice_changes_nothing(store: Store, seed_dir: Path) -> None:
    before = snapshot(store)
    report = load_dataset(store, seed_dir)
    assert all(t.loaded == 0 for t in report.tables)
    assert [t.already_loaded for t in report.tables] == [len(seed.ROWS[t.table]) for t in report.tables]
    after = snapshot(store)
    after.pop("loads"), before.pop("loads")  # the second load is recorded, nothing else changes
    assert after == before


def test_cases_are_first_positive_pcr_per_person(store: Store) -> None:
    rows = (
        store.cursor()
        .execute(
            "SELECT person_id, ward_code, timezone('Asia/Ho_Chi_Minh', confirmed_ts), test_kind, rule_version FROM cases ORDER BY person_id"
        )
        .fetchall()
    )
    # Person 8's antigen positive does not count under 3638/QD-BYT; person 11's second PCR does not repeat the case.
    assert rows == [
        (1, seed.TAN_DINH, dt.datetime(2021, 7, 23, 21, 0), "pcr", "3638/QD-BYT 2021-07-30"),
        (11, seed.HOANG_VAN_THU, dt.datetime(2021, 7, 21, 22, 0), "pcr", "3638/QD-BYT 2021-07-30"),
        (12, seed.HOANG_VAN_THU, dt.datetime(2021, 7, 22, 23, 30), "pcr", "3638/QD-BYT 2021-07-30"),
    ]


def test_ward_day_counts_by_local_day(store: Store) -> None:
    cur = store.cursor()
    tan_dinh = dict(
        cur.execute(
            "SELECT day, checkins FROM ward_day WHERE ward_code = ? AND checkins > 0", [seed.TAN_DINH]
        ).fetchall()
    )
    # Market (3 on the 20th, 1 on the 22nd) and school (1 on the 19th) are in Tân Định.
    assert tan_dinh == {dt.date(2021, 7, 19): 1, dt.date(2021, 7, 20): 3, dt.date(2021, 7, 22): 1}
    # The factory's exit scan is not a visit.
    assert cur.execute("SELECT sum(checkins) FROM ward_day WHERE ward_code = ?", [seed.HOANG_VAN_THU]).fetchall() == [
        (2,)
    ]
    # A case counts on the local day of confirmation: 23:30 on 22/07 in Viet Nam is still the 22nd.
    assert cur.execute(
        "SELECT day, new_cases FROM ward_day WHERE ward_code = ? AND new_cases > 0 ORDER BY day", [seed.HOANG_VAN_THU]
    ).fetchall() == [(dt.date(2021, 7, 21), 1), (dt.date(2021, 7, 22), 1)]
    totals = cur.execute(
        "SELECT sum(tests), sum(positives), sum(doses), sum(first_doses), sum(second_doses), sum(declarations), sum(symptomatic) FROM ward_day"
    ).fetchall()
    assert totals == [(8, 5, 5, 4, 1, 4, 2)]


def test_ward_day_matches_raw_events(store: Store) -> None:
    """Audit: the incremental summary equals a recount from the raw events (no row breaks the invariant)."""
    broken = (
        store.cursor()
        .execute(
            """
        WITH raw AS (
            SELECT v.ward_code, local_day(c.ts) AS day, count(*) AS n
            FROM checkins c JOIN venues v USING (venue_id) WHERE c.direction = 'in' GROUP BY ALL
        )
        SELECT * FROM raw FULL JOIN (SELECT ward_code, day, checkins AS n FROM ward_day WHERE checkins > 0) w
        USING (ward_code, day) WHERE raw.n IS DISTINCT FROM w.n
        """
        )
        .fetchall()
    )
    assert broken == []


def test_an_earlier_positive_arriving_later_moves_the_case(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "late"
    folder.mkdir()
    late = [(3100, 1, seed.at(20, 9), seed.at(20, 18), "pcr", "positive")]
    pq.write_table(seed.table("tests", late), folder / "tests.parquet")
    load_dataset(store, folder)
    cur = store.cursor()
    assert cur.execute("SELECT local_day(confirmed_ts) FROM cases WHERE person_id = 1").fetchall() == [
        (dt.date(2021, 7, 20),)
    ]
    days = cur.execute(
        "SELECT day, new_cases FROM ward_day WHERE ward_code = ? AND day IN ('2021-07-20', '2021-07-23') ORDER BY day",
        [seed.TAN_DINH],
    ).fetchall()
    assert days == [(dt.date(2021, 7, 20), 1), (dt.date(2021, 7, 23), 0)]


def test_a_repeated_event_inside_one_dataset_counts_once(empty_store: Store, seed_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "dup"
    shutil.copytree(seed_dir, folder)
    pq.write_table(seed.table("checkins", seed.CHECKINS[:2]), folder / "checkins" / "part-0003.parquet")
    report = load_dataset(empty_store, folder)
    entry = next(t for t in report.tables if t.table == "checkins")
    assert (entry.read, entry.loaded, entry.already_loaded) == (14, 12, 2)


def _corrupt(seed_dir: Path, tmp_path: Path, name: str, table: pa.Table, file: str | None = None) -> Path:
    folder = tmp_path / "bad"
    shutil.copytree(seed_dir, folder)
    pq.write_table(table, folder / (file or f"{name}.parquet"))
    return folder


def _refused(store: Store, folder: Path, message: str) -> None:
    before = snapshot(store)
    with pytest.raises(DatasetError) as caught:
        load_dataset(store, folder)
    assert message in str(caught.value)
    assert snapshot(store) == before


def test_unknown_venue_is_refused_naming_file_row_and_column(store: Store, seed_dir: Path, tmp_path: Path) -> None:
    rows = list(seed.CHECKINS[6:])
    rows[2] = (9999, 1, 77, seed.at(25, 9), "person_scan", "in")
    folder = _corrupt(seed_dir, tmp_path, "checkins", seed.table("checkins", rows), "checkins/part-0002.parquet")
    _refused(store, folder, "checkins/part-0002.parquet row 3 column venue_id: no venue 77")


def test_unknown_person_is_refused(store: Store, seed_dir: Path, tmp_path: Path) -> None:
    rows = [*seed.TESTS, (3999, 404, seed.at(25, 9), seed.at(25, 20), "pcr", "negative")]
    folder = _corrupt(seed_dir, tmp_path, "tests", seed.table("tests", rows))
    _refused(store, folder, "tests.parquet row 9 column person_id: no person 404 in the register")


def test_unknown_ward_is_refused_on_an_empty_store(empty_store: Store, seed_dir: Path, tmp_path: Path) -> None:
    rows = list(seed.PEOPLE)
    rows[4] = (*rows[4][:7], "99999")
    folder = _corrupt(seed_dir, tmp_path, "people", seed.table("people", rows))
    _refused(empty_store, folder, "people.parquet row 5 column ward_code: 99999 is not a ward code")
    assert counts(empty_store)["people"] == 0


def test_missing_column_is_refused(store: Store, seed_dir: Path, tmp_path: Path) -> None:
    folder = _corrupt(seed_dir, tmp_path, "venues", seed.table("venues").drop_columns(["kind"]))
    _refused(store, folder, "venues.parquet: column kind is missing")


def test_wrong_type_is_refused(store: Store, seed_dir: Path, tmp_path: Path) -> None:
    naive = seed.table("tests").set_column(
        2, "sample_ts", pa.array([r[2].replace(tzinfo=None) for r in seed.TESTS], pa.timestamp("us"))
    )
    folder = _corrupt(seed_dir, tmp_path, "tests", naive)
    _refused(store, folder, "tests.parquet: column sample_ts has type TIMESTAMP, expected a TIMESTAMP adjusted to UTC")


def test_bad_values_are_refused(store: Store, seed_dir: Path, tmp_path: Path) -> None:
    rows = list(seed.CONTACTS)
    rows[1] = (2002, 1, 7, seed.at(21, 9, 50), 1200, -3.0)
    folder = _corrupt(seed_dir, tmp_path, "contacts", seed.table("contacts", rows))
    _refused(store, folder, "contacts.parquet row 2 column distance_m: -3.0 is not a distance in metres")


def test_a_file_that_is_not_parquet_is_refused(store: Store, seed_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "garbage"
    shutil.copytree(seed_dir, folder)
    (folder / "checkins" / "part-0009.parquet").write_text("event_id,person_id\n1,2\n")
    _refused(store, folder, "checkins/part-0009.parquet: not a readable Parquet file")


def test_a_folder_without_contract_tables_is_refused(empty_store: Store, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("nothing here")
    with pytest.raises(DatasetError, match="no table of the contract found"):
        load_dataset(empty_store, tmp_path)


def test_island_districts_are_inside_viet_nam(empty_store: Store, seed_dir: Path, tmp_path: Path) -> None:
    """A venue in the Trường Sa island district (Khánh Hòa) lies far south and east of the mainland."""
    rows = [*seed.VENUES, (6, "Trạm y tế Song Tử Tây", "clinic", seed.TAN_DINH, 7.9, 114.3)]
    folder = _corrupt(seed_dir, tmp_path, "venues", seed.table("venues", rows))
    report = load_dataset(empty_store, folder)
    assert next(t for t in report.tables if t.table == "venues").loaded == 6
