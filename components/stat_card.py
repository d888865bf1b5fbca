"""A headline figure: label, value, and its change against the week before, coloured by whether up is bad."""

from __future__ import annotations

import dash_mantine_components as dmc

from components.i18n import number, t


def change_text(now: float | None, before: float | None, lang: str, *, percent_points: bool = False) -> tuple[str, str]:
    """('▲ 12 %', 'up') style text and direction; ('', 'flat') when there is nothing to compare."""
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
