"""The rules' derived tables (cards, coverage, area levels): kept up to date per load by the writer, read by the pages."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterable
from pathlib import Path

import duckdb
import pyarrow as pa

from data.cache import cached
from data.sql import sql
from data.viewer import Viewer
from rules.area_level import area_level_rule_in_force, area_level_rules, band_rows
from rules.card import card_rule_in_force
from rules.vaccination import vaccination_rule_in_force

log = logging.getLogger(__name__)

SCHEMA = Path(__file__).with_name("rules_schema.sql")

# Column names of what the read functions return: one place, shared with the pages.
LEVEL_COLUMNS = (
    "area_code",
    "name",
    "level",
    "week_start",
    "cases_7d",
    "population",
    "rate_per_100k",
    "adults_first_dose_share",
    "older_fully_share",
    "all_fully_share",
    "coverage_met",
    "capacity_met",
    "proposed_level",
    "level_in_force",
    "computed_ts",
    "effective_ts",
    "rule_version",
)
COVERAGE_COLUMNS = ("day", "band", "population", "first_dose", "fully_vaccinated", "first_dose_share", "fully_share")
CARD_COLUMNS = ("day", "green", "yellow", "red", "rule_version")
AGE_BANDS = ("18+", "50+", "65+", "all")


def apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Creates the rules' tables (after data/schema.sql); safe to run on every start."""
    con.execute(SCHEMA.read_text(encoding="utf-8"))


def _install_rules(con: duckdb.DuckDBPyConnection) -> None:
    """The rule files as temporary tables the queries join: card rule per province, level rules and bands."""
    provinces = [r[0] for r in con.execute("SELECT code FROM areas WHERE level = 'province'").fetchall()]
    cards = [card_rule_in_force(code) for code in provinces]
    card_rules = pa.table(
        {
            "province_code": provinces,
            "rule_version": [r.name for r in cards],
            "green_after_full_days": [r.green_after_full_days for r in cards],
            "recovered_green_days": [r.recovered_green_days for r in cards],
            "yellow_after_first_days": [r.yellow_after_first_days for r in cards],
            "negative_test_hours": [r.negative_test_hours for r in cards],
            "negative_test_kinds": [list(r.negative_test_kinds) for r in cards],
            "f0_active_days": [r.f0_active_days for r in cards],
            "close_contact_days": [r.close_contact_days for r in cards],
        },
        schema=pa.schema(
            [
                ("province_code", pa.string()),
                ("rule_version", pa.string()),
                ("green_after_full_days", pa.int32()),
                ("recovered_green_days", pa.int32()),
                ("yellow_after_first_days", pa.int32()),
                ("negative_test_hours", pa.int32()),
                ("negative_test_kinds", pa.list_(pa.string())),
                ("f0_active_days", pa.int32()),
                ("close_contact_days", pa.int32()),
            ]
        ),
    )
    levels = area_level_rules()
    level_rules = pa.table(
        {
            "rule_version": [r.name for r in levels],
            "coverage": [r.coverage for r in levels],
            "adults_first_dose_min": pa.array([r.adults_first_dose_min for r in levels], pa.float64()),
            "all_fully_min": pa.array([r.all_fully_min for r in levels], pa.float64()),
            "older_fully_min": [r.older_fully_min for r in levels],
            "zero_case_level": [r.zero_case_level for r in levels],
            "capacity_raise": [r.capacity_raise for r in levels],
            "in_force_after_hours": [r.in_force_after_hours for r in levels],
        }
    )
    bands = list(zip(*band_rows(), strict=True))
    level_bands = pa.table(
        dict(
            zip(
                ("rule_version", "lower", "lower_inclusive", "upper", "upper_inclusive", "met", "not_met"),
                bands,
                strict=True,
            )
        )
    )
    for name, frame in (("card_rule_province", card_rules), ("level_rule", level_rules), ("level_band", level_bands)):
        con.register("rule_frame", frame)
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM rule_frame")
        con.unregister("rule_frame")


def _weeks(first_day: dt.date, last_day: dt.date) -> list[dt.date]:
    """The Mondays of the complete weeks (Monday to Sunday) from the week of `first_day` to `last_day`."""
    monday = first_day - dt.timedelta(days=first_day.weekday())
    weeks = []
    while monday + dt.timedelta(days=6) <= last_day:
        weeks.append(monday)
        monday += dt.timedelta(days=7)
    return weeks


def _install_weeks(con: duckdb.DuckDBPyConnection, weeks: list[dt.date]) -> None:
    frame = pa.table(
        {
            "week_start": pa.array(weeks, pa.date32()),
            "rule_version": pa.array(
                [area_level_rule_in_force(w + dt.timedelta(days=6)).name for w in weeks], pa.string()
            ),
        }
    )
    con.register("weeks_frame", frame)
    con.execute("CREATE OR REPLACE TEMP TABLE level_weeks AS SELECT * FROM weeks_frame")
    con.unregister("weeks_frame")


def _calendar(con: duckdb.DuckDBPyConnection) -> tuple[dt.date, dt.date] | None:
    found = con.execute("SELECT first_day, last_day FROM rule_calendar").fetchall()
    return found[0] if found else None


def _refreshed_load(con: duckdb.DuckDBPyConnection) -> int:
    found = con.execute("SELECT max(load_id) FROM rule_calendar").fetchall()
    return found[0][0] or 0


def _new_ranges(old: tuple[dt.date, dt.date] | None, new: tuple[dt.date, dt.date]) -> list[tuple[dt.date, dt.date]]:
    """The day ranges in `new` that `old` does not cover (the calendar only grows)."""
    if old is None:
        return [new]
    ranges = []
    if new[0] < old[0]:
        ranges.append((new[0], old[0] - dt.timedelta(days=1)))
    if new[1] > old[1]:
        ranges.append((old[1] + dt.timedelta(days=1), new[1]))
    return ranges


def refresh_after_load(
    con: duckdb.DuckDBPyConnection, load_id: int, changed_people: Iterable[int] = ()
) -> dict[str, float]:
    """Inside the load transaction, after cases and ward_day: brings cards, coverage and area levels up to date.

    Calling it again for a load already refreshed (or an older one) does nothing. Only what load `load_id`
    changed is recomputed: the spans of the people it touched (plus `changed_people`,
    e.g. people whose quarantine tracing rewrote), the days new to the calendar, and the area-weeks from the
    first week the load affects. Returns seconds per step.
    """
    if load_id <= _refreshed_load(con):
        return {}
    return _refresh(con, load_id, changed_people, everyone=False)


def rebuild_all(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    """Recomputes every rules table from the events (after a change to a rule file); inside a transaction."""
    for table in ("card_spans", "card_ward_day", "coverage_ward_day", "area_level_week", "rule_calendar"):
        con.execute(f"DELETE FROM {table}")
    last_load = con.execute("SELECT coalesce(max(load_id), 0) FROM loads").fetchall()[0][0]
    return _refresh(con, last_load, (), everyone=True)


def _refresh(
    con: duckdb.DuckDBPyConnection, load_id: int, changed_people: Iterable[int], *, everyone: bool
) -> dict[str, float]:
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(step: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[step] = now - clock
        clock = now

    first_day, last_day = con.execute(sql("rules/data_calendar")).fetchall()[0]
    if first_day is None:
        return timings
    old, new = _calendar(con), (first_day, last_day)
    if old is not None:
        new = (min(old[0], first_day), max(old[1], last_day))
    added = _new_ranges(old, new)
    full_doses = vaccination_rule_in_force().full_doses

    con.execute(sql("rules/work_tables"))
    _install_rules(con)
    if everyone:
        con.execute("INSERT INTO rule_people SELECT person_id FROM people")
    else:
        con.execute(sql("rules/touch_people"), {"load_id": load_id})
        extra = sorted(set(changed_people))
        if extra:
            con.executemany("INSERT INTO rule_people VALUES (?)", [[p] for p in extra])
            con.execute("CREATE OR REPLACE TEMP TABLE rule_people AS SELECT DISTINCT person_id FROM rule_people")
    lap("people")

    # Cards: new spans of the touched people replace their old ones; the difference updates the known days,
    # then the days new to the calendar are filled from every span.
    con.execute(sql("rules/card_spans"), {"full_doses": full_doses})
    if old is not None:
        con.execute(sql("rules/stage_card_changes"), {"load_id": load_id})
        con.execute(sql("rules/accumulate_card_days"), {"first_day": old[0], "last_day": old[1], "keep_zero": False})
    con.execute(sql("rules/forget_card_spans"))
    con.execute(sql("rules/keep_card_spans"))
    if added:
        con.execute("DELETE FROM card_delta")
        con.execute(sql("rules/stage_card_all"))
        for a, b in added:
            con.execute(sql("rules/accumulate_card_days"), {"first_day": a, "last_day": b, "keep_zero": True})
    lap("cards")

    # Coverage: the touched people's steps after this load minus before it; then new days from everyone.
    version = vaccination_rule_in_force().name
    if old is not None:
        for max_load, sign in ((load_id, 1), (load_id - 1, -1)):
            con.execute(
                sql("rules/stage_coverage"),
                {"max_load": max_load, "sign": sign, "all_people": False, "full_doses": full_doses},
            )
        con.execute(
            sql("rules/accumulate_coverage_days"),
            {"first_day": old[0], "last_day": old[1], "keep_zero": False, "rule_version": version},
        )
    if added:
        con.execute("DELETE FROM coverage_delta")
        con.execute(
            sql("rules/stage_coverage"),
            {"max_load": load_id, "sign": 1, "all_people": True, "full_doses": full_doses},
        )
        for a, b in added:
            con.execute(
                sql("rules/accumulate_coverage_days"),
                {"first_day": a, "last_day": b, "keep_zero": True, "rule_version": version},
            )
    lap("coverage")

    # Area levels: reassess the wards the load touched (and their district and province) from the first week
    # it affects; every area when the calendar gained days (new complete weeks, or earlier ones).
    weeks = _weeks(*new)
    if weeks:
        _install_weeks(con, weeks)
        if everyone or added:
            first_new = weeks[0] if (old is None or new[0] < old[0]) else old[1] + dt.timedelta(days=1)
            con.execute("INSERT INTO level_scope SELECT code, ? FROM areas WHERE level = 'ward'", [first_new])
        if not everyone:
            con.execute(sql("rules/touch_level_wards"), {"load_id": load_id})
        con.execute(sql("rules/scope_level_areas"), {"first_week": weeks[0]})
        con.execute(sql("rules/assess_area_weeks"))
        con.execute(sql("rules/forget_area_weeks"))
        con.execute(sql("rules/keep_area_weeks"))
    lap("levels")

    con.execute("DELETE FROM rule_calendar")
    con.execute("INSERT INTO rule_calendar VALUES (?, ?, ?)", [*new, load_id])
    con.execute(sql("rules/drop_work_tables"))
    log.info("rules refreshed for load %d: %s", load_id, ", ".join(f"{k} {v:.3f} s" for k, v in timings.items()))
    return timings


def set_treatment_capacity(
    con: duckdb.DuckDBPyConnection, province_code: str, from_day: dt.date, met: bool, note: str | None = None
) -> None:
    """Inside a write transaction: records criterion 3 for a province from a day on and reassesses its levels."""
    con.execute("INSERT OR REPLACE INTO treatment_capacity VALUES (?, ?, ?, ?)", [province_code, from_day, met, note])
    calendar = _calendar(con)
    weeks = _weeks(*calendar) if calendar else []
    if not weeks:
        return
    con.execute(sql("rules/work_tables"))
    _install_rules(con)
    _install_weeks(con, weeks)
    con.execute(
        "INSERT INTO level_scope SELECT code, ? FROM areas WHERE level = 'ward' AND province_code = ?",
        [from_day, province_code],
    )
    con.execute(sql("rules/scope_level_areas"), {"first_week": weeks[0]})
    con.execute(sql("rules/assess_area_weeks"))
    con.execute(sql("rules/forget_area_weeks"))
    con.execute(sql("rules/keep_area_weeks"))
    con.execute(sql("rules/drop_work_tables"))


def _store():
    from data.runtime import store

    return store()


@cached("rules")
def child_area_levels(parent_code: str | None, week_start: dt.date | None, viewer: Viewer) -> pa.Table:
    """The weekly levels of the areas directly under `parent_code` (the provinces for None) for a week (latest when
    None): one row per area the viewer may see, columns LEVEL_COLUMNS."""
    return _store().query("rules/child_area_levels", parent_code=parent_code, week_start=week_start, **viewer.params)


@cached("rules")
def level_history(area_code: str, viewer: Viewer) -> pa.Table:
    """The weekly levels of one area with the criteria behind each: one row per week, columns LEVEL_COLUMNS."""
    return _store().query("rules/level_history", area_code=area_code, **viewer.params)


@cached("rules")
def card_colours(
    area_code: str | None, first_day: dt.date | None, last_day: dt.date | None, viewer: Viewer
) -> pa.Table:
    """People by card colour per local day in an area (the viewer's whole jurisdiction for None): CARD_COLUMNS."""
    return _store().query(
        "rules/card_colours", area_code=area_code, first_day=first_day, last_day=last_day, **viewer.params
    )


@cached("rules")
def coverage_by_age_band(
    area_code: str | None, first_day: dt.date | None, last_day: dt.date | None, viewer: Viewer
) -> pa.Table:
    """Vaccine coverage per local day and age band (18+, 50+, 65+, all) in an area: COVERAGE_COLUMNS."""
    return _store().query(
        "rules/coverage_by_age_band", area_code=area_code, first_day=first_day, last_day=last_day, **viewer.params
    )
