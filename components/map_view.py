"""The map's building blocks: the validated selection from the URL, layer hideouts, ward points, legend."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from urllib.parse import urlencode

import dash_mantine_components as dmc
from dash import html

from components.area_filter import read_place
from components.i18n import t
from components.inputs import Day, Measure, UrlValue, read, url_text
from components.measures import DEFAULT_MEASURE, SHARES, STYLES, legend_items
from data.maps import area_measure, last_day
from data.viewer import Viewer


@dataclass
class MapSelection:
    """What the map shows, from the URL, checked against the vocabulary and the viewer's jurisdiction."""

    measure: str = DEFAULT_MEASURE
    province: dict | None = None
    district: dict | None = None
    day: str | None = None
    notices: list[str] = field(default_factory=list)

    @property
    def level(self) -> str:
        return "ward" if self.district else "district" if self.province else "province"

    @property
    def parent_code(self) -> str | None:
        return self.district["code"] if self.district else self.province["code"] if self.province else None

    def query(self, **changes: str | None) -> str:
        values = {
            "province": self.province["code"] if self.province else None,
            "district": self.district["code"] if self.district else None,
            "measure": self.measure,
            "day": self.day,
        }
        values.update(changes)
        return "?" + urlencode({k: v for k, v in values.items() if v})


def read_selection(
    viewer: Viewer, lang: str, province: UrlValue, district: UrlValue, measure: UrlValue, day: UrlValue
) -> MapSelection:
    """The values are read as the URL gives them (components/inputs.py: the first of a repeated parameter)."""
    province, district, measure, day = map(url_text, (province, district, measure, day))
    selection = MapSelection()
    if read(Measure, measure):
        selection.measure = measure
    elif measure:
        selection.notices.append(t("map.unknown_measure", lang, measure=measure[:40]))
    place = read_place(viewer, province, district)
    selection.province, selection.district = place.province, place.district
    if place.unknown:
        selection.notices.append(t("map.unknown_area", lang, code=place.unknown[:12]))
    chosen = read(Day, day) if day else None
    if day and chosen is None:
        selection.notices.append(t("map.bad_day", lang, day=day[:20]))
    selection.day = chosen or last_day(viewer)
    return selection


def view_rows(selection: MapSelection, viewer: Viewer) -> list[dict]:
    """The areas the selection shows, each with the measure on its day (none for an empty store)."""
    if not selection.day:
        return []
    return area_measure(viewer, selection.level, selection.parent_code, selection.measure, selection.day)


def hideout(rows: list[dict], selection: MapSelection, lang: str, *, layer: str) -> dict:
    """The small object sent on every change: values by code and how to colour them."""
    style = STYLES[selection.measure]
    values = {r["code"]: r["value"] for r in rows}
    base = {
        "bins": list(style.bins),
        "colours": list(style.colours),
        "digits": style.digits,
        "locale": "vi-VN" if lang == "vi" else "en-GB",
        "unit": t(f"unit.{selection.measure}", lang),
        "percent": selection.measure in SHARES,
    }
    if layer == "province":
        # At national level the provinces carry the values; below it they are context only.
        return {
            **base,
            "values": values if selection.level == "province" else {},
            "focus": selection.province["code"] if selection.province else None,
        }
    if layer == "district":
        if selection.level == "province":
            return {**base, "values": {}, "province": "none"}
        return {
            **base,
            "values": values if selection.level == "district" else {},
            # A district officer may not read its province's own row (data/areas.py), so the district says where.
            "province": selection.province["code"] if selection.province else selection.district["province_code"],
            "selected": selection.district["code"] if selection.district else None,
        }
    return {**base, "values": values if selection.level == "ward" else {}}


def ward_points(rows: list[dict], selection: MapSelection) -> dict:
    """Wards have no polygons: a point each (an estimated centroid), sized by cases."""
    if selection.level != "ward":
        return {"type": "FeatureCollection", "features": []}
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [r["lon"], r["lat"]]},
                "properties": {"code": r["code"], "name": r["name"], "cases": r["new_cases_7d"]},
            }
            for r in rows
        ],
    }


def legend(measure: str, lang: str) -> dmc.Paper:
    return dmc.Paper(
        [dmc.Text(t(f"measure.{measure}", lang), size="sm", fw=600, mb=4)]
        + [
            dmc.Group(
                [html.Span(className="legend-swatch", style={"background": colour}), dmc.Text(label, size="xs")], gap=6
            )
            for colour, label in legend_items(measure, lang)
        ]
        + [
            dmc.Group(
                [
                    html.Span(className="legend-swatch", style={"background": "#dee2e6"}),
                    dmc.Text(t("map.no_data", lang), size="xs"),
                ],
                gap=6,
            )
        ],
        withBorder=True,
        p="xs",
        className="map-legend",
    )


def measure_csv(rows: list[dict], selection: MapSelection, lang: str) -> str:
    """Every area the map shows, with the measure and its inputs, as CSV: machine-readable numbers (a dot for
    decimals), headings in the user's language, and a byte-order mark so Excel reads the diacritics."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            t("map.csv.code", lang),
            t("map.csv.name", lang),
            t(f"measure.{selection.measure}", lang),
            t("map.csv.population", lang),
            t("map.csv.new_cases_7d", lang),
            t("map.csv.new_cases_prev_7d", lang),
            t("map.csv.day", lang),
        ]
    )
    for row in sorted(rows, key=lambda r: r["code"]):
        value = row["value"]
        writer.writerow(
            [
                row["code"],
                row["name"],
                "" if value is None else value if isinstance(value, str) else round(value, 4),  # "<5": the press
                row["population"],
                row["new_cases_7d"],
                row["new_cases_prev_7d"],
                selection.day,
            ]
        )
    return "\ufeff" + out.getvalue()
