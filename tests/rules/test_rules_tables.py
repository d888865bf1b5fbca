"""The rules' derived tables on hand-made data: equal to the plain rule functions applied person by person and day by
day, equal to a full rebuild after several loads, and read back only inside the viewer's jurisdiction."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

import scenario
from data import levels, runtime
from data.derive import rules as rules_data
from data.loader import load_dataset
from data.store import Store
from data.viewer import NATIONAL, Viewer
from rules.area_level import area_level_rule_in_force, coverage_met, proposed_level
from rules.card import NegativeTest, PersonFacts, card_colour, card_rule_in_force
from scenario.replay import split_by_day
from tests import seed

VN = seed.VN
at = seed.at
DERIVED = ("card_spans", "card_ward_day", "coverage_ward_day", "area_level_week", "rule_calendar")

# A second load: more people, doses, tests and cases up to the end of July so that whole weeks are assessed.
MORE_PEOPLE = [
    (13, None, "Trương Văn Phúc", dt.date(1950, 2, 1), "M", None, 500, seed.BEN_NGHE),
    (14, None, "Lý Thị Quyên", dt.date(2003, 7, 25), "F", None, 501, seed.PHUC_XA),  # turns 18 on 25/07
]
MORE_TESTS = [
    (3101, 6, at(26, 9), at(26, 20), "pcr", "positive"),
    (3102, 7, at(27, 9), at(27, 21), "pcr", "negative"),
    (3103, 13, at(28, 9), at(28, 19), "pcr", "positive"),
    (3104, 9, at(30, 8), at(30, 18), "pcr", "positive"),
    (3105, 1, at(20, 9), at(20, 18), "pcr", "positive"),  # an earlier positive arriving later moves case 1
]
MORE_VACCINATIONS = [
    (4101, 5, at(20, 9), 2, "Sinopharm"),
    (4102, 13, at(2, 9), 1, "AstraZeneca"),
    (4103, 13, at(16, 9), 2, "AstraZeneca"),
    (4104, 14, at(26, 9), 1, "Pfizer"),
    (4105, 8, at(19, 9), 2, "Moderna"),
]
MORE_CHECKINS = [(1101, 12, 3, at(1, 8, month=8), "venue_scan", "in")]  # the week of 26/07 ends
# Tracing's output for the second load: 7 (a close contact of case 6 in HCMC) and 9 (in quarantine when confirmed).
QUARANTINE = [(9, at(25, 12), at(25, 12) + dt.timedelta(days=14)), (7, at(26, 21), at(26, 21) + dt.timedelta(days=14))]
EXPOSURES = [(7, 6, at(26, 8), "venue"), (4, 1, at(19, 8), "proximity")]


def _write(folder: Path, tables: dict[str, list[tuple]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        pq.write_table(seed.table(name, rows), folder / f"{name}.parquet")
    return folder


def _tracing(con: duckdb.DuckDBPyConnection, load_id: int) -> None:
    """Stands in for automatic tracing inside the load: the F1s it puts in quarantine and their exposures."""
    con.executemany("INSERT INTO quarantine VALUES (?, ?, ?, 'test', ?)", [[*q, load_id] for q in QUARANTINE])
    con.executemany("INSERT INTO exposures VALUES (?, ?, ?, ?, ?)", [[*e, load_id] for e in EXPOSURES])


def _open(path: Path) -> Store:
    return Store(path)


@pytest.fixture(scope="module")
def two_loads(tmp_path_factory: pytest.TempPathFactory, seed_dir: Path) -> Store:
    """The seed, then a second load with tracing's quarantine and exposures, each refreshed incrementally.
    Shared by the module: tests that write roll back."""
    tmp_path = tmp_path_factory.mktemp("rules")
    store = _open(tmp_path / "store.duckdb")
    load_dataset(store, seed_dir)  # the loader refreshes the rules inside its transaction
    more = _write(
        tmp_path / "more",
        {"people": MORE_PEOPLE, "tests": MORE_TESTS, "vaccinations": MORE_VACCINATIONS, "checkins": MORE_CHECKINS},
    )
    load_dataset(store, more, after_cases=_tracing)
    yield store
    store.close()


def _rows(cur: duckdb.DuckDBPyConnection, table: str) -> list[tuple]:
    return sorted(cur.execute(f"SELECT * FROM {table}").fetchall(), key=repr)


def _end_of(day: dt.date) -> dt.datetime:
    """The instant a day's figures describe: the local midnight that ends it."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=VN)


def _calendar(cur: duckdb.DuckDBPyConnection) -> list[dt.date]:
    first, last = cur.execute("SELECT first_day, last_day FROM rule_calendar").fetchall()[0]
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def _people(cur: duckdb.DuckDBPyConnection) -> dict[int, tuple]:
    return {
        r[0]: r[1:]
        for r in cur.execute(
            "SELECT p.person_id, p.ward_code, a.district_code, a.province_code, p.birth_date "
            "FROM people AS p JOIN areas AS a ON a.code = p.ward_code"
        ).fetchall()
    }


def _facts(cur: duckdb.DuckDBPyConnection) -> dict[int, PersonFacts]:
    doses: dict[int, list] = defaultdict(list)
    for person, ts, dose in cur.execute("SELECT person_id, ts, dose FROM vaccinations").fetchall():
        doses[person].append((ts, dose))
    tests: dict[int, list] = defaultdict(list)
    for person, sample, result, kind in cur.execute(
        "SELECT person_id, sample_ts, result_ts, kind FROM tests WHERE result = 'negative'"
    ).fetchall():
        tests[person].append(NegativeTest(sample, result, kind))
    cases = dict(cur.execute("SELECT person_id, confirmed_ts FROM cases").fetchall())
    quarantines: dict[int, list] = defaultdict(list)
    for person, start, end in cur.execute("SELECT person_id, start_ts, end_ts FROM quarantine").fetchall():
        quarantines[person].append((start, end))
    exposures: dict[int, list] = defaultdict(list)
    for person, ts in cur.execute("SELECT person_id, exposure_ts FROM exposures").fetchall():
        exposures[person].append(ts)
    facts = {}
    for person in _people(cur):
        given = doses.get(person, [])
        full = [ts for ts, dose in given if dose >= 2]
        facts[person] = PersonFacts(
            first_dose_ts=min((ts for ts, _ in given), default=None),
            full_dose_ts=min(full, default=None),
            confirmed_ts=cases.get(person),
            negative_tests=tests.get(person, []),
            quarantines=quarantines.get(person, []),
            exposures=exposures.get(person, []),
        )
    return facts


def test_card_counts_equal_the_card_rule_for_every_person_and_day(two_loads: Store) -> None:
    cur = two_loads.cursor()
    people, facts = _people(cur), _facts(cur)
    expected = {}
    for day in _calendar(cur):
        counts: dict[str, dict[str, int]] = defaultdict(lambda: {"green": 0, "yellow": 0, "red": 0})
        for person, (ward, _district, province, _birth) in people.items():
            counts[ward][card_colour(facts[person], _end_of(day), card_rule_in_force(province))] += 1
        for ward, c in counts.items():
            expected[(ward, day)] = (c["green"], c["yellow"], c["red"])
    found = {
        (w, d): (g, y, r)
        for w, d, g, y, r in cur.execute("SELECT ward_code, day, green, yellow, red FROM card_ward_day").fetchall()
    }
    assert found == expected


def test_card_rows_record_the_province_rule_version(two_loads: Store) -> None:
    versions = dict(two_loads.cursor().execute("SELECT DISTINCT ward_code, rule_version FROM card_ward_day").fetchall())
    assert versions[seed.TAN_DINH] == "HCMC card 2021-10"
    assert versions[seed.PHUC_XA] == "KH card 2021-10-07"


def test_hcmc_close_contact_and_quarantine_show_in_the_counts(two_loads: Store) -> None:
    cur = two_loads.cursor()
    # Person 7 (Bến Nghé): a negative PCR on the 27th, but in quarantine from the evening of the 26th: red.
    day = dt.date(2021, 7, 28)
    green, yellow, red = cur.execute(
        "SELECT green, yellow, red FROM card_ward_day WHERE ward_code = ? AND day = ?", [seed.BEN_NGHE, day]
    ).fetchall()[0]
    assert (green, yellow, red) == (0, 0, 3)  # 6 is an active F0, 7 quarantined, 13 an active F0


def _coverage_expected(cur: duckdb.DuckDBPyConnection) -> dict:
    people = _people(cur)
    doses: dict[int, list] = defaultdict(list)
    for person, ts, dose in cur.execute("SELECT person_id, ts, dose FROM vaccinations").fetchall():
        doses[person].append((ts, dose))
    expected = {}
    for day in _calendar(cur):
        end = _end_of(day)
        rows: dict[str, list[int]] = defaultdict(lambda: [0] * 12)
        for person, (ward, _d, _p, birth) in people.items():
            given = [(ts, dose) for ts, dose in doses.get(person, []) if ts < end]
            first, fully = bool(given), any(dose >= 2 for _, dose in given)
            row = rows[ward]
            row[0] += 1
            row[1] += first
            row[2] += fully
            for i, age in enumerate((18, 50, 65)):
                if birth.replace(year=birth.year + age) <= day:
                    row[3 + 3 * i] += 1
                    row[4 + 3 * i] += first
                    row[5 + 3 * i] += fully
        for ward, row in rows.items():
            expected[(ward, day)] = tuple(row)
    return expected


def test_coverage_by_age_band_equals_a_recount(two_loads: Store) -> None:
    cur = two_loads.cursor()
    found = {
        (r[0], r[1]): tuple(r[2:])
        for r in cur.execute(
            "SELECT ward_code, day, population, first_all, fully_all, pop_18, first_18, fully_18, "
            "pop_50, first_50, fully_50, pop_65, first_65, fully_65 FROM coverage_ward_day"
        ).fetchall()
    }
    assert found == _coverage_expected(cur)


def test_area_levels_equal_the_level_rule_on_recounted_figures(two_loads: Store) -> None:
    cur = two_loads.cursor()
    people, coverage = _people(cur), _coverage_expected(cur)
    quarantines = defaultdict(list)
    for person, start, end in cur.execute("SELECT person_id, start_ts, end_ts FROM quarantine").fetchall():
        quarantines[person].append((start, end))
    community = defaultdict(int)  # (ward, week) -> cases
    for person, ward, confirmed in cur.execute("SELECT person_id, ward_code, confirmed_ts FROM cases").fetchall():
        if not any(s <= confirmed < e for s, e in quarantines[person]):
            day = confirmed.astimezone(VN).date()
            community[(ward, day - dt.timedelta(days=day.weekday()))] += 1
    days = _calendar(cur)
    monday = days[0] - dt.timedelta(days=days[0].weekday())
    weeks = []
    while monday + dt.timedelta(days=6) <= days[-1]:
        weeks.append(monday)
        monday += dt.timedelta(days=7)
    assert weeks, "the hand-made data must hold complete weeks"
    areas = defaultdict(set)
    for ward, district, province, _birth in people.values():
        areas[(ward, "ward")].add(ward)
        areas[(district, "district")].add(ward)
        areas[(province, "province")].add(ward)
    expected = {}
    for (code, level), wards in areas.items():
        previous = None
        for week in weeks:
            rule = area_level_rule_in_force(week + dt.timedelta(days=6))
            totals = [sum(coverage[(w, week + dt.timedelta(days=6))][i] for w in wards) for i in range(12)]
            cases = sum(community[(w, week)] for w in wards)
            population = totals[0]
            rate = 1e5 * cases / population
            adults = totals[4] / totals[3] if totals[3] else None
            older = totals[8] / totals[6] if totals[6] else None
            everyone = totals[2] / population
            met = (adults is None or adults >= rule.adults_first_dose_min) and (
                older is None or older >= rule.older_fully_min
            )
            assert met == coverage_met(
                rule, adults if adults is not None else 1, older if older is not None else 1, everyone
            )
            proposed = proposed_level(rule, cases, rate, met, True)
            expected[(code, week)] = (
                level,
                cases,
                population,
                pytest.approx(rate),
                met,
                proposed,
                previous or proposed,
                rule.name,
            )
            previous = proposed
    found = {
        (r[0], r[2]): (r[1], *r[3:])
        for r in cur.execute(
            "SELECT area_code, level, week_start, cases_7d, population, rate_per_100k, coverage_met, proposed_level, "
            "level_in_force, rule_version FROM area_level_week"
        ).fetchall()
    }
    assert found == expected


def test_effective_48_hours_after_the_end_of_the_week(two_loads: Store) -> None:
    rows = (
        two_loads.cursor()
        .execute("SELECT DISTINCT week_start, computed_ts, effective_ts FROM area_level_week ORDER BY week_start")
        .fetchall()
    )
    for week, computed, effective in rows:
        assert computed == dt.datetime.combine(week + dt.timedelta(days=7), dt.time(0), tzinfo=VN)
        assert effective - computed == dt.timedelta(hours=48)


def test_a_case_in_quarantine_is_not_a_community_case(two_loads: Store) -> None:
    cur = two_loads.cursor()
    # Person 9 (Phúc Xá) was confirmed on the 30th while in quarantine: the week of 26/07 has no community case there.
    assert cur.execute(
        "SELECT cases_7d, proposed_level FROM area_level_week WHERE area_code = ? AND week_start = '2021-07-26'",
        [seed.PHUC_XA],
    ).fetchall() == [(0, 1)]


def test_capacity_not_met_raises_the_province_and_its_areas(two_loads: Store) -> None:
    query = (
        "SELECT w.area_code, w.week_start, w.cases_7d, w.proposed_level, w.capacity_met FROM area_level_week AS w "
        "JOIN areas AS a ON a.code = w.area_code WHERE a.province_code = ? ORDER BY 1, 2"
    )

    def before_and_after(con: duckdb.DuckDBPyConnection) -> tuple[list, list]:
        con.begin()
        before = con.execute(query, ["79"]).fetchall()
        rules_data.set_treatment_capacity(con, "79", dt.date(2021, 7, 1), False, "test")
        after = con.execute(query, ["79"]).fetchall()
        con.rollback()
        return before, after

    before, after = two_loads.writer.run(before_and_after)
    assert len(before) == len(after) > 0
    assert any(b[2] > 0 for b in before)
    for b, a in zip(before, after, strict=True):
        assert (b[4], a[4]) == (True, False)
        assert a[3] == (1 if b[2] == 0 else min(b[3] + 1, 4))


def _rebuilt(con: duckdb.DuckDBPyConnection) -> dict[str, list]:
    """Every derived table as a rebuild from the events gives it (rolled back: the store keeps its own)."""
    con.begin()
    rules_data.rebuild_all(con)
    found = {t: _rows(con, t) for t in DERIVED}
    con.rollback()
    return found


def test_incremental_refresh_equals_a_full_rebuild(two_loads: Store) -> None:
    """Audit: what the per-load refreshes kept equals a recomputation from the events."""
    cur = two_loads.cursor()
    incremental = {t: _rows(cur, t) for t in DERIVED}
    assert two_loads.writer.run(_rebuilt) == incremental


def test_no_key_appears_twice(two_loads: Store) -> None:
    cur = two_loads.cursor()
    for table, key in (
        ("card_ward_day", "ward_code, day"),
        ("coverage_ward_day", "ward_code, day"),
        ("area_level_week", "area_code, week_start"),
    ):
        assert cur.execute(f"SELECT {key}, count(*) FROM {table} GROUP BY ALL HAVING count(*) > 1").fetchall() == []


def test_refreshing_a_load_twice_changes_nothing(two_loads: Store) -> None:
    cur = two_loads.cursor()
    before = {t: _rows(cur, t) for t in DERIVED}
    two_loads.writer.run(lambda con: rules_data.refresh_after_load(con, 2))
    assert {t: _rows(cur, t) for t in DERIVED} == before


@pytest.fixture
def rules_runtime(two_loads: Store, monkeypatch: pytest.MonkeyPatch):
    """The read functions run on the process's store: point it at the two-load store, without a cache."""
    monkeypatch.setattr(runtime, "_store", two_loads)
    monkeypatch.setattr(runtime, "_cache", None)
    yield two_loads


HANOI = Viewer("province", ("01",))


def test_read_functions_return_their_columns(rules_runtime: Store) -> None:
    found = levels.child_area_levels(NATIONAL, None)
    assert tuple(found.column_names) == levels.LEVEL_COLUMNS
    assert set(found.column("area_code").to_pylist()) == {"79", "01", "24"}
    assert tuple(levels.level_history(NATIONAL, "79").column_names) == levels.LEVEL_COLUMNS
    cards = levels.card_colours(NATIONAL, "79", None, None)
    assert tuple(cards.column_names) == levels.CARD_COLUMNS
    assert set(cards.column("green").to_pylist()) != {0} or cards.num_rows > 0
    coverage = levels.coverage_by_age_band(NATIONAL, None, dt.date(2021, 7, 31), dt.date(2021, 7, 31))
    assert tuple(coverage.column_names) == levels.COVERAGE_COLUMNS
    assert coverage.column("band").to_pylist() == list(levels.AGE_BANDS)
    assert coverage.column("population").to_pylist()[-1] == 14


def test_a_province_viewer_sees_nothing_of_another_province(rules_runtime: Store) -> None:
    assert set(levels.child_area_levels(HANOI, None).column("area_code").to_pylist()) == {"01"}
    assert levels.child_area_levels(HANOI, "79").num_rows == 0
    assert levels.child_area_levels(HANOI, "760").num_rows == 0
    assert levels.level_history(HANOI, "79").num_rows == 0
    assert levels.level_history(HANOI, seed.TAN_DINH).num_rows == 0
    assert levels.card_colours(HANOI, "79", None, None).num_rows == 0
    assert levels.card_colours(HANOI, seed.BEN_NGHE, None, None).num_rows == 0
    assert levels.coverage_by_age_band(HANOI, "79", None, None).num_rows == 0
    hanoi_people = levels.card_colours(HANOI, None, dt.date(2021, 7, 31), dt.date(2021, 7, 31)).to_pylist()
    assert [r["green"] + r["yellow"] + r["red"] for r in hanoi_people] == [4]  # 8, 9, 10 and 14 live in Phúc Xá
    district = Viewer("district", ("760",))
    assert levels.card_colours(district, "79", None, None).num_rows == 0  # not the whole province's figures
    assert levels.card_colours(district, "760", None, None).num_rows > 0


@pytest.mark.parametrize("shape", ["seed", "test"])
def test_daily_loads_keep_what_a_full_rebuild_gives(shape: str, seed_dir: Path, tmp_path: Path) -> None:
    """Days loaded one by one extend the calendar forward: each new day's cards and coverage are carried from the day
    before plus what changes on it (spans starting or ending, doses, birthdays reaching an age band). The result must
    be what a recomputation from every event gives, on the seed and on a generated epidemic."""
    if shape == "seed":
        dataset = seed_dir
    else:
        dataset = tmp_path / "dataset"
        scenario.generate(dataset, **scenario.preset("test"))
    store = _open(tmp_path / "store.duckdb")
    try:
        for folder in split_by_day(dataset, tmp_path / "days", live_days=5 if shape == "test" else 3):
            load_dataset(store, folder)
        incremental = {t: _rows(store.cursor(), t) for t in DERIVED}
        assert all(incremental[t] for t in ("card_ward_day", "coverage_ward_day"))
        assert store.writer.run(_rebuilt) == incremental
    finally:
        store.close()
