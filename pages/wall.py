"""The wall screen (/wall): dark, large type, no scrolling; panels rotate in the browser beside the live panel, data
refresh on a new version, and only what changed is redrawn."""

from __future__ import annotations

import datetime as dt

import dash
import dash_leaflet as dl
from dash import Input, Output, State, clientside_callback, dcc, html
from dash_extensions.javascript import Namespace

from components import ids
from components import live_panel as live
from components.directive_notice import SEQ as DIRECTIVE_SEQ
from components.directive_notice import takes_part
from components.directives_view import wall_directives
from components.i18n import current_language, t
from components.inputs import Count, Ignored, UrlValue, WallSeconds, typed, url_value
from components.map_view import legend
from components.redraw import Drawn, only_changed
from components.wall_view import levels_table, wall_outputs, wall_province
from data.access import current_viewer
from data.areas import area, bounds
from data.config import stale_seconds
from data.directives import wall_summary
from data.wall import live_arrivals, minute_of, newest_cases
from web.endpoints import geometry_url

dash.register_page(__name__, path="/wall", title="Màn hình tường — PC-Covid", name="wall")

ROTATE = "wall-rotate"
PANELS = "wall-panels"
MAP = "wall-map-layer"
LEGEND_ROOM_PX = 370  # the legend's width on a wall screen (assets/app.css .wall-legend) and its margin
TREND = "wall-trend"
HOTSPOTS = "wall-hotspots"
LEVELS = "wall-levels"
HEADLINE = "wall-headline"
CLOCK = "wall-clock"
WALL = "wall"
DIRECTIVES = "wall-directives"
DRAWN = "wall-drawn"
LEVELS_DRAWN = "wall-levels-drawn"
PANEL_SECONDS = 20
PANEL_COUNT = 4

ns = Namespace("pccovid", "map")


def _title(lang: str) -> str:
    """The wall's title names what it shows: the country, or the viewer's provinces or districts."""
    viewer = current_viewer()
    if viewer.level == "national":
        return t("wall.title", lang)
    names = [found["short_name"] for code in viewer.codes if (found := area(viewer, code)) is not None]
    return t("wall.title_of", lang, name=", ".join(names) or ", ".join(viewer.codes))


def layout(seconds: UrlValue = None, **_query: UrlValue) -> html.Div:
    lang = current_language()
    # ?seconds=N sets the rotation (2 to 600 s), for rooms that want it slower and for tests.
    period = url_value(WallSeconds, seconds) or PANEL_SECONDS
    return html.Div(
        [
            dcc.Interval(id=ROTATE, interval=period * 1000),
            dcc.Interval(id=live.TICK, interval=live.TICK_MS),
            dcc.Interval(id=live.REFRESH, interval=live.REFRESH_MS),
            dcc.Store(id=live.CLOCK),
            dcc.Store(id=live.DRAWN),
            dcc.Store(id=DRAWN),
            dcc.Store(id=LEVELS_DRAWN),
            html.Div(
                [
                    html.Div(
                        [html.Img(src=dash.get_asset_url("logo.svg"), height=56), html.Span(_title(lang))],
                        className="wall-title",
                    ),
                    html.Div(id=HEADLINE, className="wall-headline"),
                    html.Div(id=DIRECTIVES, className="wall-directives"),
                    html.Div(id=CLOCK, className="wall-clock"),
                ],
                className="wall-top",
            ),
            html.Div([_panels(lang), live.live_panel(lang)], className="wall-main"),
        ],
        id=WALL,
        className="wall",
    )


def _panels(lang: str) -> html.Div:
    """The rotating panels: one shown at a time, the others faded out. A provincial committee's wall shows its
    province by district; any other, the country by province."""
    province = wall_province(current_viewer())
    by = "_district" if province else ""
    return html.Div(
        [
            html.Div(
                [
                    html.H2(t(f"wall.panel.map{by}", lang)),
                    dl.Map(
                        [
                            dl.GeoJSON(
                                id=MAP,
                                url=geometry_url("district" if province else "province"),
                                style=ns("style"),
                                hideout={"province": province["code"]} if province else {},
                                # only the province's districts are drawn (assets/pccovid_map.js)
                                **({"filter": ns("filter")} if province else {}),
                            )
                        ],
                        bounds=bounds(province["code"] if province else None),
                        # The shapes fit right of the legend (bottom left), which covered a province's south-west.
                        boundsOptions={"paddingTopLeft": [LEGEND_ROOM_PX, 0]},
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
                    dcc.Graph(id=TREND, config={"displayModeBar": False, "staticPlot": True}, className="wall-graph"),
                ],
                className="wall-panel",
                **{"data-panel": "1"},
            ),
            html.Div(
                [html.H2(t(f"wall.panel.hotspots{by}", lang)), html.Div(id=HOTSPOTS)],
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
    )


@dash.callback(
    Output(LEVELS, "children"),
    Output(LEVELS_DRAWN, "data"),
    Input(ids.DATA_VERSION, "data"),
    State(LEVELS_DRAWN, "data"),
)
@typed
def show_levels_changed(_version: Count, drawn: Drawn):
    """Redrawn only when the table differs from the one shown (levels change once a week)."""
    (table,), digests = only_changed([levels_table(current_viewer(), current_language())], drawn)
    return table, digests


@dash.callback(
    Output(MAP, "hideout"),
    Output(TREND, "figure"),
    Output(HOTSPOTS, "children"),
    Output(HEADLINE, "children"),
    Output(DRAWN, "data"),
    Input(ids.DATA_VERSION, "data"),
    State(DRAWN, "data"),
)
@typed
def refresh_wall(version: Count, drawn: Drawn):
    """Runs on load and whenever the writer commits a new data version; of the map's values, the curve, the
    hotspots and the headline, only those that changed go back to the browser."""
    sent, digests = only_changed(wall_outputs(current_viewer(), current_language(), version), drawn)
    return (*sent, digests)


@dash.callback(
    Output(DIRECTIVES, "children"),
    Output(DIRECTIVES, "style"),
    Input(DIRECTIVE_SEQ, "data"),
    Input(live.REFRESH, "n_intervals"),
)
@typed
def show_wall_directives(_seq: Count, _tick: Ignored):
    """The active directives of the jurisdiction, at once when one is issued or moves (pushed), and every
    REFRESH_MS so that one passing its deadline turns red; only for the committees that issue or receive them."""
    if not takes_part():
        return [], {"display": "none"}
    return wall_directives(wall_summary(current_viewer(), dt.datetime.now(dt.UTC)), current_language()), None


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


@dash.callback(
    Output(live.KINDS, "children"),
    Output(live.CASES, "children"),
    Output(live.CLOCK, "data"),
    Output(live.DRAWN, "data"),
    Input(ids.DATA_VERSION, "data"),
    Input(live.REFRESH, "n_intervals"),
    State(live.DRAWN, "data"),
)
@typed
def show_live_panel(_version: Count, _tick: Ignored, drawn: Drawn):
    """On a new version, and every REFRESH_MS so that the minutes move on while nothing arrives: the rows that
    changed, and the last arrival for the browser's ticking age."""
    lang, viewer, now = current_language(), current_viewer(), dt.datetime.now(dt.UTC)
    arrivals = live_arrivals(viewer, minute_of(now))
    rows = [live.kind_rows(arrivals, now, lang), live.case_rows(newest_cases(viewer), lang)]
    (kinds, cases), digests = only_changed(rows, drawn)
    return kinds, cases, live.clock_data(arrivals, stale_seconds(), now, lang), digests


# "Updated N s ago" ticks in the browser, from the last arrival and the server's clock at the last redraw (a browser
# whose clock is off still counts right); past the stale threshold the panel and the wall's frame turn red.
clientside_callback(
    """
    function(_tick, clock) {
        const keep = window.dash_clientside.no_update;
        if (!clock || !clock.texts) { return [keep, keep, keep]; }
        const texts = clock.texts;
        if (clock.last_ms === null) { return [texts.never, "wall-live stale", "wall stale"]; }
        const seen = window.pccovidWallClock || (window.pccovidWallClock = {});
        if (seen.server_ms !== clock.server_ms) { seen.server_ms = clock.server_ms; seen.received = Date.now(); }
        const age = Math.max(0, clock.server_ms - clock.last_ms + Date.now() - seen.received) / 1000;
        const say = function(key, n) { return texts[key].replace("{n}", String(Math.floor(n))); };
        const text = age < 60 ? say("ago_s", age) : age < 3600 ? say("ago_m", age / 60)
            : age < 172800 ? say("ago_h", age / 3600) : say("ago_d", age / 86400);
        const stale = age >= clock.stale_s;
        return [text, stale ? "wall-live stale" : "wall-live", stale ? "wall stale" : "wall"];
    }
    """,
    Output(live.AGE, "children"),
    Output(live.PANEL, "className"),
    Output(WALL, "className"),
    Input(live.TICK, "n_intervals"),
    Input(live.CLOCK, "data"),
)
