"""What the pages read of the rules' tables: area levels with their criteria, card colours and vaccine coverage."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa

from data import runtime
from data.cache import cached
from data.disclosure import counts_table
from data.viewer import Viewer

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


@cached("rules")
def child_area_levels(viewer: Viewer, parent_code: str | None, week_start: dt.date | None = None) -> pa.Table:
    """The weekly levels of the areas directly under `parent_code` (the provinces for None) for a week (latest when
    None): one row per area the viewer may see, columns LEVEL_COLUMNS."""
    table = runtime.store().query(
        "rules/child_area_levels", parent_code=parent_code, week_start=week_start, **viewer.params
    )
    return counts_table(viewer, table, ("cases_7d",), {"rate_per_100k": "cases_7d"})


@cached("rules")
def level_history(viewer: Viewer, area_code: str) -> pa.Table:
    """The weekly levels of one area with the criteria behind each: one row per week, columns LEVEL_COLUMNS."""
    table = runtime.store().query("rules/level_history", area_code=area_code, **viewer.params)
    return counts_table(viewer, table, ("cases_7d",), {"rate_per_100k": "cases_7d"})


@cached("rules")
def card_colours(
    viewer: Viewer, area_code: str | None, first_day: dt.date | None = None, last_day: dt.date | None = None
) -> pa.Table:
    """People by card colour per local day in an area (the viewer's whole jurisdiction for None): CARD_COLUMNS."""
    table = runtime.store().query(
        "rules/card_colours", area_code=area_code, first_day=first_day, last_day=last_day, **viewer.params
    )
    return counts_table(viewer, table, ("green", "yellow", "red"))


@cached("rules")
def coverage_by_age_band(
    viewer: Viewer, area_code: str | None, first_day: dt.date | None = None, last_day: dt.date | None = None
) -> pa.Table:
    """Vaccine coverage per local day and age band (18+, 50+, 65+, all) in an area: COVERAGE_COLUMNS."""
    table = runtime.store().query(
        "rules/coverage_by_age_band", area_code=area_code, first_day=first_day, last_day=last_day, **viewer.params
    )
    shares = {"first_dose_share": "first_dose", "fully_share": "fully_vaccinated"}
    return counts_table(viewer, table, ("population", "first_dose", "fully_vaccinated"), shares)
