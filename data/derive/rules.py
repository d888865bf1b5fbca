"""The rules' derivations (card colours, vaccine coverage, area levels), brought up to date by each batch."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from data.sql import sql
from rules.area_level import area_level_rule_in_force, area_level_rules, band_rows
from rules.card import card_rule_in_force
from rules.vaccination import vaccination_rule_in_force

log = logging.getLogger(__name__)

Days = tuple[dt.date, dt.date]


def _install_rules(con: duckdb.DuckDBPyConnection) -> None:
    """The rule files as temporary tables the queries join: card rule per province, level rules and bands."""
    provinces = [r[0] for r in con.execute(sql("rules/provinces")).fetchall()]
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
    for query, frame in (
        ("rules/install_card_rules", card_rules),
        ("rules/install_level_rules", level_rules),
        ("rules/install_level_bands", level_bands),
    ):
        con.register("rule_frame", frame)
        con.execute(sql(query))
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
    con.execute(sql("rules/install_weeks"))
    con.unregister("weeks_frame")


def _calendar(con: duckdb.DuckDBPyConnection) -> tuple[dt.date, dt.date, int] | None:
    found = con.execute(sql("rules/calendar")).fetchall()
    return found[0] if found else None


def _new_ranges(old: Days | None, new: Days) -> list[Days]:
    """The day ranges in `new` that `old` does not cover (the calendar only grows)."""
    if old is None:
        return [new]
    ranges = []
    if new[0] < old[0]:
        ranges.append((new[0], old[0] - dt.timedelta(days=1)))
    if new[1] > old[1]:
        ranges.append((old[1] + dt.timedelta(days=1), new[1]))
    return ranges


@dataclass
class RulesRefresh:
    """One batch's refresh of the rules' tables, in three steps the pipeline runs in order (cards, coverage, levels)
    after `begin` and before `finish`. Only what the batch changed is recomputed: the card spans of the people it
    touched, the days new to the calendar, the area-weeks from the first week it affects."""

    con: duckdb.DuckDBPyConnection
    load_id: int
    everyone: bool
    old: Days | None  # the days covered before the batch
    new: Days  # the days covered after it
    added: list[Days]  # the days new to the calendar
    full_doses: int

    @classmethod
    def begin(
        cls,
        con: duckdb.DuckDBPyConnection,
        load_id: int,
        changed_people: Iterable[int] = (),
        *,
        everyone: bool = False,
    ) -> RulesRefresh | None:
        """Sets the work tables up; None when there is nothing to do (no data yet, or the batch was refreshed).
        `changed_people`: people whose inputs changed outside the batch's own events (their spans are redone)."""
        calendar = _calendar(con)
        if not everyone and calendar is not None and load_id <= calendar[2]:
            return None
        first_day, last_day = con.execute(sql("rules/data_calendar")).fetchall()[0]
        if first_day is None:
            return None
        old = (calendar[0], calendar[1]) if calendar is not None else None
        new = (min(old[0], first_day), max(old[1], last_day)) if old is not None else (first_day, last_day)
        con.execute(sql("rules/work_tables"))
        _install_rules(con)
        if everyone:
            con.execute(sql("rules/touch_everyone"))
        else:
            con.execute(sql("rules/touch_people"), {"load_id": load_id})
            extra = sorted(set(changed_people))
            if extra:
                con.register("changed_people", pa.table({"person_id": pa.array(extra, pa.int64())}))
                con.execute(sql("rules/touch_changed_people"))
                con.unregister("changed_people")
        full_doses = vaccination_rule_in_force().full_doses
        return cls(con, load_id, everyone, old, new, _new_ranges(old, new), full_doses)

    def cards(self) -> None:
        """Card colours: new spans of the touched people replace their old ones, the difference updates the days
        already known; then the days new to the calendar: after its last day, that day's counts carried forward with
        the spans that start or end on the new days (a new day cost every span of the register at the national
        scale: 23 s for the first batch of a day); before its first day (a backfill), filled from every span."""
        con, old = self.con, self.old
        con.execute(sql("rules/card_spans"), {"full_doses": self.full_doses})
        if old is not None:
            con.execute(sql("rules/stage_card_changes"), {"load_id": self.load_id})
            con.execute(
                sql("rules/accumulate_card_days"), {"first_day": old[0], "last_day": old[1], "keep_zero": False}
            )
        con.execute(sql("rules/forget_card_spans"))
        con.execute(sql("rules/keep_card_spans"))
        for a, b in self.added:
            con.execute(sql("rules/clear_card_delta"))
            if self._after_calendar(a):
                con.execute(sql("rules/stage_card_carry"), {"last_known": old[1], "first_day": a})
            else:
                con.execute(sql("rules/stage_card_all"))
            con.execute(sql("rules/accumulate_card_days"), {"first_day": a, "last_day": b, "keep_zero": True})

    def coverage(self) -> None:
        """Vaccine coverage: the touched people's steps after this batch minus before it; then the days new to the
        calendar: after its last day, that day's coverage carried forward with the steps that fall on the new days
        (doses given, age bands reached); before its first day, everyone's steps."""
        con, old = self.con, self.old
        version = vaccination_rule_in_force().name
        if old is not None:
            con.execute(sql("rules/scope_coverage_touched"))
            for max_load, sign in ((self.load_id, 1), (self.load_id - 1, -1)):
                con.execute(
                    sql("rules/stage_coverage"),
                    {"max_load": max_load, "sign": sign, "full_doses": self.full_doses, "since": None},
                )
            con.execute(
                sql("rules/accumulate_coverage_days"),
                {"first_day": old[0], "last_day": old[1], "keep_zero": False, "rule_version": version},
            )
        for a, b in self.added:
            con.execute(sql("rules/clear_coverage_delta"))
            if self._after_calendar(a):
                con.execute(sql("rules/stage_coverage_carry"), {"last_known": old[1], "first_day": a})
                con.execute(sql("rules/scope_coverage_range"), {"first_day": a, "last_day": b})
                since = a
            else:
                con.execute(sql("rules/scope_coverage_everyone"))
                since = None
            con.execute(
                sql("rules/stage_coverage"),
                {"max_load": self.load_id, "sign": 1, "full_doses": self.full_doses, "since": since},
            )
            con.execute(
                sql("rules/accumulate_coverage_days"),
                {"first_day": a, "last_day": b, "keep_zero": True, "rule_version": version},
            )

    def _after_calendar(self, first_day: dt.date) -> bool:
        """Whether days new to the calendar come after its last day (carried forward) rather than before its first."""
        return self.old is not None and first_day > self.old[1]

    def levels(self) -> None:
        """Area levels: the wards the batch touched (and their district and province) from the first week it
        affects; every area when the calendar gained days (new complete weeks, or earlier ones)."""
        con, old, new = self.con, self.old, self.new
        weeks = _weeks(*new)
        if not weeks:
            return
        _install_weeks(con, weeks)
        if self.everyone or self.added:
            first_new = weeks[0] if (old is None or new[0] < old[0]) else old[1] + dt.timedelta(days=1)
            con.execute(sql("rules/touch_every_ward"), {"first_week": first_new})
        if not self.everyone:
            con.execute(sql("rules/touch_level_wards"), {"load_id": self.load_id})
        _assess_scoped_weeks(con, weeks[0])

    def finish(self) -> None:
        con = self.con
        con.execute(sql("rules/clear_calendar"))
        con.execute(
            sql("rules/set_calendar"), {"first_day": self.new[0], "last_day": self.new[1], "load_id": self.load_id}
        )
        con.execute(sql("rules/drop_work_tables"))


def _assess_scoped_weeks(con: duckdb.DuckDBPyConnection, first_week: dt.date) -> None:
    """Reassesses the area-weeks in level_scope (and their districts and provinces) and keeps the result."""
    con.execute(sql("rules/scope_level_areas"), {"first_week": first_week})
    con.execute(sql("rules/assess_area_weeks"))
    con.execute(sql("rules/forget_area_weeks"))
    con.execute(sql("rules/keep_area_weeks"))


def refresh(refresh: RulesRefresh | None) -> None:
    """Runs a refresh's three steps in order and finishes it (what the pipeline does, stage by stage)."""
    if refresh is None:
        return
    refresh.cards()
    refresh.coverage()
    refresh.levels()
    refresh.finish()


def refresh_after_load(con: duckdb.DuckDBPyConnection, load_id: int, changed_people: Iterable[int] = ()) -> None:
    """Inside a batch's transaction, after cases, summaries and tracing: brings cards, coverage and area levels up
    to date with load `load_id`. Calling it again for a load already refreshed (or an older one) does nothing."""
    refresh(RulesRefresh.begin(con, load_id, changed_people))


def rebuild_all(con: duckdb.DuckDBPyConnection) -> None:
    """Recomputes every rules table from the events (after a change to a rule file); inside a transaction."""
    con.execute(sql("rules/forget_everything"))
    last_load = con.execute(sql("rules/last_load")).fetchall()[0][0]
    refresh(RulesRefresh.begin(con, last_load, everyone=True))


def set_treatment_capacity(
    con: duckdb.DuckDBPyConnection, province_code: str, from_day: dt.date, met: bool, note: str | None = None
) -> None:
    """Inside a write transaction: records criterion 3 for a province from a day on and reassesses its levels."""
    con.execute(
        sql("rules/set_treatment_capacity"),
        {"province_code": province_code, "from_day": from_day, "met": met, "note": note},
    )
    calendar = _calendar(con)
    weeks = _weeks(calendar[0], calendar[1]) if calendar else []
    if not weeks:
        return
    con.execute(sql("rules/work_tables"))
    _install_rules(con)
    _install_weeks(con, weeks)
    con.execute(sql("rules/touch_province_wards"), {"from_day": from_day, "province_code": province_code})
    _assess_scoped_weeks(con, weeks[0])
    con.execute(sql("rules/drop_work_tables"))
