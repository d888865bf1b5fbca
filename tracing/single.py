"""The trace of one case, F1 and points found with plain Python over the person's own slices of the index.

For a single case the batched tracer's cost is its ~100 small NumPy calls, not the data: a case has tens of
presences and encounters. Here those are read as slices and looped over in Python, and only the winners become
arrays, so the result is the batched tracer's exactly (same rules, same strongest link, same order) — the F2 pass,
which has many sources, is the batched one (`tracing.exposures.second_degree`). `tracing.tracer.trace` uses this
for one case.
"""

from __future__ import annotations

import time

import numpy as np

from rules.tracing import TracingRule, risk_rule
from tracing.exposures import second_degree
from tracing.index import BIAS, TraceIndex, expand_ranges
from tracing.links import HOUSEHOLD, PROXIMITY, VENUE, BatchTrace, Links, Points, infectious_window
from tracing.risk import in_risk_order

_LOW = 0xFFFFFFFF
_NAN = float("nan")
_LOOP_LIMIT = 48  # people present at the case's places beyond which NumPy beats a Python loop


def _venue_candidates(index: TraceIndex, rule: TracingRule, person: int, start: int, end: int, out: list, visits: list):
    arrays = index.rule_arrays(rule)
    dwell_of, counted_of = arrays.dwell, arrays.counted
    longest_stay = max(rule.dwell_s.values())
    for segment in index.checkins:
        lo, hi = int(segment.person_offsets[person]), int(segment.person_offsets[person + 1])
        if lo == hi:
            continue
        # The person's presences are by arrival: keep those that may reach the window, in their rows' order (by
        # venue and arrival), the order ties between links resolve in.
        arrivals = segment.arrival_at(np.arange(lo, hi))
        first = lo + int(np.searchsorted(arrivals, start - longest_stay))
        last = lo + int(np.searchsorted(arrivals, end))
        if first >= last:
            continue
        rows = np.sort(segment.by_person[first:last])
        key = segment.venue_key[rows]
        venue = key >> 32
        arrival = (key & _LOW) - BIAS
        dwell = dwell_of[venue]
        leave = np.minimum(arrival + dwell, segment.exit_end[rows])
        seen_from = np.maximum(arrival, start)
        seen_to = np.minimum(leave, end)
        inside = seen_to > seen_from
        if not inside.any():
            continue
        venue, dwell, seen_from, seen_to = venue[inside], dwell[inside], seen_from[inside], seen_to[inside]
        visits.extend(zip(venue.tolist(), seen_from.tolist(), seen_to.tolist(), strict=True))
        counted = counted_of[venue]
        venue, dwell, seen_from, seen_to = venue[counted], dwell[counted], seen_from[counted], seen_to[counted]
        if not len(venue):
            continue
        base = venue << 32
        low_keys = base | np.maximum(seen_from - dwell + BIAS, 0)
        high_keys = base | (seen_to + BIAS)
        presences = list(zip(venue.tolist(), dwell.tolist(), seen_from.tolist(), seen_to.tolist(), strict=True))
        for others in index.checkins:
            lo_keys = np.searchsorted(others.venue_key, low_keys)
            hi_keys = np.searchsorted(others.venue_key, high_keys)
            if int((hi_keys - lo_keys).sum()) > _LOOP_LIMIT:
                _venue_candidates_vectorised(others, rule, person, presences, lo_keys, hi_keys, out)
                continue
            for (v, d, s_from, s_to), a, b in zip(presences, lo_keys.tolist(), hi_keys.tolist(), strict=True):
                if a == b:
                    continue
                keys = others.venue_key[a:b].tolist()
                exits = others.exit_end[a:b].tolist()
                who = others.person[a:b].tolist()
                for k, x, w in zip(keys, exits, who, strict=True):
                    if w == person:
                        continue
                    their_arrival = (k & _LOW) - BIAS
                    their_leave = min(their_arrival + d, x)
                    began = max(their_arrival, s_from)
                    overlap = min(their_leave, s_to) - began
                    if overlap > 0 and overlap >= rule.venue_min_overlap_s:
                        out.append((w, VENUE, 0.0, -overlap, began, v, overlap, 0, _NAN))


def _venue_candidates_vectorised(others, rule: TracingRule, person: int, presences, lo_keys, hi_keys, out: list):
    """The same as the loop, in NumPy: for busy places, where the people present outnumber the calls."""
    venue, dwell, seen_from, seen_to = (np.array(column, np.int64) for column in zip(*presences, strict=True))
    candidates, presence = expand_ranges(lo_keys, hi_keys)
    their_arrival = (others.venue_key[candidates] & _LOW) - BIAS
    their_leave = np.minimum(their_arrival + dwell[presence], others.exit_end[candidates])
    began = np.maximum(their_arrival, seen_from[presence])
    overlap = np.minimum(their_leave, seen_to[presence]) - began
    who = others.person[candidates]
    keep = (overlap > 0) & (overlap >= rule.venue_min_overlap_s) & (who != person)
    for w, b, v, o in zip(
        who[keep].tolist(), began[keep].tolist(), venue[presence][keep].tolist(), overlap[keep].tolist(), strict=True
    ):
        out.append((w, VENUE, 0.0, -o, b, v, o, 0, _NAN))


def _proximity_candidates(index: TraceIndex, rule: TracingRule, person: int, start: int, end: int, out: list):
    min_duration = rule.proximity_min_duration_s
    for segment in index.contacts:
        lo, hi = int(segment.offsets[person]), int(segment.offsets[person + 1])
        if lo == hi:
            continue
        # A person's encounters are by start: only those that began before the window's end, and late enough to
        # last into it, can count.
        starts = segment.start[lo:hi]
        hi = lo + int(np.searchsorted(starts, end))
        lo = lo + int(np.searchsorted(starts, start - max(segment.longest, 1), side="right"))
        if lo >= hi:
            continue
        rows = zip(
            segment.other[lo:hi].tolist(),
            segment.start[lo:hi].tolist(),
            segment.duration[lo:hi].tolist(),
            segment.distance[lo:hi].tolist(),
            strict=True,
        )
        for other, began, duration, distance in rows:
            close = distance <= rule.proximity_max_m or (min_duration is not None and duration >= min_duration)
            if close and began < end and began + max(duration, 1) > start:
                out.append((other, PROXIMITY, distance, -duration, max(began, start), -1, 0, duration, distance))


def _household_candidates(index: TraceIndex, person: int, start: int, out: list):
    household = int(index.household_of[person])
    lo, hi = int(index.household_offsets[household]), int(index.household_offsets[household + 1])
    for member in index.household_members[lo:hi].tolist():
        if member != person:
            out.append((member, HOUSEHOLD, 0.0, 0, start, -1, 0, 0, _NAN))


def _f1_links(candidates: list, person: int) -> tuple[Links, np.ndarray]:
    """The strongest candidate per person (the batched tracer's order of preference, first wins ties) and each
    one's earliest exposure."""
    best: dict[int, tuple] = {}
    earliest: dict[int, int] = {}
    for candidate in candidates:
        other = candidate[0]
        found = best.get(other)
        if found is None:
            best[other] = candidate
            earliest[other] = candidate[4]
        else:
            if candidate[1:5] < found[1:5]:
                best[other] = candidate
            if candidate[4] < earliest[other]:
                earliest[other] = candidate[4]
    winners = [best[other] for other in sorted(best)]
    n = len(winners)
    columns = list(zip(*winners, strict=True)) if winners else [()] * 9
    links = Links(
        group=np.zeros(n, np.int64),
        through=np.full(n, person, np.int32),
        other=np.array(columns[0], np.int32),
        via=np.array(columns[1], np.int8),
        ts=np.array(columns[4], np.int64),
        venue=np.array(columns[5], np.int32),
        overlap=np.array(columns[6], np.int64),
        duration=np.array(columns[7], np.int64),
        distance=np.array(columns[8], np.float32),
    )
    return links, np.array([earliest[other] for other in sorted(best)], np.int64)


def _points(visits: list, candidates: list) -> Points:
    spans: dict[int, list[int]] = {}
    for venue, first, last in visits:
        span = spans.get(venue)
        if span is None:
            spans[venue] = [first, last]
        else:
            span[0] = min(span[0], first)
            span[1] = max(span[1], last)
    exposed: dict[int, set[int]] = {}
    for candidate in candidates:
        if candidate[1] == VENUE:
            exposed.setdefault(candidate[5], set()).add(candidate[0])
    ordered = sorted(spans.items(), key=lambda item: (item[1][0], item[0]))
    n = len(ordered)
    return Points(
        group=np.zeros(n, np.int64),
        venue=np.array([v for v, _ in ordered], np.int64),
        first=np.array([s[0] for _, s in ordered], np.int64),
        last=np.array([s[1] for _, s in ordered], np.int64),
        exposed=np.array([len(exposed.get(v, ())) for v, _ in ordered], np.int64),
    )


def trace_row(
    index: TraceIndex, row: int, rule: TracingRule, *, f2: bool = True, points: bool = True, as_of: int | None = None
) -> BatchTrace:
    """One case's BatchTrace, equal to `trace_rows(index, [row], rule, …)`."""
    started = time.perf_counter()
    cases = index.cases
    rows = np.array([row], np.int64)
    person = int(cases.person[row])
    window_start, window_end = infectious_window(cases.sample[rows], cases.onset[rows], cases.confirmed[rows], rule)
    if as_of is not None:
        window_end = np.minimum(window_end, as_of)
    start, end = int(window_start[0]), int(window_end[0])
    candidates: list[tuple] = []
    visits: list[tuple] = []
    _venue_candidates(index, rule, person, start, end, candidates, visits)
    found_points = _points(visits, candidates) if points else None
    _proximity_candidates(index, rule, person, start, end, candidates)
    if rule.household:
        _household_candidates(index, person, start, candidates)
    f1, exposed_at = _f1_links(candidates, person)
    f2_links = second_degree(index, rule, f1, exposed_at, cases.person[rows], window_end) if f2 else None
    return BatchTrace(
        index=index,
        rule=rule,
        rows=rows,
        window_start=window_start,
        window_end=window_end,
        f1=in_risk_order(f1, index.venue_kind, risk_rule()),
        f2=f2_links,
        points=found_points,
        seconds=time.perf_counter() - started,
    )
