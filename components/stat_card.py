"""A headline figure: label, value, and its change against the week before, coloured by whether up is bad."""

from __future__ import annotations

import dash_mantine_components as dmc

from components.i18n import number, numeric, t


def change_text(now: float | None, before: float | None, lang: str, *, percent_points: bool = False) -> tuple[str, str]:
    """('▲ 12 %', 'up') style text and direction; ('', 'flat') when there is nothing to compare (or a count is
    suppressed for the reader: "<5")."""
    now, before = numeric(now), numeric(before)
    if now is None or before is None:
        return "", "flat"
    if percent_points:
        delta = (now - before) * 100
        if abs(delta) < 0.05:
            return "= " + t("overview.same_as_last_week", lang), "flat"
        arrow = "▲" if delta > 0 else "▼"
        return f"{arrow} {number(abs(delta), lang, 1)} {t('overview.points', lang)}", "up" if delta > 0 else "down"
    if before == 0:
        return (f"▲ {number(now, lang)}", "up") if now else ("= " + t("overview.same_as_last_week", lang), "flat")
    ratio = (now - before) / before * 100
    if abs(ratio) < 0.5:
        return "= " + t("overview.same_as_last_week", lang), "flat"
    arrow = "▲" if ratio > 0 else "▼"
    return f"{arrow} {number(abs(ratio), lang, 0)} %", "up" if ratio > 0 else "down"


def stat_card(
    metric: str,
    value: str,
    lang: str,
    *,
    change: tuple[str, str] = ("", "flat"),
    up_is_bad: bool | None = None,
    note: str | None = None,
) -> dmc.Paper:
    text, direction = change
    colour = "gray"
    if up_is_bad is not None and direction != "flat":
        colour = "red" if (direction == "up") == up_is_bad else "green"
    children = [
        dmc.Text(t(f"metric.{metric}", lang), size="sm", c="dimmed"),
        dmc.Text(value, fw=700, fz=28, className=f"figure figure-{metric}"),
    ]
    if text and direction == "flat":
        children.append(dmc.Text(text, size="sm", c="dimmed", className="change"))
    elif text:
        children.append(
            dmc.Text(
                [text, " ", dmc.Text(t("overview.vs_last_week", lang), span=True, c="dimmed", size="xs")],
                size="sm",
                c=colour,
                className="change",
            )
        )
    if note:
        children.append(dmc.Text(note, size="xs", c="dimmed"))
    return dmc.Paper(children, withBorder=True, p="md", className="headline-card", **{"data-metric": metric})


def day_card(metric: str, week: dict, lang: str, *, day_open: bool, up_is_bad: bool | None = None) -> dmc.Paper:
    """A card of one day's count ("… today"). While the day is still filling (the latest day with data: late
    uploads, or simply today) its count so far against a whole day a week before would read as a fall, so it shows
    that day's figure instead of a change."""
    now, before = week[metric], week[f"{metric}_before"]
    if day_open:
        return stat_card(
            metric, number(now, lang), lang, note=t("overview.day_open", lang, before=number(before, lang))
        )
    return stat_card(metric, number(now, lang), lang, change=change_text(now, before, lang), up_is_bad=up_is_bad)


def card_colours_card(green: int | None, yellow: int | None, red: int | None, lang: str) -> dmc.Paper:
    """People by personal card colour: one bar split green / yellow / red, with the counts."""
    total = sum(numeric(n) or 0 for n in (green, yellow, red))
    share = (lambda n: 100 * (numeric(n) or 0) / total) if total else (lambda n: 0)
    colours = (("green", green, "green.8"), ("yellow", yellow, "yellow.6"), ("red", red, "red.8"))
    return dmc.Paper(
        [
            dmc.Text(t("metric.card_colours", lang), size="sm", c="dimmed"),
            dmc.ProgressRoot(
                [dmc.ProgressSection(value=share(n), color=c) for _key, n, c in colours], size=22, mt=8, mb=8
            ),
            dmc.Group(
                [
                    dmc.Text(
                        [t(f"card.{key}", lang), ": ", dmc.Text(number(n, lang), span=True, fw=700)], size="sm", c=c
                    )
                    for key, n, c in colours
                ],
                gap="md",
            ),
        ],
        withBorder=True,
        p="md",
        className="headline-card card-colours",
        **{"data-metric": "card_colours"},
    )


def coverage_card(status: dict, lang: str) -> dmc.Paper:
    """Vaccine coverage by age band, with the thresholds of criterion 2 (70 % of 18+ one dose, 80 % of 50+ fully)."""
    rows = (
        ("first_dose_18", 0.7),
        ("fully_18", None),
        ("fully_50", 0.8),
        ("fully_65", None),
    )
    items = []
    for key, threshold in rows:
        value = status.get(key)
        label = "—" if value is None else f"{number(value * 100, lang, 1)} %"
        met = value is not None and threshold is not None and value >= threshold
        items.append(
            dmc.Stack(
                [
                    dmc.Group(
                        [dmc.Text(t(f"coverage.{key}", lang), size="xs"), dmc.Text(label, size="xs", fw=700)],
                        justify="space-between",
                    ),
                    dmc.Progress(value=100 * (value or 0), color="green.7" if met else "teal.4", size="sm"),
                ],
                gap=2,
            )
        )
    return dmc.Paper(
        [dmc.Text(t("metric.coverage", lang), size="sm", c="dimmed", mb=6), dmc.Stack(items, gap=6)],
        withBorder=True,
        p="md",
        className="headline-card coverage",
        **{"data-metric": "coverage"},
    )
