"""What the overview shows: headline totals and daily series, inside the viewer's jurisdiction."""

from __future__ import annotations

import pyarrow as pa

from data.cache import cached
from data.runtime import store
from data.viewer import Viewer

HEADLINE_METRICS = ("people", "venues", "checkins", "tests", "positives", "doses", "cases")
DAILY_METRICS = ("new_cases", "tests", "positives", "checkins", "doses")


@cached("overview")
def headline_figures(viewer: Viewer) -> dict[str, object]:
    """Totals of people, venues, check-ins, tests, doses and confirmed cases, and the days they span."""
    table = store().query("overview/headline_figures", **viewer.params)
    row = table.to_pylist()[0]
    row["first_day"] = row["first_day"].isoformat() if row["first_day"] else None
    row["last_day"] = row["last_day"].isoformat() if row["last_day"] else None
    return row


@cached("overview")
def daily_counts(viewer: Viewer) -> pa.Table:
    """One row per local day: new cases, tests, positives, check-ins and doses."""
    return store().query("overview/daily_counts", **viewer.params)
