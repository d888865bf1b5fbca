"""What the map shows: a measure per area (province, district or ward) on a day, inside the viewer's jurisdiction."""

from __future__ import annotations

import datetime as dt

from data.cache import cached
from data.disclosure import counts
from data.runtime import store
from data.viewer import Viewer

# The fixed vocabulary of map measures: the query that computes each and its column.
MEASURES = {
    "new_cases_7d_per_100k": ("map/cases_7d_by_area", "new_cases_7d_per_100k"),
    "new_cases_7d": ("map/cases_7d_by_area", "new_cases_7d"),
    "level": ("map/levels_by_area", "level"),
    "first_dose_18": ("map/coverage_by_area", "first_dose_18"),
    "fully_50": ("map/coverage_by_area", "fully_50"),
    "red_share": ("map/cards_by_area", "red_share"),
    "green_share": ("map/cards_by_area", "green_share"),
}
LEVELS = ("province", "district", "ward")
_BASE = "map/cases_7d_by_area"


def _check(level: str, measure: str) -> None:
    if level not in LEVELS:
        raise ValueError(f"unknown area level {level!r}")
    if measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}")


@cached("map")
def day_range(viewer: Viewer) -> list[str | None]:
    """[first, last]: the days with data inside the jurisdiction (ISO dates), the days the map can show."""
    row = store().query("map/day_range", **viewer.params).to_pylist()[0]
    return [d.isoformat() if d else None for d in (row["first_day"], row["last_day"])]


def last_day(viewer: Viewer) -> str | None:
    """The last day with data inside the jurisdiction (ISO date), None for an empty store."""
    return day_range(viewer)[1]


@cached("map")
def area_measure(viewer: Viewer, level: str, parent_code: str | None, measure: str, day: str) -> list[dict]:
    """One row per area of `level` under `parent_code`: code, names, centroid, registered people, cases in 7 days
    (and the 7 before), and `value`, the measure on `day` (None where it cannot be computed)."""
    _check(level, measure)
    params = {"child_level": level, "parent_code": parent_code, "day": dt.date.fromisoformat(day), **viewer.params}
    rows = store().query(_BASE, **params).to_pylist()
    query, column = MEASURES[measure]
    if query == _BASE:
        values = {r["code"]: r[column] for r in rows}
    else:
        values = {r["code"]: r[column] for r in store().query(query, **params).to_pylist()}
    keep = ("code", "name", "short_name", "lat", "lon", "population", "new_cases_7d", "new_cases_prev_7d")
    # the press: a count of 1 to 4 reads "<5", and a rate per 100,000 computed from it is not shown
    value_of = {"new_cases_7d": "new_cases_7d", "new_cases_7d_per_100k": "new_cases_7d"}.get(measure)
    return [
        counts(
            viewer,
            {**{k: r[k] for k in keep}, "value": values.get(r["code"])},
            ("new_cases_7d", "new_cases_prev_7d", *(["value"] if measure == "new_cases_7d" else [])),
            {"value": value_of} if measure == "new_cases_7d_per_100k" else None,
        )
        for r in rows
    ]
