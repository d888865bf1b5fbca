"""The overview (/): headline figures against the week before and the daily curves, for the viewer's jurisdiction."""

from __future__ import annotations

import dash
import dash_mantine_components as dmc
from dash import Input, Output, dcc, html

from components import ids
from components.figures import (
    CHECKIN_TEAL,
    DOSE_GREEN,
    daily_cases_figure,
    daily_series_figure,
    tests_positivity_figure,
)
from components.i18n import current_language, date, number, t
from components.stat_card import change_text, stat_card
from data.overview import PROVISIONAL_DAYS, daily_counts, headline_figures, weekly_summary
from data.viewer import current_viewer

dash.register_page(__name__, path="/", title="PC-Covid", name="overview")

PERIOD = "overview-period"
WEEKLY = "overview-weekly"
TOTALS = "overview-totals"
DAILY_CASES = "overview-daily-cases"
TESTS = "overview-tests"
CHECKINS = "overview-checkins"
DOSES = "overview-doses"

GRAPH_CONFIG = {"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 2}}


def _graph(graph_id: str) -> dmc.Paper:
    return dmc.Paper(dcc.Graph(id=graph_id, config=GRAPH_CONFIG, style={"height": "340px"}), withBorder=True, p="xs")


def layout(**_query: str) -> html.Div:
    return html.Div(
        [
            dmc.Title(t("overview.title"), order=2),
            dmc.Text(id=PERIOD, c="dimmed", size="sm", mb="md"),
            dmc.SimpleGrid(id=WEEKLY, cols={"base": 2, "sm": 3, "lg": 6}, spacing="md"),
            dmc.SimpleGrid(
                [_graph(DAILY_CASES), _graph(TESTS), _graph(CHECKINS), _graph(DOSES)],
                cols={"base": 1, "lg": 2},
                spacing="md",
                mt="md",
            ),
            dmc.Title(t("overview.register"), order=4, mt="lg", mb="xs"),
            dmc.SimpleGrid(id=TOTALS, cols={"base": 2, "sm": 4, "lg": 7}, spacing="sm"),
        ],
        className="page page-overview",
    )


@dash.callback(
    Output(WEEKLY, "children"),
    Output(TOTALS, "children"),
    Output(PERIOD, "children"),
    Input(ids.DATA_VERSION, "data"),
)
def show_headline_figures(_version: int) -> tuple[list, list, str]:
    lang, viewer = current_language(), current_viewer()
    totals = headline_figures(viewer)
    total_cards = [
        stat_card(metric, number(totals[metric], lang), lang)
        for metric in ("people", "venues", "checkins", "tests", "positives", "doses", "cases")
    ]
    if not totals["last_day"]:
        return [], total_cards, t("overview.no_data", lang)
    week = weekly_summary(viewer, totals["last_day"])

    def change(metric: str, **kw) -> tuple[str, str]:
        return change_text(week[metric], week[f"{metric}_before"], lang, **kw)

    positivity = week["positivity_7d"]
    weekly_cards = [
        stat_card(
            "new_cases_today",
            number(week["new_cases_today"], lang),
            lang,
            change=change("new_cases_today"),
            up_is_bad=True,
        ),
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
        stat_card("checkins_today", number(week["checkins_today"], lang), lang, change=change("checkins_today")),
    ]
    period = t("overview.period", lang, first=date(totals["first_day"], lang), last=date(totals["last_day"], lang))
    return weekly_cards, total_cards, period


@dash.callback(
    Output(DAILY_CASES, "figure"),
    Output(TESTS, "figure"),
    Output(CHECKINS, "figure"),
    Output(DOSES, "figure"),
    Input(ids.DATA_VERSION, "data"),
)
def show_daily_curves(version: int):
    lang = current_language()
    daily = daily_counts(current_viewer())
    return (
        daily_cases_figure(daily, lang, version, PROVISIONAL_DAYS),
        tests_positivity_figure(daily, lang, version, PROVISIONAL_DAYS),
        daily_series_figure(daily, "checkins", lang, version, title_key="chart.daily_checkins", colour=CHECKIN_TEAL),
        daily_series_figure(daily, "doses", lang, version, title_key="chart.daily_doses", colour=DOSE_GREEN),
    )
