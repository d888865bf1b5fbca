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


MAX_DWELL_S = 24 * 3600


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
    odd = sorted(kind for kind, seconds in dwell.items() if not 60 <= seconds <= MAX_DWELL_S)
    if odd:  # a presence is minutes to a day; the F2 kernel ranks an overlap (at most a dwell) in 29 bits
        raise ValueError(f"{_FILE.name} {entry['name']}: dwell_minutes of {odd} not between 1 and 1440")
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
    source_venue_kinds: tuple[str, ...]  # venue kinds where a shared venue names a source (closed rooms)


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
        source_venue_kinds=tuple(entry["source_venue_kinds"]),
    )
    unknown = set(rule.source_order) - set(SOURCE_KINDS)
    if rule.incubation_days <= 0 or rule.likely_exposure_days < 0 or unknown or not rule.source_order:
        raise ValueError(
            f"{_FILE.name} [cluster]: incubation_days must be > 0, likely_exposure_days >= 0 and source_order a "
            f"non-empty list of {', '.join(SOURCE_KINDS)}"
        )
    strange = sorted(set(rule.source_venue_kinds) - set(VENUE_KINDS))
    if strange:
        raise ValueError(
            f"{_FILE.name} [cluster]: source_venue_kinds names no venue kind: {', '.join(strange)} "
            f"(kinds are {', '.join(VENUE_KINDS)})"
        )
    return rule


def tracing_rule(name: str) -> TracingRule:
    """One version by its name; KeyError naming the known versions if there is none."""
    for version in tracing_rules():
        if version.name == name:
            return version
    raise KeyError(f"no tracing rule {name!r}; known: {', '.join(v.name for v in tracing_rules())}")


@dataclass(frozen=True)
class RiskRule:
    """The order in which a trace's contacts are called, likeliest infection first (the [risk] table of
    tracing.toml); it never changes who is F1."""

    name: str
    source: str
    order: tuple[str, ...]  # link kinds, first called first
    distance_bands_m: tuple[float, ...]  # upper bounds of the distance bands, ascending
    distance_weights: tuple[float, ...]  # one per band, then one for farther
    full_exposure_s: int  # an encounter's seconds beyond this add nothing
    venue_full_exposure_s: int  # a co-presence's seconds beyond this add nothing
    venue_weights: dict[str, float]  # by venue kind

    def proximity_score(self, distance_m: float, duration_s: int) -> float:
        """Weighted seconds of one encounter: its seconds (capped) times its distance band's weight."""
        band = sum(distance_m > bound for bound in self.distance_bands_m)
        return self.distance_weights[band] * min(duration_s, self.full_exposure_s)

    def venue_score(self, kind: str, overlap_s: int) -> float:
        """Weighted seconds of one co-presence: its seconds (capped) times the venue kind's weight."""
        return self.venue_weights[kind] * min(overlap_s, self.venue_full_exposure_s)


@functools.cache
def risk_rule() -> RiskRule:
    entry = tomllib.loads(_FILE.read_text(encoding="utf-8"))["risk"]
    bands = tuple(float(b) for b in entry["distance_bands_m"])
    weights = tuple(float(w) for w in entry["distance_weights"])
    venue_weights = {kind: float(w) for kind, w in entry["venue_weights"].items()}
    problems = []
    if sorted(entry["order"]) != ["household", "proximity", "venue"]:
        problems.append("order must name household, proximity and venue once each")
    if list(bands) != sorted(bands) or len(weights) != len(bands) + 1:
        problems.append("distance_bands_m must ascend, with one more distance_weights than bands")
    if set(venue_weights) != set(VENUE_KINDS):
        problems.append(f"venue_weights must cover exactly the venue kinds {sorted(VENUE_KINDS)}")
    if min((*weights, *venue_weights.values())) < 0:
        problems.append("weights must be >= 0")
    if int(entry["full_exposure_minutes"]) <= 0 or int(entry["venue_full_exposure_minutes"]) <= 0:
        problems.append("full_exposure_minutes and venue_full_exposure_minutes must be > 0")
    if problems:
        raise ValueError(f"{_FILE.name} [risk]: {'; '.join(problems)}")
    return RiskRule(
        name=entry["name"],
        source=entry["source"],
        order=tuple(entry["order"]),
        distance_bands_m=bands,
        distance_weights=weights,
        full_exposure_s=int(entry["full_exposure_minutes"]) * 60,
        venue_full_exposure_s=int(entry["venue_full_exposure_minutes"]) * 60,
        venue_weights=venue_weights,
    )


@dataclass(frozen=True)
class WatchRule:
    """Who is offered for follow-up from before a case's infectious window (the [watch] table of tracing.toml): never
    F1, never quarantined."""

    name: str
    source: str
    days_before_window: int  # 0: no watch list


@functools.cache
def watch_rule() -> WatchRule:
    entry = tomllib.loads(_FILE.read_text(encoding="utf-8"))["watch"]
    rule = WatchRule(name=entry["name"], source=entry["source"], days_before_window=int(entry["days_before_window"]))
    if not 0 <= rule.days_before_window <= 14:
        raise ValueError(f"{_FILE.name} [watch]: days_before_window must be 0 to 14")
    return rule
