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

# The four levels of Resolution 128/NQ-CP: green, yellow, orange, red.
LEVEL = MeasureStyle("level", (2, 3, 4), ("#2b8a3e", "#fab005", "#f76707", "#c92a2a"))
# Coverage shares: the thresholds of criterion 2 (70 % of 18+ with a dose; 80 % of 50+ fully vaccinated).
FIRST_DOSE_18 = MeasureStyle(
    "first_dose_18", (0.3, 0.5, 0.7, 0.9), ("#f1f3f5", "#d3f9d8", "#8ce99a", "#40c057", "#2b8a3e"), digits=1
)
FULLY_50 = MeasureStyle(
    "fully_50", (0.2, 0.5, 0.8, 0.9), ("#f1f3f5", "#d3f9d8", "#8ce99a", "#40c057", "#2b8a3e"), digits=1
)
RED_SHARE = MeasureStyle(
    "red_share", (0.05, 0.2, 0.4, 0.6), ("#fff5f5", "#ffc9c9", "#ff8787", "#f03e3e", "#a61e1e"), digits=1
)
GREEN_SHARE = MeasureStyle(
    "green_share", (0.2, 0.4, 0.6, 0.8), ("#f1f3f5", "#d3f9d8", "#8ce99a", "#40c057", "#2b8a3e"), digits=1
)

STYLES = {s.key: s for s in (RATE_BANDS, CASE_COUNTS, LEVEL, FIRST_DOSE_18, FULLY_50, RED_SHARE, GREEN_SHARE)}
SHARES = {"first_dose_18", "fully_50", "red_share", "green_share"}
DEFAULT_MEASURE = RATE_BANDS.key


def legend_items(measure: str, lang: str) -> list[tuple[str, str]]:
    """(colour, label) per class, e.g. ('#ffa8a8', '20 – < 50'); levels by name, shares in per cent."""
    style = STYLES[measure]
    if measure == "level":
        return [(colour, t(f"level.{i + 1}", lang)) for i, colour in enumerate(style.colours)]

    def show(x: float) -> str:
        return f"{number(x * 100, lang)} %" if measure in SHARES else number(x, lang)

    edges = list(style.bins)
    items = []
    for i, colour in enumerate(style.colours):
        if i == 0:
            label = number(0, lang) if edges[0] < 1 and measure not in SHARES else f"< {show(edges[0])}"
        elif i == len(style.colours) - 1:
            label = f"≥ {show(edges[-1])}"
        elif edges[i - 1] < 1 and measure not in SHARES:
            label = f"> 0 – < {show(edges[i])}"
        else:
            label = f"{show(edges[i - 1])} – < {show(edges[i])}"
        items.append((colour, label))
    return items


def measure_label(measure: str, lang: str) -> str:
    return t(f"measure.{measure}", lang)


def format_measure(measure: str, value: float | None, lang: str) -> str:
    """A measure's value as people read it: shares in per cent, levels as 'Cấp 3', rates with one decimal."""
    if value is None:
        return "—"
    if measure in SHARES:
        return f"{number(value * 100, lang, 1)} %"
    if measure == "level":
        return t("level.short", lang, level=int(value))
    return number(value, lang, STYLES[measure].digits)
