"""The overview (/): headline figures against the week before and the daily curves, for the viewer's jurisdiction."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import dash
import dash_mantine_components as dmc
import flask
from dash import Input, Output, State, ctx, dcc, html

from components import ids
from components.area_filter import filter_bar, filter_query, read_area_filter, url_params
from components.figures import (
    CHECKIN_TEAL,
    DOSE_GREEN,
    daily_cases_figure,
    daily_series_figure,
    graph_config,
    tests_positivity_figure,
)
from components.i18n import current_language, date, number, t
from components.inputs import Count, DayRange, DistrictCode, ProvinceCode, Selection, Text, UrlValue, WardCode, typed
from components.stat_card import card_colours_card, change_text, coverage_card, day_card, stat_card
from components.trace_graph import tracing_cards
from data.cache import cached
from data.overview import PROVISIONAL_DAYS, daily_counts, headline_figures, status_today, weekly_summary
from data.runtime import data_version
from data.tracing import tracing_summary
from data.viewer import Viewer, current_viewer

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
# Long-lived threads (each keeps its read cursor) computing the curves while the request computes the headline.
_POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="pccovid-overview")


def _graph(graph_id: str, figure, lang: str) -> dmc.Paper:
    return dmc.Paper(
        dcc.Graph(id=graph_id, figure=figure, config=graph_config(lang), style={"height": "340px"}),
        withBorder=True,
        p="xs",
    )


def _in_this_request(function):
    """The function, run in another thread with this request's context (language cookie), when there is one."""
    return flask.copy_current_request_context(function) if flask.has_request_context() else function


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
    # The first view comes with the page (both halves computed at once), not from two callbacks after it: one
    # round trip and one render fewer. The callbacks redraw on a new data version.
    version = data_version()
    curves = _POOL.submit(_in_this_request(curve_figures), lang, viewer, version, selection)
    weekly, status, totals, period = headline_outputs(lang, viewer, selection)
    figures = curves.result()
    return html.Div(
        [
            dcc.Store(id=SELECTION, data=selection),
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
                [_graph(graph_id, figure, lang) for graph_id, figure in zip(GRAPHS, figures, strict=True)],
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
    Input(ids.DATA_VERSION, "data"),
    State(SELECTION, "data"),
    prevent_initial_call=True,
)
@typed
def show_headline_figures(_version: Count, selection: Selection | None) -> tuple[list, list, list, str]:
    return headline_outputs(current_language(), current_viewer(), selection)


def headline_outputs(lang: str, viewer: Viewer, selection: dict) -> tuple[list, list, list, str]:
    """The weekly, status and register cards and the period line, for the selection."""
    area_code = (selection or {}).get("area_code")
    totals = headline_figures(viewer, area_code)
    total_cards = [
        stat_card(metric, number(totals[metric], lang), lang)
        for metric in ("people", "venues", "checkins", "tests", "positives", "doses", "cases")
    ]
    if not totals["last_day"]:
        return [], [], total_cards, t("overview.no_data", lang)
    as_of = min(filter(None, [(selection or {}).get("end"), totals["last_day"]]))
    week = weekly_summary(viewer, as_of, area_code)

    def change(metric: str, **kw) -> tuple[str, str]:
        return change_text(week[metric], week[f"{metric}_before"], lang, **kw)

    day_open = as_of == totals["last_day"]  # a period ending earlier has only whole days

    positivity = week["positivity_7d"]
    weekly_cards = [
        day_card("new_cases_today", week, lang, day_open=day_open, up_is_bad=True),
        stat_card(
            "new_cases_7d",
            number(week["new_cases_7d"], lang),
            lang,
            change=change("new_cases_7d"),
            up_is_bad=True,
            note=t("overview.per_day", lang, value=number(week["new_cases_7d"] / 7, lang, 1)),
        ),
        stat_card(
            "active_cases", number(week["active_cases"], lang), lang, change=change("active_cases"), up_is_bad=True
        ),
        stat_card(
            "tests_7d",
            number(week["tests_7d"], lang),
            lang,
            change=change("tests_7d"),
            note=t(
                "overview.positivity",
                lang,
                value="—" if positivity is None else number(positivity * 100, lang, 1) + " %",
            ),
        ),
        stat_card("doses_7d", number(week["doses_7d"], lang), lang, change=change("doses_7d"), up_is_bad=False),
        day_card("checkins_today", week, lang, day_open=day_open),
    ]
    status = status_today(viewer, as_of, area_code)
    status_cards = [
        card_colours_card(status["green"], status["yellow"], status["red"], lang),
        coverage_card(status, lang),
        stat_card(
            "f1_quarantined",
            number(status["f1_quarantined"], lang),
            lang,
            change=change_text(status["f1_quarantined"], status["f1_quarantined_before"], lang),
            up_is_bad=True,
        ),
        *tracing_cards(tracing_summary(viewer, as_of, area_code), lang),
    ]
    period = t("overview.period", lang, first=date(totals["first_day"], lang), last=date(totals["last_day"], lang))
    period += " · " + t("overview.as_of", lang, day=date(as_of, lang))
    return weekly_cards, status_cards, total_cards, period


@dash.callback(
    Output(DAILY_CASES, "figure"),
    Output(TESTS, "figure"),
    Output(CHECKINS, "figure"),
    Output(DOSES, "figure"),
    Input(ids.DATA_VERSION, "data"),
    State(SELECTION, "data"),
    prevent_initial_call=True,
)
@typed
def show_daily_curves(_version: Count, selection: Selection | None):
    # The version and the selection come from the browser: the caption names the server's version, and only the
    # selection's known keys reach the cache key (a forged store cannot mint cache entries at will).
    selection = {key: (selection or {}).get(key) for key in ("area_code", "start", "end")}
    return tuple(curve_figures(current_language(), current_viewer(), data_version(), selection))


@cached("overview")
def curve_figures(lang: str, viewer: Viewer, version: int, selection: dict) -> list[dict]:
    """The four curves as plain figure JSON, cached for the data version: building Plotly figures costs about
    100 ms a page (Plotly validates every property), reading them back from the cache a millisecond."""
    return [json.loads(figure.to_json()) for figure in curve_outputs(lang, viewer, version, selection)]


def curve_outputs(lang: str, viewer: Viewer, version: int, selection: dict) -> tuple:
    """The four daily curves for the selection, zoomed to its period if it has one."""
    selection = selection or {}
    daily = daily_counts(viewer, selection.get("area_code"))
    figures = (
        daily_cases_figure(daily, lang, version, PROVISIONAL_DAYS),
        tests_positivity_figure(daily, lang, version, PROVISIONAL_DAYS),
        daily_series_figure(daily, "checkins", lang, version, title_key="chart.daily_checkins", colour=CHECKIN_TEAL),
        daily_series_figure(daily, "doses", lang, version, title_key="chart.daily_doses", colour=DOSE_GREEN),
    )
    if selection.get("start") and selection.get("end"):
        for figure in figures:
            figure.update_xaxes(range=[selection["start"], selection["end"]])
    return figures


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
