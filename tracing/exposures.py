"""Candidate links of many sources at once, vectorised over the index's arrays: co-presence at venues (and the
sources' points), Bluetooth encounters, households; and the F2 pass over a batch's F1s.

A source is a person with a time span: a case over its infectious window (F1), or an F1 from its first exposure
until the case's confirmation (F2). Rows of the result carry the source's `group` (which case of the batch).
"""

from __future__ import annotations

import numpy as np

from rules.tracing import TracingRule
from tracing.f2_kernel import Scratch, second_degree_pass, segment_lists
from tracing.index import BIAS, TraceIndex, expand_ranges, lower_bound, search_many
from tracing.links import HOUSEHOLD, PROXIMITY, VENUE, Links, Points, ordered_for_output, strongest


def _links(group, through, other, via, ts, venue=None, overlap=None, duration=None, distance=None) -> Links:
    n = len(group)
    return Links(
        group=group.astype(np.int64, copy=False),
        through=through.astype(np.int32, copy=False),
        other=other.astype(np.int32, copy=False),
        via=np.full(n, via, np.int8),
        ts=ts.astype(np.int64, copy=False),
        venue=np.full(n, -1, np.int32) if venue is None else venue.astype(np.int32, copy=False),
        overlap=np.zeros(n, np.int64) if overlap is None else overlap,
        duration=np.zeros(n, np.int64) if duration is None else duration,
        distance=np.full(n, np.nan, np.float32) if distance is None else distance.astype(np.float32, copy=False),
    )


class PairSet:
    """(group, person) pairs, e.g. a batch's cases and F1s, to leave out of candidate links as they are made: a
    bitmap over groups × people when that is small (a lookup per candidate), else the sorted pairs."""

    BITMAP_LIMIT = 1 << 28  # bits: 32 MB

    def __init__(self, group: np.ndarray, person: np.ndarray, n_groups: int, n_people: int) -> None:
        self.n_people = n_people
        key = group.astype(np.int64) * n_people + person
        self.bits: np.ndarray | None = None
        self.keys: np.ndarray | None = None
        if n_groups * n_people <= self.BITMAP_LIMIT:
            self.bits = np.zeros(n_groups * n_people // 8 + 1, np.uint8)
            np.bitwise_or.at(self.bits, key >> 3, np.left_shift(1, key & 7).astype(np.uint8))
        else:
            self.keys = np.unique(key)

    def outside(self, group: np.ndarray, person: np.ndarray) -> np.ndarray:
        """Whether each (group, person) is not one of the pairs."""
        key = group.astype(np.int64, copy=False) * self.n_people + person
        if self.bits is not None:
            byte = self.bits[key >> 3]
            key &= 7
            byte >>= key.astype(np.uint8)
            byte &= 1
            return byte == 0
        if not len(self.keys):
            return np.ones(len(key), bool)
        at = np.minimum(np.searchsorted(self.keys, key), len(self.keys) - 1)
        return self.keys[at] != key


def _venue_links(index: TraceIndex, rule: TracingRule, group, person, start, end, want_points: bool, excluded=None):
    """Co-presences at venues of each source (person, [start, end)), but those to `excluded` pairs; and the
    sources' points."""
    arrays = index.rule_arrays(rule)
    longest_stay = max(rule.dwell_s.values())
    parts: list[Links] = []
    visits = []  # (group, venue, from, to) of the sources' own presences
    for segment in index.checkins:
        # Only the presences that may reach each source's span are read: an F1's span is a few days of months.
        rows, source = segment.presences_during(person, start, end, longest_stay)
        if not len(rows):
            continue
        key = segment.venue_key[rows]
        venue = (key >> 32).astype(np.int32)
        arrival = (key & 0xFFFFFFFF) - BIAS
        leave = np.minimum(arrival + arrays.dwell[venue], segment.exit_end[rows])
        seen_from = np.maximum(arrival, start[source])
        seen_to = np.minimum(leave, end[source])
        inside = seen_to > seen_from
        source, venue, seen_from, seen_to = source[inside], venue[inside], seen_from[inside], seen_to[inside]
        if want_points:
            visits.append((group[source], venue, seen_from, seen_to))
        counted = arrays.counted[venue]
        source, venue, seen_from, seen_to = source[counted], venue[counted], seen_from[counted], seen_to[counted]
        if not len(source):
            continue
        dwell = arrays.dwell[venue]
        base = venue.astype(np.int64) << 32
        # Per presence, so that only the kept candidates are looked up: a busy F2 pass has tens of millions.
        source_group, source_person = group[source], person[source]
        least_overlap = max(rule.venue_min_overlap_s, 1)
        for others in index.checkins:
            # Others at the venue arrived before we left, and no earlier than one dwell time before we came.
            lo2 = search_many(others.venue_key, base | np.maximum(seen_from - dwell + BIAS, 0))
            hi2 = search_many(others.venue_key, base | (seen_to + BIAS))
            candidates, presence = expand_ranges(lo2, hi2)
            if not len(candidates):
                continue
            who = others.person[candidates]
            if excluded is not None:
                # First, before any overlap is worked out: most of the F2 pass's candidates are an F1 of the case (the
                # F1s of one case were together at its places).
                outside = excluded.outside(source_group[presence], who)
                candidates, presence, who = candidates[outside], presence[outside], who[outside]
            their_arrival = others.venue_key[candidates]
            their_arrival &= 0xFFFFFFFF
            their_arrival -= BIAS
            overlap = np.minimum(their_arrival + dwell[presence], others.exit_end[candidates])
            np.minimum(overlap, seen_to[presence], out=overlap)
            began = np.maximum(their_arrival, seen_from[presence], out=their_arrival)
            overlap -= began
            keep = overlap >= least_overlap
            keep &= who != source_person[presence]
            at = presence[keep]
            parts.append(
                _links(
                    source_group[at],
                    source_person[at],
                    who[keep],
                    VENUE,
                    began[keep],
                    venue=venue[at],
                    overlap=overlap[keep],
                )
            )
    points = _points(visits, parts) if want_points else None
    return parts, points


def _points(visits, parts: list[Links]) -> Points:
    if not sum(len(v[0]) for v in visits):
        empty = np.empty(0, np.int64)
        return Points(empty, empty, empty, empty, empty)
    group = np.concatenate([v[0] for v in visits])
    venue = np.concatenate([v[1] for v in visits]).astype(np.int64)
    first = np.concatenate([v[2] for v in visits])
    last = np.concatenate([v[3] for v in visits])
    key = group << 32 | venue
    order = np.argsort(key, kind="stable")
    key, first, last = key[order], first[order], last[order]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    point_key = key[starts]
    exposed = np.zeros(len(point_key), np.int64)
    links = Links.concat(parts) if parts else None
    if links is not None and len(links):
        # Distinct people co-present with the case at each of its points.
        at = np.searchsorted(point_key, links.group << 32 | links.venue.astype(np.int64))
        seen = np.unique(at << 32 | links.other.astype(np.int64))
        exposed = np.bincount(seen >> 32, minlength=len(point_key))
    first, last = np.minimum.reduceat(first, starts), np.maximum.reduceat(last, starts)
    group, venue = point_key >> 32, point_key & 0xFFFFFFFF
    by_time = np.lexsort((venue, first, group))  # each case's points in the order it visited them
    return Points(group[by_time], venue[by_time], first[by_time], last[by_time], exposed[by_time])


def _encounters_in_windows(segment, lo: np.ndarray, hi: np.ndarray, start: np.ndarray, end: np.ndarray):
    """Each source's encounter range narrowed to those that may reach its window: a heavy app user has thousands
    of encounters over the months, tens in a window. Only drops encounters the window test would reject."""
    reach = max(segment.longest, 1)

    def began(positions: np.ndarray) -> np.ndarray:
        return segment.start[positions]

    hi = lower_bound(began, lo, hi, end)
    lo = lower_bound(began, lo, hi, np.asarray(start, np.int64) - reach + 1)
    return lo, hi


def _proximity_links(index: TraceIndex, rule: TracingRule, group, person, start, end, excluded=None) -> list[Links]:
    parts = []
    for segment in index.contacts:
        lo, hi = _encounters_in_windows(segment, segment.offsets[person], segment.offsets[person + 1], start, end)
        positions, source = expand_ranges(lo, hi)
        if not len(positions):
            continue
        began = segment.start[positions].astype(np.int64)
        duration = segment.duration[positions].astype(np.int64)
        distance = segment.distance[positions]
        close = distance <= rule.proximity_max_m
        if rule.proximity_min_duration_s is not None:
            close |= duration >= rule.proximity_min_duration_s
        keep = close & (began < end[source]) & (began + np.maximum(duration, 1) > start[source])
        if excluded is not None:
            keep[keep] = excluded.outside(group[source[keep]], segment.other[positions[keep]])
        src = source[keep]
        parts.append(
            _links(
                group[src],
                person[src],
                segment.other[positions][keep],
                PROXIMITY,
                np.maximum(began[keep], start[src]),
                duration=duration[keep],
                distance=distance[keep],
            )
        )
    return parts


def _household_links(index: TraceIndex, group, person, start, excluded=None) -> list[Links]:
    household = index.household_of[person]
    positions, source = expand_ranges(index.household_offsets[household], index.household_offsets[household + 1])
    member = index.household_members[positions]
    keep = member != person[source]
    if excluded is not None:
        keep &= excluded.outside(group[source], member)
    src = source[keep]
    return [_links(group[src], person[src], member[keep], HOUSEHOLD, start[src])]


def exposures(
    index: TraceIndex,
    rule: TracingRule,
    group,
    person,
    start,
    end,
    want_points: bool,
    excluded: PairSet | None = None,
) -> tuple[Links, Points | None]:
    """Every candidate link of every source (person, [start, end)), but those to `excluded` (group, person) pairs
    (without points: they count the people exposed at each), and the sources' points."""
    assert excluded is None or not want_points
    parts, points = _venue_links(index, rule, group, person, start, end, want_points, excluded)
    parts += _proximity_links(index, rule, group, person, start, end, excluded)
    if rule.household:
        parts += _household_links(index, group, person, start, excluded)
    if not parts:
        empty = np.empty(0, np.int64)
        return _links(empty, empty, empty, HOUSEHOLD, empty), points
    return Links.concat(parts), points


def second_degree(
    index: TraceIndex,
    rule: TracingRule,
    f1: Links,
    exposed_at: np.ndarray,
    case_person: np.ndarray,
    window_end: np.ndarray,
    *,
    compiled: bool = True,
) -> Links:
    """The F2 of each case of a batch: the close contacts of each of its F1s (`f1`, one per (group, person), by
    group, with `exposed_at`, its earliest exposure), under the same rules, from that exposure until the F1 is
    quarantined, taken as the case's confirmation (`window_end`, per group). Neither the case (`case_person`, per
    group) nor one of its F1s is an F2. One link per (group, person), the strongest, in output order. Compiled
    (`tracing.f2_kernel`); `compiled=False`: the same pass in NumPy, every candidate link laid out, then the
    strongest of each pair (the reference the tests compare the kernel with)."""
    if not compiled:
        return _second_degree_arrays(index, rule, f1, exposed_at, case_person, window_end)
    n_groups = len(window_end)
    f1_at = np.searchsorted(f1.group, np.arange(n_groups + 1))
    until = window_end[f1.group]
    active = exposed_at < until
    source_at = np.searchsorted(f1.group[active], np.arange(n_groups + 1))
    arrays = index.rule_arrays(rule)
    lists = segment_lists(index)
    scratch = Scratch.take(index.n_people, n_groups)
    columns, generation = second_degree_pass(
        n_groups,
        np.asarray(case_person, np.int32),
        f1_at,
        f1.other,
        source_at,
        f1.other[active],
        exposed_at[active],
        until[active],
        *lists,
        index.household_members,
        index.household_offsets,
        index.household_of,
        arrays.dwell,
        arrays.counted,
        max(rule.dwell_s.values()),
        max(rule.venue_min_overlap_s, 1),
        float(rule.proximity_max_m),
        -1 if rule.proximity_min_duration_s is None else int(rule.proximity_min_duration_s),
        bool(rule.household),
        scratch.mark,
        *scratch.winners(),
        scratch.generation,
    )
    scratch.generation = generation
    scratch.give_back()
    return Links(*columns)


def _second_degree_arrays(index: TraceIndex, rule: TracingRule, f1: Links, exposed_at, case_person, window_end):
    until = window_end[f1.group]
    active = exposed_at < until
    groups = np.arange(len(window_end))
    excluded = PairSet(np.r_[groups, f1.group], np.r_[case_person, f1.other], len(window_end), index.n_people)
    links, _ = exposures(
        index, rule, f1.group[active], f1.other[active], exposed_at[active], until[active], False, excluded
    )
    found, _ = strongest(links, earliest=False)
    return ordered_for_output(found)
