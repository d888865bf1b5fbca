"""The overview (/): headline figures against the week before and the daily curves, for the viewer's jurisdiction."""

from __future__ import annotations

import dash
import dash_mantine_components as dmc
from dash import Input, Output, State, ctx, dcc, html

from components import ids
from components.area_filter import filter_bar, filter_query, read_area_filter, url_params
from components.i18n import current_language, t
from components.inputs import Count, DayRange, DistrictCode, ProvinceCode, Selection, Text, UrlValue, WardCode, typed
from components.overview_view import curve_figures, first_view, graph_card, headline_digests, headline_outputs
from components.redraw import Drawn, DrawnParts, figures_changed, items_changed, only_changed
from data.access import current_viewer
from data.runtime import data_version

dash.register_page(__name__, path="/", title="PC-Covid", name="overview")

PERIOD = "overview-period"
WEEKLY = "overview-weekly"
STATUS = "overview-status"
TOTALS = "overview-totals"
DAILY_CASES = "overview-daily-cases"
TESTS = "overview-tests"
CHECKINS = "overview-checkins"
DOSES = "overview-doses"
FILTER = "overview-filter"
SELECTION = "overview-selection"
GRAPHS = (DAILY_CASES, TESTS, CHECKINS, DOSES)
# What the page drew (components/redraw.py): a new version redraws only the cards and curves that changed.
HEADLINE_DRAWN = "overview-headline-drawn"
CURVES_DRAWN = "overview-curves-drawn"


def layout(**query: UrlValue) -> html.Div:
    lang, viewer = current_language(), current_viewer()
    chosen = read_area_filter(
        viewer,
        lang,
        query.get("province"),
        query.get("district"),
        query.get("ward"),
        query.get("from"),
        query.get("to"),
    )
    title = t("overview.title", lang) + (f" — {chosen.area['name']}" if chosen.area else "")
    selection = {"area_code": chosen.area_code, "start": chosen.start, "end": chosen.end}
    # The first view comes with the page, not from two callbacks after it; the callbacks redraw on a new version.
    version = data_version()
    weekly, status, totals, period, figures = first_view(lang, viewer, version, selection)
    caption = t("chart.source", lang, version=version)
    return html.Div(
        [
            dcc.Store(id=SELECTION, data=selection),
            dcc.Store(id=HEADLINE_DRAWN, data=headline_digests(weekly, status, totals, period)),
            dcc.Store(id=CURVES_DRAWN, data=figures_changed(figures, caption, None)[1]),
            dmc.Group(
                [dmc.Title(title, order=2), filter_bar(FILTER, chosen, viewer, lang)],
                justify="space-between",
                align="flex-end",
            ),
            *[dmc.Alert(n, color="yellow", mt="xs", className="filter-notice") for n in chosen.notices],
            dmc.Text(period, id=PERIOD, c="dimmed", size="sm", mb="md", mt="xs"),
            dmc.SimpleGrid(weekly, id=WEEKLY, cols={"base": 2, "sm": 3, "lg": 6}, spacing="md"),
            dmc.SimpleGrid(status, id=STATUS, cols={"base": 1, "sm": 2, "lg": 3}, spacing="md", mt="md"),
            dmc.SimpleGrid(
                [graph_card(graph_id, figure, lang) for graph_id, figure in zip(GRAPHS, figures, strict=True)],
                cols={"base": 1, "lg": 2},
                spacing="md",
                mt="md",
            ),
            dmc.Title(t("overview.register"), order=4, mt="lg", mb="xs"),
            dmc.SimpleGrid(totals, id=TOTALS, cols={"base": 2, "sm": 4, "lg": 7}, spacing="sm"),
        ],
        className="page page-overview",
    )


@dash.callback(
    Output(WEEKLY, "children"),
    Output(STATUS, "children"),
    Output(TOTALS, "children"),
    Output(PERIOD, "children"),
    Output(HEADLINE_DRAWN, "data"),
    Input(ids.DATA_VERSION, "data"),
    State(SELECTION, "data"),
    State(HEADLINE_DRAWN, "data"),
    prevent_initial_call=True,
)
@typed
def show_headline_figures(_version: Count, selection: Selection | None, drawn: DrawnParts):
    """Only the cards whose figures changed go back (a batch of check-ins leaves the cases' cards as they were)."""
    weekly, status, totals, period = headline_outputs(current_language(), current_viewer(), selection)
    drawn = drawn or {}
    weekly, weekly_drawn = items_changed(weekly, drawn.get("weekly"))
    status, status_drawn = items_changed(status, drawn.get("status"))
    totals, totals_drawn = items_changed(totals, drawn.get("totals"))
    (period,), period_drawn = only_changed([period], drawn.get("period"))
    parts = {"weekly": weekly_drawn, "status": status_drawn, "totals": totals_drawn, "period": period_drawn}
    return weekly, status, totals, period, parts


@dash.callback(
    Output(DAILY_CASES, "figure"),
    Output(TESTS, "figure"),
    Output(CHECKINS, "figure"),
    Output(DOSES, "figure"),
    Output(CURVES_DRAWN, "data"),
    Input(ids.DATA_VERSION, "data"),
    State(SELECTION, "data"),
    State(CURVES_DRAWN, "data"),
    prevent_initial_call=True,
)
@typed
def show_daily_curves(_version: Count, selection: Selection | None, drawn: Drawn):
    """A curve whose data changed goes whole; the others get only their caption's new version (a Patch)."""
    # The version and the selection come from the browser: the caption names the server's version, and only the
    # selection's known keys reach the cache key (a forged store cannot mint cache entries at will).
    selection = {key: (selection or {}).get(key) for key in ("area_code", "start", "end")}
    lang, version = current_language(), data_version()
    figures = curve_figures(lang, current_viewer(), version, selection)
    sent, digests = figures_changed(figures, t("chart.source", lang, version=version), drawn)
    return (*sent, digests)


@dash.callback(
    Output(ids.URL, "search", allow_duplicate=True),
    Input(f"{FILTER}-province", "value"),
    Input(f"{FILTER}-district", "value"),
    Input(f"{FILTER}-ward", "value"),
    Input(f"{FILTER}-period", "value"),
    State(ids.URL, "search"),
    prevent_initial_call=True,
)
@typed
def apply_overview_filter(
    province: ProvinceCode | None,
    district: DistrictCode | None,
    ward: WardCode | None,
    period: DayRange | None,
    search: Text | None,
):
    """A changed filter becomes the URL, so the view can be shared; the page then redraws from it."""
    current = url_params(search)
    chosen = read_area_filter(
        current_viewer(),
        current_language(),
        current.get("province"),
        current.get("district"),
        current.get("ward"),
        current.get("from"),
        current.get("to"),
    )
    new = filter_query(chosen, ctx.triggered_id or "", province, district, ward, period)
    return dash.no_update if new is None else new
