"""The overview (/): headline figures and the daily epidemic curve for the viewer's jurisdiction."""

from __future__ import annotations

import dash
import dash_mantine_components as dmc
from dash import Input, Output, dcc, html

from components import ids
from components.figures import daily_cases_figure
from components.i18n import current_language, date, number, t
from data.overview import HEADLINE_METRICS, daily_counts, headline_figures
from data.viewer import current_viewer

dash.register_page(__name__, path="/", title="PC-Covid", name="overview")

PERIOD = "overview-period"
HEADLINES = "overview-headlines"
DAILY_CASES = "overview-daily-cases"


def layout(**_query: str) -> html.Div:
    return html.Div(
        [
            dmc.Title(t("overview.title"), order=2),
            dmc.Text(id=PERIOD, c="dimmed", size="sm", mb="md"),
            dmc.SimpleGrid(id=HEADLINES, cols={"base": 2, "sm": 3, "lg": 4}, spacing="md"),
            dmc.Paper(
                dcc.Graph(id=DAILY_CASES, config={"displaylogo": False}, style={"height": "380px"}),
                withBorder=True,
                p="xs",
                mt="md",
            ),
        ],
        className="page page-overview",
    )


def _card(metric: str, value: int, lang: str) -> dmc.Paper:
    return dmc.Paper(
        [
            dmc.Text(t(f"metric.{metric}", lang), size="sm", c="dimmed"),
            dmc.Text(number(value, lang), fw=700, fz=28, className=f"figure figure-{metric}"),
        ],
        withBorder=True,
        p="md",
        className="headline-card",
        **{"data-metric": metric},
    )


@dash.callback(
    Output(HEADLINES, "children"),
    Output(PERIOD, "children"),
    Input(ids.DATA_VERSION, "data"),
)
def show_headline_figures(_version: int) -> tuple[list, str]:
    lang = current_language()
    figures = headline_figures(current_viewer())
    cards = [_card(metric, figures[metric], lang) for metric in HEADLINE_METRICS]
    if not figures["last_day"]:
        return cards, t("overview.no_data", lang)
    return cards, t(
        "overview.period", lang, first=date(figures["first_day"], lang), last=date(figures["last_day"], lang)
    )


@dash.callback(Output(DAILY_CASES, "figure"), Input(ids.DATA_VERSION, "data"))
def show_daily_cases(version: int):
    return daily_cases_figure(daily_counts(current_viewer()), current_language(), version)
