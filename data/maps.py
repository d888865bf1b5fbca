"""What the map shows: a measure per area (province, district or ward) on a day, inside the viewer's jurisdiction."""

from __future__ import annotations

import datetime as dt

from data.cache import cached
from data.runtime import store
from data.viewer import Viewer

# The fixed vocabulary of map measures and the query that computes each.
MEASURES = {
    "new_cases_7d_per_100k": "map/cases_7d_by_area",
    "new_cases_7d": "map/cases_7d_by_area",
}
LEVELS = ("province", "district", "ward")


def _check(level: str, measure: str) -> None:
    if level not in LEVELS:
        raise ValueError(f"unknown area level {level!r}")
    if measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}")


@cached("map")
def last_day(viewer: Viewer) -> str | None:
    """The last day with data inside the jurisdiction (ISO date), None for an empty store."""
    day = store().query("map/last_day", **viewer.params).to_pylist()[0]["day"]
    return day.isoformat() if day else None


@cached("map")
def area_measure(level: str, parent_code: str | None, measure: str, day: str, viewer: Viewer) -> list[dict]:
    """One row per area of `level` under `parent_code`: code, names, centroid, population, the measure's value."""
    _check(level, measure)
    day_value = dt.date.fromisoformat(day)
    rows = store().query(MEASURES[measure], child_level=level, parent_code=parent_code, day=day_value, **viewer.params)
    keep = ["code", "name", "short_name", "lat", "lon", "population", "new_cases_7d", "new_cases_prev_7d", measure]
    out = []
    for row in rows.to_pylist():
        item = {key: row[key] for key in dict.fromkeys(keep)}
        item["value"] = row[measure]
        out.append(item)
    return out
