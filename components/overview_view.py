"""The overview's content for a selection: the headline cards and the four daily curves, each computed once per
data version, and the first view that computes both at once."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import dash_mantine_components as dmc
import flask
from dash import dcc

from components.figures import (
    CHECKIN_TEAL,
    DOSE_GREEN,
    daily_cases_figure,
    daily_series_figure,
    graph_config,
    tests_positivity_figure,
)
from components.i18n import date, number, numeric, t
from components.redraw import digest
from components.stat_card import card_colours_card, change_text, coverage_card, day_card, stat_card
from components.trace_graph import tracing_cards
from data.cache import cached
from data.overview import PROVISIONAL_DAYS, daily_counts, headline_figures, status_today, weekly_summary
from data.tracing import tracing_summary
from data.viewer import Viewer

# Long-lived threads (each keeps its read cursor) computing the curves while the request computes the headline.
_POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="pccovid-overview")


def _in_this_request(function):
    """The function, run in another thread with this request's context (language cookie), when there is one."""
    return flask.copy_current_request_context(function) if flask.has_request_context() else function


def first_view(lang: str, viewer: Viewer, version: int, selection: dict) -> tuple[list, list, list, str, list[dict]]:
    """The headline cards and the curves of a page's first view, both halves computed at once (the curves on a
    long-lived thread with this request's context): one round trip and one render fewer than two callbacks."""
    curves = _POOL.submit(_in_this_request(curve_figures), lang, viewer, version, selection)
    weekly, status, totals, period = headline_outputs(lang, viewer, selection)
    return weekly, status, totals, period, curves.result()


def graph_card(graph_id: str, figure, lang: str) -> dmc.Paper:
    return dmc.Paper(
        dcc.Graph(id=graph_id, figure=figure, config=graph_config(lang), style={"height": "340px"}),
        withBorder=True,
        p="xs",
    )


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
            note=t("overview.per_day", lang, value=number(_per_day(week["new_cases_7d"]), lang, 1)),
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


def headline_digests(weekly: list, status: list, totals: list, period: str) -> dict[str, list[str]]:
    """What the first view drew, as show_headline_figures records it."""
    return {
        "weekly": [digest(card) for card in weekly],
        "status": [digest(card) for card in status],
        "totals": [digest(card) for card in totals],
        "period": [digest(period)],
    }


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


def _per_day(week_count: int | str | None) -> float | None:
    """A week's count per day; none for a suppressed count (it would give the count back)."""
    value = numeric(week_count)
    return None if value is None else value / 7
