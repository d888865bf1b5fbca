"""The four-level epidemic assessment of an area (Resolution 128/NQ-CP), by rule version (rules/area_level.toml)."""

from __future__ import annotations

import datetime as dt
import functools
import math
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

_FILE = Path(__file__).with_name("area_level.toml")

MAX_LEVEL = 4


@dataclass(frozen=True)
class Band:
    """Rates up to `upper` (inclusive when `upper_inclusive`) that the previous band did not take."""

    upper: float
    upper_inclusive: bool
    met: int
    not_met: int


@dataclass(frozen=True)
class AreaLevelRule:
    name: str
    source: str
    effective: dt.date
    coverage: str  # "4800": 18+ first dose and 50+ fully; "218": all people and 50+ fully
    adults_first_dose_min: float | None
    all_fully_min: float | None
    older_fully_min: float
    zero_case_level: int
    capacity_raise: int
    in_force_after_hours: int
    bands: tuple[Band, ...]

    @property
    def in_force_after(self) -> dt.timedelta:
        return dt.timedelta(hours=self.in_force_after_hours)


def _band(raw: dict) -> Band:
    if "at_most" in raw:
        return Band(float(raw["at_most"]), True, int(raw["met"]), int(raw["not_met"]))
    return Band(float(raw["below"]), False, int(raw["met"]), int(raw["not_met"]))


@functools.cache
def area_level_rules() -> tuple[AreaLevelRule, ...]:
    """All versions, oldest first."""
    data = tomllib.loads(_FILE.read_text(encoding="utf-8"))
    rules = []
    for v in data["version"]:
        bands = tuple(_band(b) for b in v["bands"])
        if not math.isinf(bands[-1].upper):
            raise ValueError(f"{_FILE.name}: the last band of {v['name']} must reach infinity")
        if v["coverage"] not in ("4800", "218"):
            raise ValueError(f"{_FILE.name}: unknown coverage criterion {v['coverage']!r} in {v['name']}")
        rules.append(
            AreaLevelRule(
                name=v["name"],
                source=v["source"],
                effective=v["effective"],
                coverage=v["coverage"],
                adults_first_dose_min=v.get("adults_first_dose_min"),
                all_fully_min=v.get("all_fully_min"),
                older_fully_min=float(v["older_fully_min"]),
                zero_case_level=int(v["zero_case_level"]),
                capacity_raise=int(v["capacity_raise"]),
                in_force_after_hours=int(v["in_force_after_hours"]),
                bands=bands,
            )
        )
    return tuple(sorted(rules, key=lambda r: r.effective))


def area_level_rule_in_force(day: dt.date | None = None) -> AreaLevelRule:
    """The newest version effective on `day` (the oldest if `day` precedes them all; the newest if None)."""
    versions = area_level_rules()
    if day is None:
        return versions[-1]
    eligible = [v for v in versions if v.effective <= day]
    return eligible[-1] if eligible else versions[0]


def coverage_met(
    rule: AreaLevelRule, adults_first_dose_share: float, older_fully_share: float, all_fully_share: float
) -> bool:
    """Criterion 2 under the rule's coverage definition (shares between 0 and 1)."""
    if rule.coverage == "4800":
        return adults_first_dose_share >= rule.adults_first_dose_min and older_fully_share >= rule.older_fully_min
    return all_fully_share >= rule.all_fully_min and older_fully_share >= rule.older_fully_min


def band_for(rule: AreaLevelRule, rate_per_100k: float) -> Band:
    for band in rule.bands:
        if rate_per_100k < band.upper or (band.upper_inclusive and rate_per_100k == band.upper):
            return band
    return rule.bands[-1]


def proposed_level(
    rule: AreaLevelRule, cases_7d: int, rate_per_100k: float, coverage_is_met: bool, capacity_is_met: bool
) -> int:
    """The level the week's figures call for: the band's level by coverage, raised when capacity is short."""
    if cases_7d == 0:
        return rule.zero_case_level
    band = band_for(rule, rate_per_100k)
    level = band.met if coverage_is_met else band.not_met
    if not capacity_is_met:
        level += rule.capacity_raise
    return min(level, MAX_LEVEL)


def level_in_force(assessments: Sequence[tuple[dt.datetime, int]], at: dt.datetime, rule: AreaLevelRule) -> int | None:
    """The level in force at `at`: the latest assessment computed at least `in_force_after_hours` before it."""
    effective = [(computed, level) for computed, level in assessments if computed + rule.in_force_after <= at]
    return max(effective)[1] if effective else None


def band_rows() -> list[tuple]:
    """The bands of every version as (rule_version, lower, lower_inclusive, upper, upper_inclusive, met, not_met)."""
    rows = []
    for rule in area_level_rules():
        lower, lower_inclusive = -math.inf, True
        for band in rule.bands:
            rows.append((rule.name, lower, lower_inclusive, band.upper, band.upper_inclusive, band.met, band.not_met))
            lower, lower_inclusive = band.upper, not band.upper_inclusive
    return rows
