"""What the overview shows: headline figures against the week before, and daily series, inside the viewer's jurisdiction."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa

from data.cache import cached
from data.disclosure import counts, counts_table
from data.runtime import store
from data.viewer import Viewer

HEADLINE_METRICS = ("people", "venues", "checkins", "tests", "positives", "doses", "cases")
DAILY_METRICS = ("new_cases", "tests", "positives", "checkins", "doses")
# Figures compared with the same figure seven days earlier ("<metric>_before").
WEEKLY_METRICS = (
    "new_cases_today",
    "new_cases_7d",
    "active_cases",
    "tests_7d",
    "positivity_7d",
    "doses_7d",
    "checkins_today",
)
# The counts among status_today's figures (the rest are shares of large populations).
STATUS_COUNTS = ("green", "yellow", "red", "red_before", "f1_quarantined", "f1_quarantined_before")
# Results for the last days are still arriving (samples taken, results not yet out): shown as provisional.
PROVISIONAL_DAYS = 3


@cached("overview")
def headline_figures(viewer: Viewer, area_code: str | None = None) -> dict[str, object]:
    """Totals of people, venues, check-ins, tests, doses and confirmed cases, and the days they span."""
    table = store().query("overview/headline_figures", area_code=area_code, **viewer.params)
    row = table.to_pylist()[0]
    row["first_day"] = row["first_day"].isoformat() if row["first_day"] else None
    row["last_day"] = row["last_day"].isoformat() if row["last_day"] else None
    return counts(viewer, row, HEADLINE_METRICS)


@cached("overview")
def weekly_summary(viewer: Viewer, day: str, area_code: str | None = None) -> dict[str, float | int | None]:
    """Each of WEEKLY_METRICS on `day` and the same a week earlier (`<metric>_before`)."""
    params = {"day": dt.date.fromisoformat(day), "area_code": area_code, **viewer.params}
    row = store().query("overview/summary", **params).to_pylist()[0]
    if viewer.suppress_below:
        for suffix in ("", "_before"):  # a positivity over few positives gives their count back
            tests, share = row[f"tests_7d{suffix}"], row[f"positivity_7d{suffix}"]
            if tests and share is not None and 0 < round(share * tests) < viewer.suppress_below:
                row[f"positivity_7d{suffix}"] = None
    return counts(viewer, row, [m + s for m in WEEKLY_METRICS if m != "positivity_7d" for s in ("", "_before")])


@cached("overview")
def daily_counts(viewer: Viewer, area_code: str | None = None) -> pa.Table:
    """One row per local day: new cases, tests, positives, check-ins and doses."""
    return counts_table(
        viewer, store().query("overview/daily_counts", area_code=area_code, **viewer.params), DAILY_METRICS
    )


@cached("overview")
def status_today(viewer: Viewer, day: str, area_code: str | None = None) -> dict[str, float | int | None]:
    """People by card colour, vaccine coverage (18+ one dose and fully; 50+ and 65+ fully) and F1 in quarantine at
    the end of `day`, with the same a week earlier where it matters (`<metric>_before`)."""
    params = {"day": dt.date.fromisoformat(day), "area_code": area_code, **viewer.params}
    row = store().query("overview/status_today", **params).to_pylist()[0]
    return counts(viewer, row, STATUS_COUNTS)
