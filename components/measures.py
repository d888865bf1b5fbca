"""How each map measure is shown: its label, colour classes and number format (the vocabulary is data/maps.py's)."""

from __future__ import annotations

from dataclasses import dataclass

from components.i18n import number, t


@dataclass(frozen=True)
class MeasureStyle:
    key: str
    bins: tuple[float, ...]  # lower bounds of the classes after the first
    colours: tuple[str, ...]  # one more than bins
    digits: int = 0


# Cases per 100,000 in 7 days: the bands of Decision 4800/QĐ-BYT's first criterion.
RATE_BANDS = MeasureStyle(
    "new_cases_7d_per_100k", (0.0001, 20, 50, 150), ("#f1f3f5", "#ffe3e3", "#ffa8a8", "#f03e3e", "#a61e1e"), digits=1
)
CASE_COUNTS = MeasureStyle("new_cases_7d", (1, 10, 100, 1000), ("#f1f3f5", "#ffe3e3", "#ffa8a8", "#f03e3e", "#a61e1e"))

STYLES = {s.key: s for s in (RATE_BANDS, CASE_COUNTS)}
DEFAULT_MEASURE = RATE_BANDS.key


def legend_items(measure: str, lang: str) -> list[tuple[str, str]]:
    """(colour, label) per class, e.g. ('#ffa8a8', '20 – < 50')."""
    style = STYLES[measure]
    items = []
    edges = list(style.bins)
    for i, colour in enumerate(style.colours):
        if i == 0:
            label = number(0, lang) if edges and edges[0] <= 1 else f"< {number(edges[0], lang)}"
        elif i == len(style.colours) - 1:
            label = f"≥ {number(edges[-1], lang)}"
        else:
            low = edges[i - 1]
            label = f"{number(low, lang, 0) if low >= 1 else '> ' + number(0, lang)} – < {number(edges[i], lang)}"
            if low < 1:
                label = f"> 0 – < {number(edges[i], lang)}"
        items.append((colour, label))
    return items


def measure_label(measure: str, lang: str) -> str:
    return t(f"measure.{measure}", lang)
