"""The wall's live panel: events per minute by kind as they arrive, the newest confirmed cases and their trace status
(no personal data), how long ago the last events arrived, and a warning in red once that is too long."""

from __future__ import annotations

import datetime as dt

from dash import html

from components.i18n import number, t
from data.wall import EVENT_KINDS, LIVE_MINUTES, per_minute_now

PANEL = "wall-live"
KINDS = "wall-live-kinds"
CASES = "wall-live-cases"
AGE = "wall-live-age"
STALE = "wall-live-stale"
CLOCK = "wall-live-clock"  # dcc.Store: when the last events arrived, as the server saw it (for the ticking age)
TICK = "wall-live-tick"  # dcc.Interval: the age ticks in the browser, no request
REFRESH = "wall-live-refresh"  # dcc.Interval: the minutes move on even when no new version comes
DRAWN = "wall-live-drawn"  # dcc.Store: digests of what the panel drew (components/redraw.py)

TICK_MS = 1_000
REFRESH_MS = 30_000
AGE_TEXTS = ("ago_s", "ago_m", "ago_h", "ago_d", "never")


def live_panel(lang: str) -> html.Div:
    """The panel's frame: its rows come from `kind_rows` and `case_rows`, its age and stale state from the browser's
    clock."""
    return html.Div(
        [
            html.Div(
                [
                    html.Span([html.Span(className="wall-live-dot"), t("wall.live.title", lang)], className="name"),
                    html.Span(t("wall.live.never", lang), id=AGE, className="wall-live-age"),
                ],
                className="wall-live-head",
            ),
            html.Div(
                [
                    html.Div(t("wall.live.stale", lang), className="wall-live-stale-title"),
                    html.Div(t("wall.live.stale_hint", lang), className="wall-live-stale-hint"),
                ],
                id=STALE,
                className="wall-live-stale",
            ),
            html.H3(t("wall.live.per_minute", lang, minutes=LIVE_MINUTES)),
            html.Div(id=KINDS, className="wall-live-kinds"),
            html.H3(t("wall.live.cases", lang)),
            html.Div(id=CASES, className="wall-live-cases"),
        ],
        id=PANEL,
        className="wall-live",
        **{"data-stale": "false"},
    )


def clock_data(arrivals: dict, stale_s: int, now: dt.datetime, lang: str) -> dict:
    """What the browser needs to tick the age each second by itself: the last arrival and the server's now (in ms, so
    that a browser whose clock is off still counts right), the stale threshold and the texts."""
    last = arrivals["last_ts"]
    return {
        "last_ms": int(dt.datetime.fromisoformat(last).timestamp() * 1000) if last else None,
        "server_ms": int(now.timestamp() * 1000),
        "stale_s": stale_s,
        "texts": {key: t(f"wall.live.{key}", lang) for key in AGE_TEXTS},
    }


def kind_rows(arrivals: dict, now: dt.datetime, lang: str) -> list[html.Div]:
    """One row per kind of event: its name, a bar per minute (the current one, still filling, lighter) and the events
    of the last 60 s (estimated, see data.wall.per_minute_now). `data-total` holds the window's events, `data-minute` the current minute's."""
    rows = []
    for kind in EVENT_KINDS:
        counts = arrivals["per_kind"][kind]
        peak = max(counts) or 1
        rows.append(
            html.Div(
                [
                    html.Div(t(f"wall.live.kind.{kind}", lang), className="label"),
                    html.Div(
                        [
                            html.Div(
                                className="bar" + (" now" if i == len(counts) - 1 else "") + ("" if count else " zero"),
                                style={"height": f"{max(6, round(100 * count / peak))}%" if count else None},
                            )
                            for i, count in enumerate(counts)
                        ],
                        className="bars",
                    ),
                    # Per minute, as the heading says: no unit beside each figure, so a wide one still fits.
                    html.Div(number(per_minute_now(counts, now), lang), className="rate"),
                ],
                className="wall-live-kind",
                **{"data-kind": kind, "data-total": str(sum(counts)), "data-minute": str(counts[-1])},
            )
        )
    return rows


def case_rows(cases: list[dict], lang: str) -> list[html.Div]:
    """The newest cases: when, where (district and province only), and what tracing has done for them."""
    if not cases:
        return [html.Div(t("wall.live.no_cases", lang), className="wall-live-case none")]
    rows = []
    for case in cases:
        when = dt.datetime.fromisoformat(case["confirmed_ts"])
        if case["traced"]:
            status = t(
                "wall.live.traced",
                lang,
                f1=number(case["f1_count"], lang),
                quarantined=number(case["f1_quarantined"], lang),
            )
        else:
            status = t("wall.live.tracing", lang)
        rows.append(
            html.Div(
                [
                    html.Div(
                        [html.Span(when.strftime("%H:%M"), className="time"), html.Span(when.strftime("%d/%m"))],
                        className="when",
                    ),
                    html.Div(f"{case['district_name']} · {case['province_name']}", className="where"),
                    html.Div(status, className="status " + ("traced" if case["traced"] else "tracing")),
                ],
                className="wall-live-case",
            )
        )
    return rows
