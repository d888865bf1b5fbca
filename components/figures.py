"""Figure builders: data in, Plotly figure out; captions and sources in the chart so exports carry them."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pyarrow as pa

from components.i18n import plotly_separators, t

CASE_RED = "#c92a2a"
AVERAGE_DARK = "#343a40"


def base_layout(lang: str, title: str, source: str) -> dict:
    return {
        "title": {"text": title, "x": 0.01, "font": {"size": 16}},
        "separators": plotly_separators(lang),
        "margin": {"l": 50, "r": 20, "t": 50, "b": 70},
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
        "font": {"family": "Inter, 'Noto Sans', 'Segoe UI', Arial, sans-serif"},
        "legend": {"orientation": "h", "y": 1.02, "x": 1, "xanchor": "right", "yanchor": "bottom"},
        "annotations": [
            {
                "text": source,
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "y": -0.2,
                "showarrow": False,
                "font": {"size": 10, "color": "#868e96"},
                "xanchor": "left",
            }
        ],
    }


def daily_cases_figure(daily: pa.Table, lang: str, version: int) -> go.Figure:
    """New confirmed cases per day as bars, with the 7-day rolling average as a line."""
    frame = daily.select(["day", "new_cases"]).to_pandas()
    frame["day"] = pd.to_datetime(frame["day"])
    frame["avg7"] = frame["new_cases"].rolling(7, min_periods=1).mean()
    figure = go.Figure(
        [
            go.Bar(
                x=frame["day"],
                y=frame["new_cases"],
                name=t("chart.new_cases", lang),
                marker_color=CASE_RED,
                opacity=0.55,
                hovertemplate="%{x|%d/%m/%Y}: %{y:,}<extra></extra>",
            ),
            go.Scatter(
                x=frame["day"],
                y=frame["avg7"],
                name=t("chart.avg7", lang),
                line={"color": AVERAGE_DARK, "width": 2.5},
                hovertemplate="%{x|%d/%m/%Y}: %{y:,.1f}<extra></extra>",
            ),
        ]
    )
    figure.update_layout(**base_layout(lang, t("chart.daily_cases", lang), t("chart.source", lang, version=version)))
    figure.update_xaxes(tickformat="%d/%m", showgrid=False, title=None)
    figure.update_yaxes(title=t("chart.cases_axis", lang), gridcolor="#eceff1", rangemode="tozero", tickformat=",d")
    if frame["new_cases"].max() < 5:  # small counts: whole-number ticks, never 0, 0, 1, 1
        figure.update_yaxes(dtick=1)
    return figure
