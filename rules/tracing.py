"""Who is F1 and F2 of a confirmed case, by rule version (rules/tracing.toml)."""

from __future__ import annotations

import datetime as dt
import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path

from rules.venues import VENUE_KINDS

_FILE = Path(__file__).with_name("tracing.toml")


@dataclass(frozen=True)
class TracingRule:
    name: str
    source: str
    effective: dt.date
    days_before: int
    onset_lookback_days: int
    proximity_max_m: float
    proximity_min_duration_s: int | None  # an encounter this long counts at any distance; None: distance only
    venue_kinds: frozenset[str]
    venue_min_overlap_s: int
    household: bool
    dwell_s: dict[str, int]  # presence after a check-in, by venue kind
    quarantine_days: int = 14  # an F1's quarantine from the F0's confirmation

    def proximity_counts(self, distance_m: float, duration_s: int) -> bool:
        """Whether one Bluetooth encounter makes a close contact under this version."""
        if distance_m <= self.proximity_max_m:
            return True
        return self.proximity_min_duration_s is not None and duration_s >= self.proximity_min_duration_s

    def venue_counts(self, kind: str, overlap_s: int) -> bool:
        """Whether overlapping presences at a venue of this kind make a close contact."""
        return kind in self.venue_kinds and overlap_s > 0 and overlap_s >= self.venue_min_overlap_s


def _parse(entry: dict) -> TracingRule:
    kinds = entry["venue_kinds"]
    venue_kinds = frozenset(VENUE_KINDS) if kinds == "all" else frozenset(kinds)
    unknown = venue_kinds - set(VENUE_KINDS)
    dwell = {kind: int(minutes) * 60 for kind, minutes in entry["dwell_minutes"].items()}
    missing = set(VENUE_KINDS) - set(dwell)
    if unknown or missing:
        raise ValueError(
            f"{_FILE.name} {entry['name']}: unknown kinds {sorted(unknown)}, no dwell for {sorted(missing)}"
        )
    return TracingRule(
        name=entry["name"],
        source=entry["source"],
        effective=entry["effective"],
        days_before=int(entry["days_before"]),
        onset_lookback_days=int(entry["onset_lookback_days"]),
        proximity_max_m=float(entry["proximity_max_m"]),
        proximity_min_duration_s=entry.get("proximity_min_duration_s"),
        venue_kinds=venue_kinds,
        venue_min_overlap_s=int(entry["venue_min_overlap_s"]),
        household=bool(entry["household"]),
        dwell_s=dwell,
        quarantine_days=int(entry["quarantine_days"]),
    )


@functools.cache
def tracing_rules() -> tuple[TracingRule, ...]:
    """All versions, oldest first."""
    data = tomllib.loads(_FILE.read_text(encoding="utf-8"))
    return tuple(sorted((_parse(v) for v in data["version"]), key=lambda v: v.effective))


def tracing_rule_in_force(day: dt.date | None = None) -> TracingRule:
    """The newest version effective on `day` (the oldest if `day` precedes them all; the newest if None)."""
    versions = tracing_rules()
    if day is None:
        return versions[-1]
    eligible = [v for v in versions if v.effective <= day]
    return eligible[-1] if eligible else versions[0]


@dataclass(frozen=True)
class ClusterRule:
    """How a case finds its source and its cluster (the [cluster] table of tracing.toml)."""

    name: str
    source: str
    incubation_days: int  # a link counts when the case was confirmed within this many days after the exposure
    likely_exposure_days: float  # between equal links, the exposure nearest this long before the window opened
    source_order: tuple[str, ...]  # link kinds (trace_contacts.via), strongest first; others are no source


SOURCE_KINDS = ("household", "proximity", "venue")


@functools.cache
def cluster_rule() -> ClusterRule:
    entry = tomllib.loads(_FILE.read_text(encoding="utf-8"))["cluster"]
    rule = ClusterRule(
        name=entry["name"],
        source=entry["source"],
        incubation_days=int(entry["incubation_days"]),
        likely_exposure_days=float(entry["likely_exposure_days"]),
        source_order=tuple(entry["source_order"]),
    )
    unknown = set(rule.source_order) - set(SOURCE_KINDS)
    if rule.incubation_days <= 0 or rule.likely_exposure_days < 0 or unknown or not rule.source_order:
        raise ValueError(
            f"{_FILE.name} [cluster]: incubation_days must be > 0, likely_exposure_days >= 0 and source_order a "
            f"non-empty list of {', '.join(SOURCE_KINDS)}"
        )
    return rule


def tracing_rule(name: str) -> TracingRule:
    """One version by its name; KeyError naming the known versions if there is none."""
    for version in tracing_rules():
        if version.name == name:
            return version
    raise KeyError(f"no tracing rule {name!r}; known: {', '.join(v.name for v in tracing_rules())}")
