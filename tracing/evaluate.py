"""Recall of the tracer and quality of the clusters against a synthetic scenario's ground truth (`infections`), given
as Arrow tables (data/tracing_source.py reads them); evaluation only."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from tracing.index import TraceIndex
from tracing.tracer import rows_by_rule, trace_rows


@dataclass
class Recall:
    """Of the infections by a confirmed case that the data could reveal, how many the infector's F1 list names."""

    by_setting: dict[str, tuple[int, int]] = field(default_factory=dict)  # setting -> (found, revealable in window)
    outside_window: int = 0  # revealable by the data but outside the infector's infectious window (rule)
    outside_found: int = 0
    mean_f1: float = 0.0  # F1 per case, over every confirmed case

    @property
    def found(self) -> int:
        return sum(f for f, _ in self.by_setting.values())

    @property
    def revealable(self) -> int:
        return sum(n for _, n in self.by_setting.values())

    @property
    def recall(self) -> float:
        return self.found / self.revealable if self.revealable else float("nan")

    def lines(self) -> list[str]:
        out = [
            f"recall {self.recall:.2%} ({self.found:,} of {self.revealable:,} revealable infections inside the infector's window)"
        ]
        for setting, (found, total) in sorted(self.by_setting.items()):
            out.append(f"  {setting:<10} {found:>7,} / {total:<7,} {found / total if total else float('nan'):.2%}")
        out.append(
            f"  outside the window (the rule cannot see them): {self.outside_window:,}, of which named anyway "
            f"(household): {self.outside_found:,}; recall over all revealable "
            f"{(self.found + self.outside_found) / max(self.revealable + self.outside_window, 1):.2%}"
        )
        out.append(f"mean F1 list size per case: {self.mean_f1:.1f}")
        return out


def _f1_pairs(index: TraceIndex, rows: np.ndarray) -> tuple[set[tuple[int, int]], int, dict[int, tuple[int, int]]]:
    """(case, F1) pairs of the cases at rows, the number of F1 links, and each case's window; by rule version."""
    pairs: set[tuple[int, int]] = set()
    windows: dict[int, tuple[int, int]] = {}
    links = 0
    for rule, group_rows in rows_by_rule(index, rows):
        batch = trace_rows(index, group_rows, rule, f2=False, points=False)
        case_ids = index.cases.person_id[group_rows]
        pairs.update(zip(case_ids[batch.f1.group].tolist(), index.people.ids[batch.f1.other].tolist(), strict=True))
        links += len(batch.f1)
        spans = zip(batch.window_start.tolist(), batch.window_end.tolist(), strict=True)
        windows.update(zip(case_ids.tolist(), spans, strict=True))
    return pairs, links, windows


def recall(index: TraceIndex, truth: pa.Table) -> Recall:
    """How many of the revealable infections (`truth`: infector, infectee, setting, ts in seconds since EPOCH_S) the
    infector's F1 list names, by setting."""
    all_rows = np.arange(len(index.cases))
    pairs, links, windows = _f1_pairs(index, all_rows)
    result = Recall(mean_f1=links / max(len(all_rows), 1))
    for infector, infectee, setting, ts in zip(
        *(truth.column(c).to_pylist() for c in ("infector", "infectee", "setting", "ts")), strict=True
    ):
        start, end = windows[infector]
        hit = (infector, infectee) in pairs
        if start <= ts <= end:
            found, total = result.by_setting.get(setting, (0, 0))
            result.by_setting[setting] = (found + hit, total + 1)
        else:
            result.outside_window += 1
            result.outside_found += hit
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
        ]


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else "n/a"


def cluster_quality(
    table: pa.Table, pairs: pa.Table | None = None, revealable: pa.Table | None = None
) -> ClusterQuality:
    """The clusters (`table`: cluster_id, case_id, seed of every case in a cluster of two or more) against the true
    chains, and how many true transmissions between confirmed cases (`pairs`: infector, infectee) fall inside one
    cluster, in all and among those the data could reveal (`revealable`: infector, infectee)."""
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
    return quality
