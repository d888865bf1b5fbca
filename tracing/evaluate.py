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

    def lines(self) -> list[str]:
        sizes = ", ".join(f"{n:,}" for n in self.largest)
        return [
            f"clusters of 2+ cases: {self.clusters:,} holding {self.clustered:,} cases; largest {sizes}",
            f"purity against the true transmission chains: {self.purity:.1%}",
        ]


def cluster_quality(table: pa.Table) -> ClusterQuality:
    """The clusters (`table`: cluster_id, case_id, seed of every case in a cluster of two or more) against the true
    chains."""
    members: dict[int, list] = {}
    for cluster_id, seed in zip(table.column("cluster_id").to_pylist(), table.column("seed").to_pylist(), strict=True):
        members.setdefault(cluster_id, []).append(seed)
    pure = 0
    for seeds in members.values():
        known = [s for s in seeds if s is not None]
        pure += max((known.count(s) for s in set(known)), default=0)
    sizes = sorted((len(v) for v in members.values()), reverse=True)
    return ClusterQuality(
        clusters=len(members), clustered=sum(sizes), largest=sizes[:5], purity=pure / max(sum(sizes), 1)
    )
