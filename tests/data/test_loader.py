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


def _refused(store: Store, folder: Path, message: str) -> str:
    """Loads `folder`, expects a refusal holding `message` on one short line, and proves the store is unchanged."""
    before = snapshot(store)
    with pytest.raises(DatasetError) as caught:
        load_dataset(store, folder)
    reason = str(caught.value)
    assert message in reason
    assert len(reason.splitlines()) == 1 and len(reason) <= 500
    assert snapshot(store) == before
    return reason


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


# Plausibility (rules/plausibility.toml): what no scanner, laboratory or register sends is refused before anything is
# derived. Each case below once crashed the load, grew the store by orders of magnitude, or was stored as it came.


def _typed(name: str, rows: list[tuple], **types: pa.DataType) -> pa.Table:
    """A contract table with some columns of another Parquet type (e.g. unsigned 64-bit ids)."""
    schema = seed.SCHEMAS[name]
    for column, type_ in types.items():
        schema = schema.set(schema.get_field_index(column), pa.field(column, type_))
    columns = list(zip(*rows, strict=True))
    return pa.table([pa.array(list(c), type=f.type) for c, f in zip(columns, schema, strict=True)], schema=schema)


def _instant(year: int, month: int = 7, day: int = 20, hour: int = 9) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=seed.VN)


SYMPTOMLESS = (False, False, False, False, False)
OUT_OF_TIME = {
    # A check-in in 2099 overflowed the tracer's 32-bit seconds (INT64 out of range for INT32).
    "checkin_2099": (
        "checkins",
        "checkins/part-0002.parquet",
        [*seed.CHECKINS[6:], (1999, 1, 1, _instant(2099), "person_scan", "in")],
        "checkins/part-0002.parquet row 7 column ts: 2099-07-20T09:00:00+07:00 is in the future",
    ),
    "checkin_2019": (
        "checkins",
        "checkins/part-0002.parquet",
        [*seed.CHECKINS[6:], (1999, 1, 1, _instant(2019), "person_scan", "in")],
        "checkins/part-0002.parquet row 7 column ts: 2019-07-20T09:00:00+07:00 is before 2020-01-01T07:00:00+07:00, "
        "the earliest event the platform takes",
    ),
    "contact_1970": (
        "contacts",
        None,
        [*seed.CONTACTS, (2999, 1, 2, _instant(1970), 60, 1.0)],
        "contacts.parquet row 4 column start_ts: 1970-07-20T09:00:00+07:00 is before 2020-01-01T07:00:00+07:00, "
        "the earliest event the platform takes",
    ),
    "test_1900": (
        "tests",
        None,
        [*seed.TESTS, (3999, 2, _instant(1900), _instant(1900, hour=20), "pcr", "negative")],
        "tests.parquet row 9 column sample_ts: 1900-07-20T09:00:00+07:00 is before 2020-01-01T07:00:00+07:00, "
        "the earliest event the platform takes",
    ),
    "test_2089": (
        "tests",
        None,
        [*seed.TESTS, (3999, 2, _instant(2089), _instant(2089, hour=20), "pcr", "negative")],
        "tests.parquet row 9 column sample_ts: 2089-07-20T09:00:00+07:00 is in the future",
    ),
    # A positive test dated 2030 was accepted: the store grew tenfold and the dashboard's latest day became 2030.
    "positive_2030": (
        "tests",
        None,
        [*seed.TESTS, (3999, 2, _instant(2030, 1, 2), _instant(2030, 1, 2, 20), "pcr", "positive")],
        "tests.parquet row 9 column sample_ts: 2030-01-02T09:00:00+07:00 is in the future",
    ),
    "result_two_months_after_sample": (
        "tests",
        None,
        [*seed.TESTS, (3999, 2, seed.at(1, 9), seed.at(5, 9, month=9), "pcr", "negative")],
        "tests.parquet row 9 column result_ts: 2021-09-05T09:00:00+07:00 is more than 30 days after the sample "
        "(2021-07-01T09:00:00+07:00)",
    ),
    "vaccination_2100": (
        "vaccinations",
        None,
        [*seed.VACCINATIONS, (4999, 5, _instant(2100), 2, "Sinopharm")],
        "vaccinations.parquet row 6 column ts: 2100-07-20T09:00:00+07:00 is in the future",
    ),
    # A declaration dated 2099 grew the load to 20 GB (cards expand per day) until the kernel killed it.
    "declaration_2099": (
        "declarations",
        None,
        [*seed.DECLARATIONS, (5999, 3, _instant(2099), *SYMPTOMLESS)],
        "declarations.parquet row 5 column ts: 2099-07-20T09:00:00+07:00 is in the future",
    ),
}


@pytest.mark.parametrize("case", OUT_OF_TIME.values(), ids=OUT_OF_TIME.keys())
def test_times_outside_the_platforms_life_are_refused(
    store: Store, seed_dir: Path, tmp_path: Path, case: tuple[str, str | None, list[tuple], str]
) -> None:
    name, file, rows, message = case
    folder = _corrupt(seed_dir, tmp_path, name, seed.table(name, rows), file)
    assert _refused(store, folder, message) == message


def test_the_future_is_read_from_the_clock_at_load_time(empty_store: Store, seed_dir: Path, tmp_path: Path) -> None:
    """Not a fixed year: an hour ahead of the clock is refused, a few minutes ahead (clock skew) is not."""
    now = dt.datetime.now(dt.UTC)
    ahead = [*seed.DECLARATIONS, (5999, 3, now + dt.timedelta(hours=1), *SYMPTOMLESS)]
    folder = _corrupt(seed_dir, tmp_path, "declarations", seed.table("declarations", ahead))
    _refused(empty_store, folder, "declarations.parquet row 5 column ts: ")
    skewed = [*seed.DECLARATIONS, (5999, 3, now + dt.timedelta(minutes=5), *SYMPTOMLESS)]
    pq.write_table(seed.table("declarations", skewed), folder / "declarations.parquet")
    report = load_dataset(empty_store, folder)
    assert next(t for t in report.tables if t.table == "declarations").loaded == 5


PERSON = (13, None, "Ngô Thị Phương", dt.date(1990, 1, 1), "F", None, 500, seed.TAN_DINH)
BAD_PEOPLE = {
    "born_tomorrow": (
        {"birth_date": dt.date.today() + dt.timedelta(days=2)},
        f"column birth_date: {dt.date.today() + dt.timedelta(days=2)} is in the future",
    ),
    "born_1890": ({"birth_date": dt.date(1890, 1, 1)}, "column birth_date: 1890-01-01 is more than 120 years ago"),
    # A name of 1 MB was stored as it came.
    "name_of_1_MB": ({"full_name": "A" * 1_000_000}, "column full_name: 1000000 characters, more than 200"),
    "name_with_NUL": (
        {"full_name": "Ngô\x00Thị Phương"},
        "column full_name: Ngô\N{REPLACEMENT CHARACTER}Thị Phương holds U+0000, a control or text-direction character",
    ),
    "name_with_ESC": (
        {"full_name": "Ngô Thị \x1b[31mPhương"},
        "column full_name: Ngô Thị \N{REPLACEMENT CHARACTER}[31mPhương holds U+001B, a control or text-direction character",
    ),
    "name_with_right_to_left_override": (
        {"full_name": "Ngô Thị \u202egnơưhP"},
        "column full_name: Ngô Thị \N{REPLACEMENT CHARACTER}gnơưhP holds U+202E, a control or text-direction character",
    ),
    "name_of_spaces": ({"full_name": "\u3000\u00a0 "}, "column full_name: blank (only spaces)"),
    "name_of_punctuation": ({"full_name": "-- ."}, "column full_name: has no letter (only punctuation or symbols)"),
    "household_negative": ({"household_id": -1}, "column household_id: -1 is not an id (0 to 9223372036854775807)"),
}


@pytest.mark.parametrize("case", BAD_PEOPLE.values(), ids=BAD_PEOPLE.keys())
def test_implausible_people_are_refused(
    store: Store, seed_dir: Path, tmp_path: Path, case: tuple[dict[str, object], str]
) -> None:
    changes, message = case
    columns = [f.name for f in seed.SCHEMAS["people"]]
    person = tuple(changes.get(c, v) for c, v in zip(columns, PERSON, strict=True))
    folder = _corrupt(seed_dir, tmp_path, "people", seed.table("people", [*seed.PEOPLE, person]))
    assert _refused(store, folder, message) == f"people.parquet row 13 {message}"


def test_vietnamese_names_with_every_diacritic_are_plausible(
    empty_store: Store, seed_dir: Path, tmp_path: Path
) -> None:
    name = "Nguyễn Thị Ngọc Hằng Huỳnh Đặng Ưng Ơn Ỷ Ữ Ậ Ẫ"
    oldest = dt.date(dt.date.today().year - 119, 1, 1)  # ages run to 120
    person = (13, None, name, oldest, "F", None, 500, seed.TAN_DINH)
    folder = _corrupt(seed_dir, tmp_path, "people", seed.table("people", [*seed.PEOPLE, person]))
    load_dataset(empty_store, folder)
    assert empty_store.cursor().execute("SELECT full_name FROM people WHERE person_id = 13").fetchall() == [(name,)]


VENUE = (6, "Trạm y tế phường Tân Định", "clinic", seed.TAN_DINH, 10.79, 106.69)
BAD_VENUES = {
    # NaN passes BETWEEN in DuckDB: a venue at latitude NaN was stored.
    "latitude_NaN": ({"lat": float("nan")}, "column lat: nan is not a latitude in Viet Nam (6.0 to 23.5)"),
    "longitude_infinite": ({"lon": float("inf")}, "column lon: inf is not a longitude in Viet Nam (102.0 to 117.9)"),
    "name_of_200_KB": ({"name": "Chợ " * 50_000}, "column name: 200000 characters, more than 200"),
    "id_negative": ({"venue_id": -6}, "column venue_id: -6 is not an id (0 to 9223372036854775807)"),
}


@pytest.mark.parametrize("case", BAD_VENUES.values(), ids=BAD_VENUES.keys())
def test_implausible_venues_are_refused(
    store: Store, seed_dir: Path, tmp_path: Path, case: tuple[dict[str, object], str]
) -> None:
    changes, message = case
    columns = [f.name for f in seed.SCHEMAS["venues"]]
    venue = tuple(changes.get(c, v) for c, v in zip(columns, VENUE, strict=True))
    folder = _corrupt(seed_dir, tmp_path, "venues", seed.table("venues", [*seed.VENUES, venue]))
    assert _refused(store, folder, message) == f"venues.parquet row 6 {message}"


BAD_CONTACTS = {
    # A duration of 10^15 s crashed the tracer.
    "duration_1e15_s": ((10**15, 1.0), "column duration_s: 1000000000000000 is not a duration in seconds (0 to 86400)"),
    "duration_over_a_day": ((86_401, 1.0), "column duration_s: 86401 is not a duration in seconds (0 to 86400)"),
    "distance_infinite": ((60, float("inf")), "column distance_m: inf is not a distance in metres (0 to 200.0)"),
    "distance_NaN": ((60, float("nan")), "column distance_m: nan is not a distance in metres (0 to 200.0)"),
}


@pytest.mark.parametrize("case", BAD_CONTACTS.values(), ids=BAD_CONTACTS.keys())
def test_implausible_encounters_are_refused(
    store: Store, seed_dir: Path, tmp_path: Path, case: tuple[tuple[int, float], str]
) -> None:
    (duration, distance), message = case
    rows = [*seed.CONTACTS, (2999, 1, 2, seed.at(21, 9), duration, distance)]
    folder = _corrupt(seed_dir, tmp_path, "contacts", seed.table("contacts", rows))
    assert _refused(store, folder, message) == f"contacts.parquet row 4 {message}"


def test_vaccine_names_are_checked_like_names(store: Store, seed_dir: Path, tmp_path: Path) -> None:
    rows = [*seed.VACCINATIONS, (4999, 5, seed.at(20, 9), 2, "Pfizer\x07" + "x" * 20)]
    folder = _corrupt(seed_dir, tmp_path, "vaccinations", seed.table("vaccinations", rows))
    message = "vaccinations.parquet row 6 column vaccine: Pfizer\N{REPLACEMENT CHARACTER}xxxxxxxxxxxxxxxxxxxx holds U+0007, a control or text-direction character"
    assert _refused(store, folder, message) == message


# Unsigned 64-bit columns: above 2^63 - 1 the cast to the store's BIGINT failed with a traceback before any check.


def test_a_dose_of_2_64_minus_1_as_unsigned_is_refused(store: Store, seed_dir: Path, tmp_path: Path) -> None:
    rows = [*seed.VACCINATIONS, (4999, 5, seed.at(20, 9), 2**64 - 1, "Pfizer")]
    folder = _corrupt(seed_dir, tmp_path, "vaccinations", _typed("vaccinations", rows, dose=pa.uint64()))
    message = "vaccinations.parquet row 6 column dose: 18446744073709551615 is not a dose number (1, 2, 3…)"
    assert _refused(store, folder, message) == message


def test_an_event_id_above_2_63_as_unsigned_is_refused(store: Store, seed_dir: Path, tmp_path: Path) -> None:
    rows = [*seed.CHECKINS[6:], (2**63, 1, 1, seed.at(22, 9), "person_scan", "in")]
    folder = _corrupt(
        seed_dir, tmp_path, "checkins", _typed("checkins", rows, event_id=pa.uint64()), "checkins/part-0002.parquet"
    )
    message = (
        "checkins/part-0002.parquet row 7 column event_id: 9223372036854775808 is not an id (0 to 9223372036854775807)"
    )
    assert _refused(store, folder, message) == message


def test_unsigned_ids_that_fit_are_loaded(empty_store: Store, seed_dir: Path, tmp_path: Path) -> None:
    unsigned = {c: pa.uint64() for c in ("event_id", "person_id", "venue_id")}
    rows = [*seed.CHECKINS[6:], (2**63 - 1, 1, 1, seed.at(22, 9), "person_scan", "in")]
    folder = _corrupt(
        seed_dir, tmp_path, "checkins", _typed("checkins", rows, **unsigned), "checkins/part-0002.parquet"
    )
    load_dataset(empty_store, folder)
    cur = empty_store.cursor()
    assert cur.execute("SELECT count(*), max(event_id) FROM checkins").fetchall() == [(13, 2**63 - 1)]


def test_a_corrupt_parquet_page_is_refused_naming_the_file(store: Store, seed_dir: Path, tmp_path: Path) -> None:
    """A damaged page shows only when its rows are decoded, long after DESCRIBE read the footer."""
    folder = tmp_path / "damaged"
    shutil.copytree(seed_dir, folder)
    path = folder / "checkins" / "part-0003.parquet"
    rows = [(100_000 + i, 1 + i % 12, 1 + i % 5, seed.at(20, 9), "person_scan", "in") for i in range(50_000)]
    pq.write_table(seed.table("checkins", rows), path, compression="zstd")
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 256] = b"\xff" * 256
    path.write_bytes(bytes(data))
    reason = _refused(store, folder, "checkins/part-0003.parquet: not a readable Parquet file (")
    assert reason.startswith("checkins/part-0003.parquet: not a readable Parquet file (")
    assert str(folder) not in reason


# Conflicts: a key already stored, or sent earlier in the dataset, with other content is refused; a copy is not.


def test_a_test_flipped_from_negative_to_positive_is_refused(store: Store, seed_dir: Path, tmp_path: Path) -> None:
    rows = list(seed.TESTS)
    rows[1] = (*rows[1][:5], "positive")
    folder = _corrupt(seed_dir, tmp_path, "tests", seed.table("tests", rows))
    message = (
        "tests.parquet row 2 column result: event_id 3002 is stored with result negative, this row has positive "
        "(1 conflicting row in tests); a correction must be sent as a new event"
    )
    assert _refused(store, folder, message) == message


def test_conflicts_are_counted_and_the_first_is_named(store: Store, seed_dir: Path, tmp_path: Path) -> None:
    rows = list(seed.CHECKINS[6:])
    rows[1] = (1008, 12, 3, seed.at(19, 7, 6), "venue_scan", "in")  # a minute later
    rows[4] = (1011, 3, 4, seed.at(19, 7, 15), "venue_scan", "in")  # another venue
    folder = _corrupt(seed_dir, tmp_path, "checkins", seed.table("checkins", rows), "checkins/part-0002.parquet")
    message = (
        "checkins/part-0002.parquet row 2 column ts: event_id 1008 is stored with ts 2021-07-19T07:05:00+07:00, "
        "this row has 2021-07-19T07:06:00+07:00 (2 conflicting rows in checkins); a correction must be sent as a new event"
    )
    assert _refused(store, folder, message) == message


def test_an_event_sent_twice_in_one_dataset_with_other_content_is_refused(
    empty_store: Store, seed_dir: Path, tmp_path: Path
) -> None:
    copy = (1001, 1, 2, seed.at(20, 7, 30), "person_scan", "in")  # event 1001 of part-0001 at another venue
    folder = _corrupt(seed_dir, tmp_path, "checkins", seed.table("checkins", [copy]), "checkins/part-0003.parquet")
    message = (
        "checkins/part-0003.parquet row 1 column venue_id: event_id 1001 was sent earlier (checkins/part-0001.parquet "
        "row 1) with venue_id 1, this row has 2 (1 conflicting row in checkins); a correction must be sent as a new event"
    )
    assert _refused(empty_store, folder, message) == message


def test_a_resent_person_with_another_ward_is_refused(store: Store, seed_dir: Path, tmp_path: Path) -> None:
    rows = list(seed.PEOPLE)
    rows[4] = (*rows[4][:7], seed.BEN_NGHE)
    folder = _corrupt(seed_dir, tmp_path, "people", seed.table("people", rows))
    message = (
        f"people.parquet row 5 column ward_code: person_id 5 is stored with ward_code {seed.TAN_DINH}, this row has "
        f"{seed.BEN_NGHE} (1 conflicting row in people); a load does not change a stored person"
    )
    assert _refused(store, folder, message) == message


def test_a_resent_venue_moved_elsewhere_is_refused(store: Store, seed_dir: Path, tmp_path: Path) -> None:
    rows = list(seed.VENUES)
    rows[0] = (*rows[0][:4], 10.8, rows[0][5])
    folder = _corrupt(seed_dir, tmp_path, "venues", seed.table("venues", rows))
    message = (
        "venues.parquet row 1 column lat: venue_id 1 is stored with lat 10.789, this row has 10.8 "
        "(1 conflicting row in venues); a load does not change a stored venue"
    )
    assert _refused(store, folder, message) == message


def test_a_resent_register_with_stray_spaces_changes_nothing(store: Store, seed_dir: Path, tmp_path: Path) -> None:
    """Names are stored trimmed, so the same name with spaces around it is the same person, not a conflict."""
    rows = list(seed.PEOPLE)
    rows[0] = (*rows[0][:2], f"  {rows[0][2]} ", *rows[0][3:])
    folder = _corrupt(seed_dir, tmp_path, "people", seed.table("people", rows))
    before = snapshot(store)
    report = load_dataset(store, folder)
    assert all(t.loaded == 0 for t in report.tables)
    after = snapshot(store)
    after.pop("loads"), before.pop("loads")
    assert after == before
