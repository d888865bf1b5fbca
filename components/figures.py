"""Figure builders: data in, Plotly figure out; captions and sources in the chart so exports carry them."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go
import pyarrow as pa
from plotly.subplots import make_subplots

from components.i18n import plotly_separators, t

CASE_RED = "#c92a2a"
TEST_BLUE = "#1971c2"
CHECKIN_TEAL = "#0c8599"
DOSE_GREEN = "#2b8a3e"
AVERAGE_DARK = "#343a40"
PROVISIONAL_GREY = "rgba(134, 142, 150, 0.15)"


def graph_config(lang: str) -> dict:
    """A chart's settings: the mode bar in the user's language (assets/vendor/plotly/plotly-locale-vi.js), its
    camera button saving a PNG at twice the screen's size for slides and print."""
    return {"displaylogo": False, "locale": lang, "toImageButtonOptions": {"format": "png", "scale": 2}}


def base_layout(lang: str, title: str, source: str) -> dict:
    return {
        # Title on the first line, legend on the second, both from the left: side by side they collided on the
        # area page's narrow charts (the legend hid the title).
        "title": {"text": title, "x": 0.01, "y": 0.98, "yanchor": "top", "font": {"size": 16}},
        "separators": plotly_separators(lang),
        "margin": {"l": 55, "r": 20, "t": 72, "b": 70},
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
        "font": {"family": "'Noto Sans', 'Segoe UI', Roboto, Arial, sans-serif"},
        "legend": {"orientation": "h", "y": 1.02, "x": 0, "xanchor": "left", "yanchor": "bottom"},
        "hovermode": "x unified",
        "annotations": [
            {
                "text": source,
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "y": -0.22,
                "showarrow": False,
                "font": {"size": 10, "color": "#868e96"},
                "xanchor": "left",
            }
        ],
    }


def _whole_number_ticks(figure: go.Figure, peak: float | None, **selector) -> None:
    """Counts below 5 get a tick per whole number; Plotly would step by 0.2 and print 0, 0, 0, 1, 1, 1."""
    if peak is None or pd.isna(peak) or peak < 5:
        figure.update_yaxes(dtick=1, **selector)


def _frame(daily: pa.Table, column: str) -> pd.DataFrame:
    frame = daily.select(["day", column]).to_pandas()
    frame["day"] = pd.to_datetime(frame["day"])
    frame["avg7"] = frame[column].rolling(7, min_periods=7).mean()
    return frame


def _mark_provisional(figure: go.Figure, frame: pd.DataFrame, provisional_days: int, lang: str) -> None:
    """Shade the last days whose results are still arriving, so nobody reads a fall that is only a lag."""
    if frame.empty or provisional_days <= 0:
        return
    last = frame["day"].iloc[-1]
    start = last - pd.Timedelta(days=provisional_days - 1) - pd.Timedelta(hours=12)
    figure.add_vrect(
        x0=start,
        x1=last + pd.Timedelta(hours=12),
        fillcolor=PROVISIONAL_GREY,
        line_width=0,
        layer="below",
        annotation_text=t("chart.provisional", lang),
        # right-aligned on the last day, the label runs back over the chart: left-aligned it ran past the data and
        # Plotly's autorange stretched the axis months into the future to fit it on narrow charts
        annotation_position="top right",
        annotation_font_size=10,
        annotation_font_color="#868e96",
    )


def _label_suppressed(figure: go.Figure, frame: pd.DataFrame, column: str, daily: pa.Table) -> None:
    """Days whose count the data layer suppressed for the reader (NULL: 1 to 4, the press) get "<5" on the axis
    instead of a bar; their 7-day averages are gone with them (the average would give the count back)."""
    hidden = frame[frame[column].isna()]
    if hidden.empty:
        return
    label = daily.schema.field(column).metadata or {}
    figure.add_trace(
        go.Scatter(
            x=hidden["day"],
            y=[0] * len(hidden),
            mode="text",
            text=[label.get(b"suppressed", b"<5").decode()] * len(hidden),
            textposition="top center",
            textfont={"size": 9, "color": "#868e96"},
            hoverinfo="text",
            showlegend=False,
        )
    )


def daily_series_figure(
    daily: pa.Table,
    column: str,
    lang: str,
    version: int,
    *,
    title_key: str,
    colour: str,
    provisional_days: int = 0,
) -> go.Figure:
    """A daily count as bars with its 7-day average as a line; the last provisional days shaded."""
    frame = _frame(daily, column)
    name = t(f"chart.{column}", lang)
    figure = go.Figure(
        [
            go.Bar(
                x=frame["day"], y=frame[column], name=name, marker_color=colour, opacity=0.5, hovertemplate="%{y:,}"
            ),
            go.Scatter(
                x=frame["day"],
                y=frame["avg7"],
                name=t("chart.avg7", lang),
                line={"color": AVERAGE_DARK, "width": 2.5},
                hovertemplate="%{y:,.1f}",
            ),
        ]
    )
    _label_suppressed(figure, frame, column, daily)
    figure.update_layout(**base_layout(lang, t(title_key, lang), t("chart.source", lang, version=version)))
    figure.update_xaxes(tickformat="%d/%m", showgrid=False, title=None, hoverformat="%d/%m/%Y")
    figure.update_yaxes(gridcolor="#eceff1", rangemode="tozero", tickformat=",d")
    _whole_number_ticks(figure, frame[column].max())
    _mark_provisional(figure, frame, provisional_days, lang)
    return figure


def daily_cases_figure(daily: pa.Table, lang: str, version: int, provisional_days: int = 0) -> go.Figure:
    return daily_series_figure(
        daily,
        "new_cases",
        lang,
        version,
        title_key="chart.daily_cases",
        colour=CASE_RED,
        provisional_days=provisional_days,
    )


def tests_positivity_figure(daily: pa.Table, lang: str, version: int, provisional_days: int = 0) -> go.Figure:
    """Tests per day as bars; the 7-day positivity (positives / tests) as a line on its own axis."""
    frame = daily.select(["day", "tests", "positives"]).to_pandas()
    frame["day"] = pd.to_datetime(frame["day"])
    tests7 = frame["tests"].rolling(7, min_periods=7).sum()
    frame["positivity"] = (frame["positives"].rolling(7, min_periods=7).sum() / tests7).where(tests7 > 0)
    figure = make_subplots(specs=[[{"secondary_y": True}]])
    figure.add_trace(
        go.Bar(
            x=frame["day"],
            y=frame["tests"],
            name=t("chart.tests", lang),
            marker_color=TEST_BLUE,
            opacity=0.45,
            hovertemplate="%{y:,}",
        ),
        secondary_y=False,
    )
    figure.add_trace(
        go.Scatter(
            x=frame["day"],
            y=frame["positivity"],
            name=t("chart.positivity7", lang),
            line={"color": CASE_RED, "width": 2.5},
            hovertemplate="%{y:.1%}",
        ),
        secondary_y=True,
    )
    figure.update_layout(
        **base_layout(lang, t("chart.tests_positivity", lang), t("chart.source", lang, version=version))
    )
    figure.update_xaxes(tickformat="%d/%m", showgrid=False, hoverformat="%d/%m/%Y")
    figure.update_yaxes(gridcolor="#eceff1", rangemode="tozero", tickformat=",d", secondary_y=False)
    _label_suppressed(figure, frame, "tests", daily)
    _whole_number_ticks(figure, frame["tests"].max(), secondary_y=False)
    small = frame["positivity"].max() < 0.1 if frame["positivity"].notna().any() else True
    figure.update_yaxes(tickformat=".1%" if small else ".0%", rangemode="tozero", showgrid=False, secondary_y=True)
    _mark_provisional(figure, frame, provisional_days, lang)
    return figure


def last_day(daily: pa.Table) -> dt.date | None:
    return daily.column("day")[-1].as_py() if daily.num_rows else None


def wall_cases_figure(daily: pa.Table, lang: str, version: int) -> go.Figure:
    """The national curve for a wall screen: dark, thick lines, large type, the last 120 days."""
    frame = _frame(daily, "new_cases").tail(120)
    figure = go.Figure(
        [
            go.Bar(
                x=frame["day"],
                y=frame["new_cases"],
                marker_color="#ff6b6b",
                opacity=0.55,
                name=t("chart.new_cases", lang),
            ),
            go.Scatter(
                x=frame["day"], y=frame["avg7"], line={"color": "#ffffff", "width": 5}, name=t("chart.avg7", lang)
            ),
        ]
    )
    _label_suppressed(figure, frame, "new_cases", daily)
    figure.update_layout(
        template="plotly_dark",
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        separators=plotly_separators(lang),
        font={"size": 24, "family": "'Noto Sans', 'Segoe UI', Roboto, Arial, sans-serif"},
        margin={"l": 90, "r": 30, "t": 20, "b": 60},
        legend={"orientation": "h", "y": 1.05, "x": 1, "xanchor": "right"},
        showlegend=True,
    )
    figure.update_xaxes(tickformat="%d/%m", showgrid=False)
    figure.update_yaxes(gridcolor="rgba(255,255,255,0.15)", rangemode="tozero", tickformat=",d")
    _whole_number_ticks(figure, frame["new_cases"].max())
    return figure


LEVEL_COLOURS = {1: "#2b8a3e", 2: "#fab005", 3: "#f76707", 4: "#c92a2a"}


def level_history_figure(history: pa.Table, lang: str, version: int) -> go.Figure:
    """The area level in force week by week, each week a bar coloured by its level; hover shows the criteria."""
    frame = history.to_pandas()
    figure = go.Figure()
    if not frame.empty:
        frame["week_start"] = pd.to_datetime(frame["week_start"])
        figure.add_trace(
            go.Bar(
                x=frame["week_start"],
                y=frame["level_in_force"],
                marker_color=[LEVEL_COLOURS.get(int(v), "#adb5bd") for v in frame["level_in_force"]],
                customdata=frame[
                    ["rate_per_100k", "adults_first_dose_share", "older_fully_share", "proposed_level"]
                ].to_numpy(),
                hovertemplate=(
                    f"%{{x|%d/%m/%Y}}<br>{t('chart.level', lang)} %{{y}}"
                    f"<br>{t('chart.rate', lang)}: %{{customdata[0]:,.1f}}"
                    f"<br>{t('coverage.first_dose_18', lang)}: %{{customdata[1]:.1%}}"
                    f"<br>{t('coverage.fully_50', lang)}: %{{customdata[2]:.1%}}"
                    f"<br>{t('chart.proposed', lang)}: %{{customdata[3]}}<extra></extra>"
                ),
                name=t("chart.level", lang),
            )
        )
    figure.update_layout(**base_layout(lang, t("chart.level_history", lang), t("chart.source", lang, version=version)))
    figure.update_layout(hovermode="closest", showlegend=False)
    figure.update_xaxes(tickformat="%d/%m", showgrid=False)
    figure.update_yaxes(range=[0, 4.3], dtick=1, title=t("chart.level", lang), gridcolor="#eceff1")
    return figure


def card_colours_figure(cards: pa.Table, lang: str, version: int) -> go.Figure:
    """People by card colour per day, stacked: how much of the area may move."""
    frame = cards.to_pandas()
    figure = go.Figure()
    if not frame.empty:
        frame["day"] = pd.to_datetime(frame["day"])
        for key, colour in (("green", "#2b8a3e"), ("yellow", "#fab005"), ("red", "#c92a2a")):
            figure.add_trace(
                go.Scatter(
                    x=frame["day"],
                    y=frame[key],
                    name=t(f"card.{key}", lang),
                    stackgroup="cards",
                    line={"width": 0.5, "color": colour},
                    fillcolor=colour,
                    hovertemplate="%{y:,}",
                )
            )
    figure.update_layout(**base_layout(lang, t("chart.card_colours", lang), t("chart.source", lang, version=version)))
    figure.update_xaxes(tickformat="%d/%m", showgrid=False, hoverformat="%d/%m/%Y")
    figure.update_yaxes(gridcolor="#eceff1", tickformat=",d", rangemode="tozero")
    if not frame.empty:
        _whole_number_ticks(figure, (frame["green"] + frame["yellow"] + frame["red"]).max())
    return figure
