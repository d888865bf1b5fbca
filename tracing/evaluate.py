"""Recall of the tracer and quality of the clusters against a synthetic scenario's ground truth (`infections`), given
as Arrow tables (data/tracing_source.py reads them); evaluation only."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from rules.tracing import risk_rule, watch_rule
from tracing.index import TraceIndex
from tracing.risk import ranks_of
from tracing.tracer import rows_by_rule, trace_rows
from tracing.watch import watch_links

FIRST_CALLS = 10  # how many calls of a list a ward team makes first: the share of infectees reached by then


@dataclass
class Recall:
    """Of the infections by a confirmed case that the data could reveal, how many the infector's F1 list names, and
    how early in its call order."""

    by_setting: dict[str, tuple[int, int]] = field(default_factory=dict)  # setting -> (found, revealable in window)
    before_window: int = 0  # revealable by the data but before the infector's infectious window opened (rule)
    before_found: int = 0  # of those, named anyway (through the household)
    after_window: int = 0  # after the window closed (the case confirmed), named or not
    after_found: int = 0
    mean_f1: float = 0.0  # F1 per case, over every confirmed case
    first_calls: int = FIRST_CALLS
    within_first: int = 0  # in-window infectees within the first `first_calls` of the infector's list, risk order
    within_first_by_time: int = 0  # the same in the order by kind, then time (the order before the risk rule)
    place_sum: int = 0  # places (from 1) of the named in-window infectees in their infector's list, risk order
    place_sum_by_time: int = 0
    watch_days: int = 0  # the watch list's reach before the window (rules/tracing.toml [watch]); 0: none
    before_watched: int = 0  # before-window infectees the F1 list missed and the watch list names
    mean_watch: float = 0.0  # watch list length per case, over every confirmed case

    @property
    def found(self) -> int:
        return sum(f for f, _ in self.by_setting.values())

    @property
    def revealable(self) -> int:
        return sum(n for _, n in self.by_setting.values())

    @property
    def recall(self) -> float:
        """Inside the infector's window as the rule draws it: what the rule can be held to."""
        return self.found / self.revealable if self.revealable else float("nan")

    @property
    def found_overall(self) -> int:
        return self.found + self.before_found + self.after_found

    @property
    def revealable_overall(self) -> int:
        return self.revealable + self.before_window + self.after_window

    @property
    def recall_overall(self) -> float:
        """Over every revealable infection, the window's edges included: what the tracers get."""
        return self.found_overall / self.revealable_overall if self.revealable_overall else float("nan")

    def lines(self) -> list[str]:
        share = self.within_first / self.revealable if self.revealable else float("nan")
        share_by_time = self.within_first_by_time / self.revealable if self.revealable else float("nan")
        out = [
            f"recall inside the infector's window {self.recall:.2%} ({self.found:,} of {self.revealable:,})   "
            f"over every revealable infection {self.recall_overall:.2%} "
            f"({self.found_overall:,} of {self.revealable_overall:,})"
        ]
        for setting, (found, total) in sorted(self.by_setting.items()):
            out.append(f"  {setting:<10} {found:>7,} / {total:<7,} {found / total if total else float('nan'):.2%}")
        out.append(
            f"  before the window opened (the rule cannot see them): {self.before_window:,}, of which named anyway "
            f"(household): {self.before_found:,}; after it closed: {self.after_window:,}, named {self.after_found:,}"
        )
        out.append(
            f"true infectees named within the first {self.first_calls} calls of their infector's F1 list: "
            f"{share:.2%} ({self.within_first:,} of {self.revealable:,} inside the window); "
            f"by kind then time: {share_by_time:.2%} ({self.within_first_by_time:,})"
        )
        if self.found:
            out.append(
                f"  mean place of a named infectee in the list: {self.place_sum / self.found:.1f} "
                f"(by kind then time: {self.place_sum_by_time / self.found:.1f})"
            )
        out.append(f"mean F1 list size per case: {self.mean_f1:.1f}")
        if self.watch_days:
            missed = self.before_window - self.before_found
            with_watch = (self.found_overall + self.before_watched) / max(self.revealable_overall, 1)
            out.append(
                f"watch list ({self.watch_days} days before the window, quarantines no one): names "
                f"{self.before_watched:,} of the {missed:,} infections before the window the F1 list missed "
                f"({self.before_watched / missed if missed else float('nan'):.2%}); mean length per case "
                f"{self.mean_watch:.1f}; F1 and watch list together reach {with_watch:.2%} of every revealable "
                "infection"
            )
        return out


def _f1_places(
    index: TraceIndex, rows: np.ndarray
) -> tuple[dict[tuple[int, int], tuple[int, int]], int, dict[int, tuple[int, int]], set[tuple[int, int]]]:
    """(case, F1) -> the F1's place in the case's list from 0, in risk order and in the order by kind then time; the
    number of F1 links; each case's window; and the (case, person) pairs of the watch lists; by rule version."""
    places: dict[tuple[int, int], tuple[int, int]] = {}
    windows: dict[int, tuple[int, int]] = {}
    watched: set[tuple[int, int]] = set()
    links = 0
    for rule, group_rows in rows_by_rule(index, rows):
        batch = trace_rows(index, group_rows, rule, f2=False, points=False)
        f1 = batch.f1  # in risk order
        case_ids = index.cases.person_id[group_rows]
        risk_place = ranks_of(f1.group, np.arange(len(f1))) - 1
        by_time = np.lexsort((f1.other, f1.ts, f1.via, f1.group))
        time_place = ranks_of(f1.group[by_time], by_time) - 1
        keys = zip(case_ids[f1.group].tolist(), index.people.ids[f1.other].tolist(), strict=True)
        places.update(zip(keys, zip(risk_place.tolist(), time_place.tolist(), strict=True), strict=True))
        links += len(f1)
        spans = zip(batch.window_start.tolist(), batch.window_end.tolist(), strict=True)
        windows.update(zip(case_ids.tolist(), spans, strict=True))
        case_person = index.cases.person[group_rows]
        watch = watch_links(index, rule, watch_rule(), risk_rule(), case_person, batch.window_start, f1)
        watched.update(zip(case_ids[watch.group].tolist(), index.people.ids[watch.other].tolist(), strict=True))
    return places, links, windows, watched


def recall(index: TraceIndex, truth: pa.Table, first_calls: int = FIRST_CALLS) -> Recall:
    """How many of the revealable infections (`truth`: infector, infectee, setting, ts in seconds since EPOCH_S) the
    infector's F1 list names, by setting, and how many within its first `first_calls` calls."""
    all_rows = np.arange(len(index.cases))
    places, links, windows, watched = _f1_places(index, all_rows)
    result = Recall(
        mean_f1=links / max(len(all_rows), 1),
        first_calls=first_calls,
        watch_days=watch_rule().days_before_window,
        mean_watch=len(watched) / max(len(all_rows), 1),
    )
    for infector, infectee, setting, ts in zip(
        *(truth.column(c).to_pylist() for c in ("infector", "infectee", "setting", "ts")), strict=True
    ):
        start, end = windows[infector]
        place = places.get((infector, infectee))
        hit = place is not None
        if ts < start:
            result.before_window += 1
            result.before_found += hit
            result.before_watched += not hit and (infector, infectee) in watched
        elif ts > end:
            result.after_window += 1
            result.after_found += hit
        else:
            found, total = result.by_setting.get(setting, (0, 0))
            result.by_setting[setting] = (found + hit, total + 1)
            if hit:
                result.within_first += place[0] < first_calls
                result.within_first_by_time += place[1] < first_calls
                result.place_sum += place[0] + 1
                result.place_sum_by_time += place[1] + 1
    return result


@dataclass
class ClusterQuality:
    """How the clusters compare with the scenario's true transmission chains (each starts from one seed)."""

    clusters: int  # of two or more cases
    clustered: int  # cases in them
    largest: list[int]
    purity: float  # share of clustered cases whose chain is their cluster's most common one
    pairs: int = 0  # true infector -> infectee transmissions, both confirmed
    pairs_kept: int = 0  # of those, both in one cluster
    revealable: int = 0  # of those pairs, the ones the data could reveal (tracing/revealable_infections.sql)
    revealable_kept: int = 0
    # The most a clustering by the data's links could keep (tracing/case_links.sql: every F1 link between two cases)
    linked: int = 0  # pairs one of which named the other as F1, at any time
    connected: int = 0  # pairs joined by any chain of such links: every linked case of a chain in one cluster
    largest_connected: int = 0  # cases in the largest such chain
    cases: int = 0  # cases traced

    @property
    def largest_share(self) -> float:
        return self.largest[0] / self.clustered if self.largest and self.clustered else 0.0

    def lines(self) -> list[str]:
        sizes = ", ".join(f"{n:,}" for n in self.largest)
        return [
            f"clusters of 2+ cases: {self.clusters:,} holding {self.clustered:,} cases; largest {sizes}",
            f"purity against the true transmission chains: {self.purity:.1%}",
            f"true infector -> infectee pairs (both confirmed) in one cluster: {_share(self.pairs_kept, self.pairs)} "
            f"({self.pairs_kept:,} of {self.pairs:,}); of those the data could reveal: "
            f"{_share(self.revealable_kept, self.revealable)} ({self.revealable_kept:,} of {self.revealable:,})",
            f"largest cluster's share of clustered cases: {self.largest_share:.1%}",
            *self._ceiling_lines(),
        ]

    def _ceiling_lines(self) -> list[str]:
        if not self.cases:
            return []
        return [
            f"ceiling of pairs kept by any clustering of the data's links: {_share(self.linked, self.pairs)} of the "
            f"pairs are joined by an F1 link (either way, any time); {_share(self.connected, self.pairs)} by a chain "
            f"of them, which puts {self.largest_connected:,} of {self.cases:,} cases "
            f"({_share(self.largest_connected, self.cases)}) in one cluster"
        ]


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else "n/a"


def cluster_quality(
    table: pa.Table,
    pairs: pa.Table | None = None,
    revealable: pa.Table | None = None,
    links: pa.Table | None = None,
    cases: int = 0,
) -> ClusterQuality:
    """The clusters (`table`: cluster_id, case_id, seed of every case in a cluster of two or more) against the true
    chains, and how many true transmissions between confirmed cases (`pairs`: infector, infectee) fall inside one
    cluster, in all and among those the data could reveal (`revealable`: infector, infectee); with `links` (case_a,
    case_b: every F1 link between two of the `cases` traced cases), the most any clustering by links could keep."""
    members: dict[int, list] = {}
    for cluster_id, seed in zip(table.column("cluster_id").to_pylist(), table.column("seed").to_pylist(), strict=True):
        members.setdefault(cluster_id, []).append(seed)
    pure = 0
    for seeds in members.values():
        known = [s for s in seeds if s is not None]
        pure += max((known.count(s) for s in set(known)), default=0)
    sizes = sorted((len(v) for v in members.values()), reverse=True)
    quality = ClusterQuality(
        clusters=len(members), clustered=sum(sizes), largest=sizes[:5], purity=pure / max(sum(sizes), 1)
    )
    if pairs is not None:
        cluster_of = dict(zip(table.column("case_id").to_pylist(), table.column("cluster_id").to_pylist(), strict=True))
        shown = set()
        if revealable is not None:
            shown = set(zip(*(revealable.column(c).to_pylist() for c in ("infector", "infectee")), strict=True))
        for pair in zip(*(pairs.column(c).to_pylist() for c in ("infector", "infectee")), strict=True):
            kept = pair[0] in cluster_of and cluster_of[pair[0]] == cluster_of.get(pair[1])
            quality.pairs += 1
            quality.pairs_kept += kept
            quality.revealable += pair in shown
            quality.revealable_kept += pair in shown and kept
    if pairs is not None and links is not None:
        _ceilings(quality, pairs, links, cases)
    return quality


def _ceilings(quality: ClusterQuality, pairs: pa.Table, links: pa.Table, cases: int) -> None:
    """Pairs joined by a direct link, and by a chain of links (connected components, by union-find)."""
    a, b = (links.column(c).to_pylist() for c in ("case_a", "case_b"))
    direct = set(zip(a, b, strict=True))
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        while (up := parent.get(x, x)) != x:
            parent[x] = parent.get(up, up)  # path halving
            x = up
        return x

    for x, y in zip(a, b, strict=True):
        rx, ry = root(x), root(y)
        if rx != ry:
            parent[rx] = ry
    component: dict[int, int] = {}
    for person in {*a, *b}:
        r = root(person)
        component[r] = component.get(r, 0) + 1
    for infector, infectee in zip(*(pairs.column(c).to_pylist() for c in ("infector", "infectee")), strict=True):
        quality.linked += (infector, infectee) in direct or (infectee, infector) in direct
        quality.connected += root(infector) == root(infectee)
    quality.largest_connected = max(component.values(), default=0)
    quality.cases = cases
