"""A batch's traces as Arrow tables, the shape the store keeps them in: one row per traced case, per F1 or F2 named,
per epidemiological point; instants in seconds since EPOCH_S."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from tracing.links import PROXIMITY, VENUE, VIA, BatchTrace, Links
from tracing.risk import ranks_of


def trace_table(batch: BatchTrace) -> pa.Table:
    """case_id, window_start_s, elapsed_ms (the batch's time shared out), f1_count, f2_count, points_count,
    rule_version, quarantine_days; one row per traced case."""
    n = len(batch.rows)
    per_case = np.arange(n + 1)
    f1_counts = np.diff(np.searchsorted(batch.f1.group, per_case))
    f2_counts = np.diff(np.searchsorted(batch.f2.group, per_case)) if batch.f2 is not None else np.zeros(n, np.int64)
    points_counts = (
        np.diff(np.searchsorted(batch.points.group, per_case)) if batch.points is not None else np.zeros(n, np.int64)
    )
    return pa.table(
        {
            "case_id": pa.array(batch.index.cases.person_id[batch.rows], pa.int64()),
            "window_start_s": pa.array(batch.window_start, pa.int64()),
            "elapsed_ms": pa.array(np.full(n, batch.seconds * 1000 / max(n, 1)), pa.float64()),
            "f1_count": pa.array(f1_counts, pa.int32()),
            "f2_count": pa.array(f2_counts, pa.int32()),
            "points_count": pa.array(points_counts, pa.int32()),
            "rule_version": pa.array([batch.rule.name] * n, pa.string()),
            "quarantine_days": pa.array(np.full(n, batch.rule.quarantine_days), pa.int32()),
        }
    )


def contact_table(batch: BatchTrace, links: Links | None, degree: int) -> pa.Table:
    """case_id, person_id, degree, via, through (F2 only), venue_id, exposure_s, overlap_s (venue), duration_s and
    distance_m (proximity), rule_version, risk_rank (F1 only: its place in the case's call list, from 1); one row per
    person the links name (`links`: the batch's F1, in risk order as the batch holds it, or its F2)."""
    index = batch.index
    if links is None:
        links = batch.f1.take(np.empty(0, np.int64))
    n = len(links)
    people, venues = index.people.ids, index.venues.ids
    is_venue = links.via == VENUE
    is_proximity = links.via == PROXIMITY
    venue_ids = venues[np.maximum(links.venue, 0)] if len(venues) else np.zeros(n, np.int64)
    return pa.table(
        {
            "case_id": pa.array(index.cases.person_id[batch.rows][links.group], pa.int64()),
            "person_id": pa.array(people[links.other], pa.int64()),
            "degree": pa.array(np.full(n, degree), pa.int8()),
            "via": pa.array(np.array(VIA, dtype=object)[links.via], pa.string()),
            "through": pa.array(people[links.through], pa.int64(), mask=np.full(n, degree == 1)),
            "venue_id": pa.array(venue_ids, pa.int64(), mask=~is_venue),
            "exposure_s": pa.array(links.ts, pa.int64()),
            "overlap_s": pa.array(links.overlap, pa.int64(), mask=~is_venue),
            "duration_s": pa.array(links.duration, pa.int64(), mask=~is_proximity),
            "distance_m": pa.array(links.distance.astype(np.float64).round(2), pa.float64(), mask=~is_proximity),
            "rule_version": pa.array([batch.rule.name] * n, pa.string()),
            "risk_rank": pa.array(
                ranks_of(links.group, np.arange(n)) if degree == 1 else np.zeros(n, np.int32),
                pa.int32(),
                mask=np.full(n, degree != 1),
            ),
        }
    )


def point_table(batch: BatchTrace) -> pa.Table:
    """case_id, venue_id, first_s, last_s, people_exposed; one row per epidemiological point."""
    found = batch.points
    case_ids = batch.index.cases.person_id[batch.rows]
    return pa.table(
        {
            "case_id": pa.array(case_ids[found.group], pa.int64()),
            "venue_id": pa.array(batch.index.venues.ids[found.venue], pa.int64()),
            "first_s": pa.array(found.first, pa.int64()),
            "last_s": pa.array(found.last, pa.int64()),
            "people_exposed": pa.array(found.exposed, pa.int32()),
        }
    )


def watch_table(batch: BatchTrace, links: Links) -> pa.Table:
    """case_id, person_id, via, venue_id, exposure_s, overlap_s, duration_s, distance_m, rule_version, risk_rank; one
    row per person on a watch list (`links`: the batch's watch lists, in risk order, tracing.watch)."""
    return contact_table(batch, links, 1).drop_columns(["degree", "through"])
