"""The wall screen (/wall): dark, large type, no scrolling; panels rotate in the browser, data refresh on a new version."""

from __future__ import annotations

import dash
import dash_leaflet as dl
from dash import Input, Output, clientside_callback, dcc, html
from dash_extensions.javascript import Namespace

from components import ids
from components.figures import wall_cases_figure
from components.i18n import current_language, date, number, t
from components.inputs import Count, UrlValue, WallSeconds, typed, url_value
from components.map_view import MapSelection, hideout, legend
from data.areas import bounds
from data.maps import area_measure, last_day
from data.overview import daily_counts, weekly_summary
from data.viewer import current_viewer
from data.wall import levels_changed
from web.endpoints import geometry_url

dash.register_page(__name__, path="/wall", title="Màn hình tường — PC-Covid", name="wall")

ROTATE = "wall-rotate"
PANELS = "wall-panels"
MAP = "wall-map-layer"
TREND = "wall-trend"
HOTSPOTS = "wall-hotspots"
LEVELS = "wall-levels"
HEADLINE = "wall-headline"
CLOCK = "wall-clock"
PANEL_SECONDS = 20
PANEL_COUNT = 4

ns = Namespace("pccovid", "map")


def layout(seconds: UrlValue = None, **_query: UrlValue) -> html.Div:
    lang = current_language()
    # ?seconds=N sets the rotation (2 to 600 s), for rooms that want it slower and for tests.
    period = url_value(WallSeconds, seconds) or PANEL_SECONDS
    return html.Div(
        [
            dcc.Interval(id=ROTATE, interval=period * 1000),
            html.Div(
                [
                    html.Div(
                        [html.Img(src=dash.get_asset_url("logo.svg"), height=56), html.Span(t("wall.title", lang))],
                        className="wall-title",
                    ),
                    html.Div(id=HEADLINE, className="wall-headline"),
                    html.Div(id=CLOCK, className="wall-clock"),
                ],
                className="wall-top",
            ),
            html.Div(
                [
                    html.Div(
                        [
                            html.H2(t("wall.panel.map", lang)),
                            dl.Map(
                                [dl.GeoJSON(id=MAP, url=geometry_url("province"), style=ns("style"), hideout={})],
                                bounds=bounds(None),
                                zoomSnap=0.25,
                                style={"height": "calc(100vh - 250px)"},
                                zoomControl=False,
                                attributionControl=False,
                                trackViewport=False,
                                dragging=False,
                                scrollWheelZoom=False,
                                className="wall-map",
                            ),
                            html.Div(legend("new_cases_7d_per_100k", lang), className="wall-legend"),
                        ],
                        className="wall-panel",
                        **{"data-panel": "0"},
                    ),
                    html.Div(
                        [
                            html.H2(t("wall.panel.trend", lang)),
                            dcc.Graph(
                                id=TREND, config={"displayModeBar": False, "staticPlot": True}, className="wall-graph"
                            ),
                        ],
                        className="wall-panel",
                        **{"data-panel": "1"},
                    ),
                    html.Div(
                        [html.H2(t("wall.panel.hotspots", lang)), html.Div(id=HOTSPOTS)],
                        className="wall-panel",
                        **{"data-panel": "2"},
                    ),
                    html.Div(
                        [html.H2(t("wall.panel.levels", lang)), html.Div(id=LEVELS)],
                        className="wall-panel",
                        **{"data-panel": "3"},
                    ),
                ],
                id=PANELS,
                className="wall-panels",
                **{"data-active": "0"},
            ),
        ],
        className="wall",
    )


@dash.callback(Output(LEVELS, "children"), Input(ids.DATA_VERSION, "data"))
@typed
def show_levels_changed(_version: Count):
    lang = current_language()
    rows = levels_changed(current_viewer())
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


@dash.callback(
    Output(MAP, "hideout"),
    Output(TREND, "figure"),
    Output(HOTSPOTS, "children"),
    Output(HEADLINE, "children"),
    Input(ids.DATA_VERSION, "data"),
)
@typed
def refresh_wall(version: Count):
    """Runs on load and whenever the writer commits a new data version; nothing else makes the server work."""
    lang, viewer = current_language(), current_viewer()
    day = last_day(viewer)
    if not day:
        return {}, wall_cases_figure(daily_counts(viewer), lang, version), t("wall.no_data", lang), ""
    rows = area_measure(viewer, "province", None, "new_cases_7d_per_100k", day)
    week = weekly_summary(viewer, day)
    top = sorted((r for r in rows if r["value"]), key=lambda r: -r["value"])[:10]
    hotspots = html.Table(
        [
            html.Thead(
                html.Tr(
                    [
                        html.Th(t("wall.col.province", lang)),
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
        hideout(rows, MapSelection(day=day), lang, layer="province"),
        wall_cases_figure(daily_counts(viewer), lang, version),
        hotspots,
        headline,
    )


# Rotation and the clock run in the browser: one attribute changes, no DOM is added, nothing grows over 24 hours.
clientside_callback(
    f"""
    function(tick) {{
        const panels = document.getElementById("{PANELS}");
        if (panels) {{ panels.setAttribute("data-active", String((tick || 0) % {PANEL_COUNT})); }}
        return new Date().toLocaleString("vi-VN", {{timeZone: "Asia/Ho_Chi_Minh", hour: "2-digit", minute: "2-digit", day: "2-digit", month: "2-digit", year: "numeric"}});
    }}
    """,
    Output(CLOCK, "children"),
    Input(ROTATE, "n_intervals"),
)
