"""The risk order of a case's F1 list (rules/tracing.toml [risk]): whom the ward team calls first, likeliest infection
first. Works on plain columns, so that a fresh trace (`Links`) and the rows a store already holds rank the same way."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from rules.tracing import RiskRule
from rules.venues import VENUE_KINDS
from tracing.links import PROXIMITY, VENUE, VIA, Links


def risk_scores(
    via: np.ndarray,
    distance: np.ndarray,
    duration: np.ndarray,
    overlap: np.ndarray,
    venue_kind: np.ndarray,
    rule: RiskRule,
) -> tuple[np.ndarray, np.ndarray]:
    """Each contact's tier (its kind's place in the rule's order) and weighted seconds within the tier (household: 0).

    `via` holds tracing.links codes; `venue_kind` indexes VENUE_KINDS (any value where the link is not a venue)."""
    tier_of_via = np.array([rule.order.index(name) for name in VIA], np.int8)
    tier = tier_of_via[via]
    distance = shown_distance(distance)
    score = np.zeros(len(via), np.float64)
    proximity = via == PROXIMITY
    if proximity.any():
        band = np.searchsorted(np.array(rule.distance_bands_m), distance[proximity], side="left")
        weights = np.array(rule.distance_weights)[band]
        score[proximity] = weights * np.minimum(duration[proximity], rule.full_exposure_s)
    venue = via == VENUE
    if venue.any():
        kind_weights = np.array([rule.venue_weights[kind] for kind in VENUE_KINDS])
        score[venue] = kind_weights[venue_kind[venue]] * np.minimum(overlap[venue], rule.venue_full_exposure_s)
    return tier, score


def shown_distance(distance: np.ndarray) -> np.ndarray:
    """Metres to the centimetre, as the store keeps and the lists show them: a fresh trace and a stored one rank
    alike (1.004 m is in the 1 m band on both)."""
    return np.round(distance.astype(np.float64), 2)


def risk_order(
    group: np.ndarray,
    via: np.ndarray,
    distance: np.ndarray,
    duration: np.ndarray,
    overlap: np.ndarray,
    venue_kind: np.ndarray,
    ts: np.ndarray,
    person: np.ndarray,
    rule: RiskRule,
) -> np.ndarray:
    """The rows by group, then likeliest first: tier, then weighted seconds (more first), then the closer encounter,
    then the earlier contact, then the person."""
    tier, score = risk_scores(via, distance, duration, overlap, venue_kind, rule)
    closeness = np.where(via == PROXIMITY, shown_distance(distance), 0)
    return np.lexsort((person, ts, closeness, -score, tier, group))


def risk_ranks(
    group: np.ndarray,
    via: np.ndarray,
    distance: np.ndarray,
    duration: np.ndarray,
    overlap: np.ndarray,
    venue_kind: np.ndarray,
    ts: np.ndarray,
    person: np.ndarray,
    rule: RiskRule,
) -> np.ndarray:
    """Each row's place in its group's call list, from 1, in the rows' own order."""
    order = risk_order(group, via, distance, duration, overlap, venue_kind, ts, person, rule)
    return ranks_of(group[order], order)


def ranks_of(sorted_group: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Places from 1 within each group of rows taken in `order` (`sorted_group`: their groups, in that order), given
    back in the rows' own order."""
    n = len(order)
    starts = np.flatnonzero(np.r_[True, sorted_group[1:] != sorted_group[:-1]]) if n else np.empty(0, np.int64)
    place = np.arange(n, dtype=np.int64) - np.repeat(starts, np.diff(np.r_[starts, n]))
    ranks = np.empty(n, np.int32)
    ranks[order] = place + 1
    return ranks


def venue_kinds_of(links: Links, venue_kind: np.ndarray) -> np.ndarray:
    """The kind (index into VENUE_KINDS) of each link's venue, 0 where it has none (never read there)."""
    if not len(venue_kind):
        return np.zeros(len(links), np.int8)
    return venue_kind[np.maximum(links.venue, 0)]


def in_risk_order(links: Links, venue_kind: np.ndarray, rule: RiskRule) -> Links:
    """A batch's F1 (one link per case and person) by case, each case's likeliest infection first (`venue_kind`: the
    index's kind per dense venue)."""
    if not len(links):
        return links
    order = risk_order(
        links.group,
        links.via,
        links.distance,
        links.duration,
        links.overlap,
        venue_kinds_of(links, venue_kind),
        links.ts,
        links.other,
        rule,
    )
    return links.take(order)


def stored_risk_ranks(table: pa.Table, rule: RiskRule) -> np.ndarray:
    """The places in their cases' call lists of F1 rows as a store keeps them (`table`: case_id, person_id, via,
    venue_kind, exposure_s, overlap_s, duration_s, distance_m; NULL where the link has no such value): the same
    places a fresh trace gives them."""
    via = pc.index_in(table.column("via"), value_set=pa.array(VIA))
    if via.null_count:
        raise ValueError(f"stored F1 with an unknown kind of link; known: {', '.join(VIA)}")
    via = via.to_numpy().astype(np.int8)
    kind = pc.index_in(table.column("venue_kind"), value_set=pa.array(VENUE_KINDS)).fill_null(0).to_numpy()

    def numbers(name: str, missing: float) -> np.ndarray:
        return table.column(name).fill_null(missing).to_numpy()

    return risk_ranks(
        numbers("case_id", 0),
        via,
        numbers("distance_m", np.nan),
        numbers("duration_s", 0),
        numbers("overlap_s", 0),
        kind,
        numbers("exposure_s", 0),
        numbers("person_id", 0),
        rule,
    )
