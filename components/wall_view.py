"""The wall's redrawn content: the map's values, the national curve, the hotspots, the headline figures and the
provinces whose level changed, for a jurisdiction."""

from __future__ import annotations

from dash import html

from components.figures import wall_cases_figure
from components.i18n import date, number, t
from components.map_view import MapSelection, hideout
from data.areas import area
from data.maps import area_measure, last_day
from data.overview import daily_counts, weekly_summary
from data.viewer import Viewer
from data.wall import levels_changed


def wall_province(viewer: Viewer) -> dict | None:
    """The province a provincial committee's wall shows by district (its map zoomed to it, its hotspots its
    districts), or None for a wall that shows the country by province."""
    if viewer.level != "province" or len(viewer.codes) != 1:
        return None
    return area(viewer, viewer.codes[0])


def wall_outputs(viewer: Viewer, lang: str, version: int) -> tuple:
    """The map's values, the curve, the hotspots table and the headline figures."""
    day = last_day(viewer)
    if not day:
        return {}, wall_cases_figure(daily_counts(viewer), lang, version), t("wall.no_data", lang), ""
    province = wall_province(viewer)
    level = "district" if province else "province"
    rows = area_measure(viewer, level, province["code"] if province else None, "new_cases_7d_per_100k", day)
    week = weekly_summary(viewer, day)
    top = sorted((r for r in rows if r["value"]), key=lambda r: -r["value"])[:10]
    hotspots = html.Table(
        [
            html.Thead(
                html.Tr(
                    [
                        html.Th(t(f"wall.col.{level}", lang)),
                        html.Th(t("wall.col.cases_7d", lang)),
                        html.Th(t("wall.col.rate", lang)),
                    ]
                )
            ),
            html.Tbody(
                [
                    html.Tr(
                        [
                            html.Td(r["short_name"]),
                            html.Td(number(r["new_cases_7d"], lang)),
                            html.Td(number(r["value"], lang, 1)),
                        ]
                    )
                    for r in top
                ]
            ),
        ],
        className="wall-table",
    )
    headline = [
        html.Div(
            [
                html.Div(number(week["new_cases_today"], lang), className="big"),
                html.Div(t("wall.today", lang, day=date(day, lang))),
            ]
        ),
        html.Div([html.Div(number(week["new_cases_7d"], lang), className="big"), html.Div(t("wall.seven_days", lang))]),
        html.Div(
            [html.Div(number(week["active_cases"], lang), className="big"), html.Div(t("metric.active_cases", lang))]
        ),
    ]
    return (
        hideout(rows, MapSelection(day=day, province=province), lang, layer=level),
        wall_cases_figure(daily_counts(viewer), lang, version),
        hotspots,
        headline,
    )


def levels_table(viewer: Viewer, lang: str) -> html.Div | html.Table:
    """The provinces whose level changed this week (at most 12), or a line saying none did."""
    rows = levels_changed(viewer)
    if not rows:
        return html.Div(t("wall.no_level_change", lang), className="wall-empty")
    return html.Table(
        [
            html.Thead(
                html.Tr(
                    [
                        html.Th(t("wall.col.province", lang)),
                        html.Th(t("wall.col.before", lang)),
                        html.Th(t("wall.col.now", lang)),
                        html.Th(t("wall.col.proposed", lang)),
                    ]
                )
            ),
            html.Tbody(
                [
                    html.Tr(
                        [
                            html.Td(r["short_name"]),
                            html.Td(
                                html.Span(str(r["level_before"]), className=f"wall-level level-{r['level_before']}")
                            ),
                            html.Td(html.Span(str(r["level_now"]), className=f"wall-level level-{r['level_now']}")),
                            html.Td(
                                html.Span(str(r["proposed_level"]), className=f"wall-level level-{r['proposed_level']}")
                            ),
                        ]
                    )
                    for r in rows[:12]
                ]
            ),
        ],
        className="wall-table",
    )
