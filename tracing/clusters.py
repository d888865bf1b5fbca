"""Clusters a tracing team can own: each case's most likely source among earlier cases, and the outbreak focus (a venue
or a household) that source link puts it in (the [cluster] rule of rules/tracing.toml)."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from rules.tracing import ClusterRule

HOUSEHOLD, VENUE = "household", "venue"


@dataclass(frozen=True)
class Placed:
    """Where a case is placed: its cluster and that cluster's focus (shared by every case of the cluster)."""

    cluster_id: int
    focus_kind: str  # "venue" or "household"
    focus_venue_id: int | None


def place_cases(
    cases: pa.Table,
    links: pa.Table,
    placed: dict[int, Placed],
    rule: ClusterRule,
    opened: dict[tuple[int, int], Placed] | None = None,
) -> pa.Table:
    """Each of `cases` (case_id, window_start_s, confirmed_s) with its source and cluster.

    `links` (source_id, case_id, via, venue_id, exposure_s): the candidate source links into those cases, each from a
    case whose window opened earlier (so sources come first in window order) and confirmed within the rule's
    incubation after the exposure. A source among `cases` is placed first; any other must be in `placed` (a link from
    a case placed nowhere is ignored). `opened`: the clusters already opened at a venue by a case outside `cases`, by
    (its source, the venue): the cases one source infected at one venue are one focus.

    Returns case_id, cluster_id, source_id, via, venue_id (the chosen link; NULL without one) and the cluster's focus
    (focus_kind, focus_venue_id), one row per case in window order. A cluster's id is its first case's id."""
    rank = {via: i for i, via in enumerate(rule.source_order)}
    lead_s = rule.likely_exposure_days * 86400
    ids = cases.column("case_id").to_pylist()
    starts = dict(zip(ids, cases.column("window_start_s").to_pylist(), strict=True))
    order = sorted(
        zip(cases.column("window_start_s").to_pylist(), cases.column("confirmed_s").to_pylist(), ids, strict=True)
    )

    candidates: dict[int, list[tuple]] = {}
    for source_id, case_id, via, venue_id, exposure_s in zip(
        *(links.column(c).to_pylist() for c in ("source_id", "case_id", "via", "venue_id", "exposure_s")), strict=True
    ):
        if via not in rank or case_id not in starts:
            continue
        key = (rank[via], abs(starts[case_id] - lead_s - exposure_s), source_id)
        candidates.setdefault(case_id, []).append((key, source_id, via, venue_id))

    now: dict[int, Placed] = {}
    foci = dict(opened or {})
    out: dict[str, list] = {k: [] for k in ("case_id", "cluster_id", "source_id", "via", "venue_id")}
    for _start, _confirmed, case_id in order:
        chosen, source = None, None
        for candidate in sorted(candidates.get(case_id, ())):
            source = now.get(candidate[1]) or placed.get(candidate[1])
            if source is not None:
                chosen = candidate
                break
        if source is None or chosen is None:
            here = Placed(case_id, HOUSEHOLD, None)
        elif chosen[2] == VENUE and (source.focus_kind, source.focus_venue_id) != (VENUE, chosen[3]):
            # The chain reached a new venue: a focus there, shared by everyone the source infected at that venue.
            here = foci.setdefault((chosen[1], chosen[3]), Placed(case_id, VENUE, chosen[3]))
        else:
            here = source
        now[case_id] = here
        out["case_id"].append(case_id)
        out["cluster_id"].append(here.cluster_id)
        out["source_id"].append(chosen[1] if chosen else None)
        out["via"].append(chosen[2] if chosen else None)
        out["venue_id"].append(chosen[3] if chosen else None)
    focus = [now[c] for c in out["case_id"]]
    return pa.table(
        {
            "case_id": pa.array(out["case_id"], pa.int64()),
            "cluster_id": pa.array(out["cluster_id"], pa.int64()),
            "source_id": pa.array(out["source_id"], pa.int64()),
            "via": pa.array(out["via"], pa.string()),
            "venue_id": pa.array(out["venue_id"], pa.int64()),
            "focus_kind": pa.array([f.focus_kind for f in focus], pa.string()),
            "focus_venue_id": pa.array([f.focus_venue_id for f in focus], pa.int64()),
        }
    )
