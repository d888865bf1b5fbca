"""Tracing a confirmed case (F0): infectious window, F1, F2 and epidemiological points (CONTRACT §3).

All cases of a batch are traced together, vectorised over NumPy arrays: one case is a batch of one.

Each person appears once per trace, with the strongest link. Links rank household > proximity >
venue (living together beats an encounter, a measured encounter beats a shared place); among
encounters the closer, then the longer, then the earlier wins; among venue co-presences the longer
overlap, then the earlier. The F1s are never F2s, and the case itself is neither.

F2: the close contacts of each F1, under the same rules, from that F1's first exposure to the case
(the earliest of all its links; for a household member, the start of the case's window) until it is
quarantined, taken as the case's confirmation.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

import numpy as np

from rules.tracing import TracingRule, tracing_rule_in_force
from tracing.index import BIAS, EPOCH_S, NO_ONSET, TraceIndex, expand_ranges

VN_OFFSET_S = 7 * 3600  # Asia/Ho_Chi_Minh, no daylight saving
DAY_S = 86400
HOUSEHOLD, PROXIMITY, VENUE = 0, 1, 2
VIA = ("household", "proximity", "venue")


class NotACase(LookupError):
    """The person is not a confirmed case (at that time)."""


@dataclass
class Links:
    """Candidate links, one row each: in traced case `group`, person `other` reached through `through`."""

    group: np.ndarray  # int64: which case of the batch
    through: np.ndarray  # int32 dense person the link comes from (the F0, or an F1 for F2)
    other: np.ndarray  # int32 dense person reached
    via: np.ndarray  # int8: HOUSEHOLD, PROXIMITY or VENUE
    ts: np.ndarray  # int64: when the contact began (window start for household)
    venue: np.ndarray  # int32 dense venue, -1
    overlap: np.ndarray  # int64 seconds of shared presence (venue)
    duration: np.ndarray  # int64 seconds (proximity)
    distance: np.ndarray  # float32 metres (proximity), nan otherwise

    @classmethod
    def concat(cls, parts: list[Links]) -> Links:
        return cls(*(np.concatenate([getattr(p, f) for p in parts]) for f in cls.__dataclass_fields__))

    def take(self, rows: np.ndarray) -> Links:
        return Links(*(getattr(self, f)[rows] for f in self.__dataclass_fields__))

    def __len__(self) -> int:
        return len(self.group)


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


@dataclass
class Points:
    """The venues each case visited inside its window: one row per (group, venue)."""

    group: np.ndarray
    venue: np.ndarray
    first: np.ndarray
    last: np.ndarray
    exposed: np.ndarray


def infectious_window(sample: np.ndarray, onset: np.ndarray, confirmed: np.ndarray, rule: TracingRule):
    """From the start of the local day `days_before` days before onset (or, without symptoms, before
    the sample) until confirmation; int64 seconds since EPOCH_S."""
    anchor = np.where(onset != NO_ONSET, np.minimum(onset, sample), sample).astype(np.int64)
    local_day = (anchor + EPOCH_S + VN_OFFSET_S) // DAY_S
    start = (local_day - rule.days_before) * DAY_S - VN_OFFSET_S - EPOCH_S
    return start, confirmed.astype(np.int64)


def _venue_links(index: TraceIndex, rule: TracingRule, group, person, start, end, want_points: bool):
    """Co-presences at venues of each source (person, [start, end)); and the sources' points."""
    arrays = index.rule_arrays(rule)
    parts: list[Links] = []
    visits = []  # (group, venue, from, to) of the sources' own presences
    for segment in index.checkins:
        lo, hi = segment.person_offsets[person], segment.person_offsets[person + 1]
        positions, source = expand_ranges(lo, hi)
        if not len(positions):
            continue
        rows = segment.by_person[positions]
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
        for others in index.checkins:
            # Others at the venue arrived before we left, and no earlier than one dwell time before we came.
            lo2 = np.searchsorted(others.venue_key, base | np.maximum(seen_from - dwell + BIAS, 0))
            hi2 = np.searchsorted(others.venue_key, base | (seen_to + BIAS))
            candidates, presence = expand_ranges(lo2, hi2)
            if not len(candidates):
                continue
            their_arrival = (others.venue_key[candidates] & 0xFFFFFFFF) - BIAS
            their_leave = np.minimum(their_arrival + dwell[presence], others.exit_end[candidates])
            began = np.maximum(their_arrival, seen_from[presence])
            overlap = np.minimum(their_leave, seen_to[presence]) - began
            who = others.person[candidates]
            src = source[presence]
            keep = (overlap > 0) & (overlap >= rule.venue_min_overlap_s) & (who != person[src])
            parts.append(
                _links(
                    group[src][keep],
                    person[src][keep],
                    who[keep],
                    VENUE,
                    began[keep],
                    venue=venue[presence][keep],
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


WINDOWED_SOURCES = 4096  # up to this many sources, each one's encounters are cut to its window first
_LONG_SLICE = 16  # shorter slices are not worth two searchsorted calls


def _encounters_in_windows(segment, lo: np.ndarray, hi: np.ndarray, start: np.ndarray, end: np.ndarray):
    """Each source's encounter range narrowed to those that may reach its window: a heavy app user has thousands
    of encounters over the months, tens in a window. Only drops encounters the window test would reject."""
    lo, hi = lo.copy(), hi.copy()
    reach = max(segment.longest, 1)
    long_ones = np.flatnonzero(hi - lo > _LONG_SLICE)
    for i, a, b, s, e in zip(
        long_ones.tolist(),
        lo[long_ones].tolist(),
        hi[long_ones].tolist(),
        start[long_ones].tolist(),
        end[long_ones].tolist(),
        strict=True,
    ):
        starts = segment.start[a:b]
        hi[i] = a + int(np.searchsorted(starts, e))
        lo[i] = min(a + int(np.searchsorted(starts, s - reach, side="right")), hi[i])
    return lo, hi


def _proximity_links(index: TraceIndex, rule: TracingRule, group, person, start, end) -> list[Links]:
    parts = []
    for segment in index.contacts:
        lo, hi = segment.offsets[person], segment.offsets[person + 1]
        if len(person) <= WINDOWED_SOURCES:
            lo, hi = _encounters_in_windows(segment, lo, hi, start, end)
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


def _household_links(index: TraceIndex, group, person, start) -> list[Links]:
    household = index.household_of[person]
    positions, source = expand_ranges(index.household_offsets[household], index.household_offsets[household + 1])
    member = index.household_members[positions]
    keep = member != person[source]
    src = source[keep]
    return [_links(group[src], person[src], member[keep], HOUSEHOLD, start[src])]


def _exposures(index: TraceIndex, rule: TracingRule, group, person, start, end, want_points: bool):
    """Every candidate link of every source (person, [start, end)), and the sources' points."""
    parts, points = _venue_links(index, rule, group, person, start, end, want_points)
    parts += _proximity_links(index, rule, group, person, start, end)
    if rule.household:
        parts += _household_links(index, group, person, start)
    if not parts:
        empty = np.empty(0, np.int64)
        return _links(empty, empty, empty, HOUSEHOLD, empty), points
    return Links.concat(parts), points


def _strongest(links: Links) -> tuple[Links, np.ndarray]:
    """One link per (group, other), the strongest; and each one's earliest exposure over all its links."""
    if not len(links):
        return links, np.empty(0, np.int64)
    closeness = np.where(links.via == PROXIMITY, links.distance, 0).astype(np.float64)
    length = np.where(links.via == PROXIMITY, links.duration, links.overlap)
    order = np.lexsort((links.ts, -length, closeness, links.via, links.other, links.group))
    links = links.take(order)
    pair = links.group << 32 | links.other.astype(np.int64)
    starts = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]])
    earliest = np.minimum.reduceat(links.ts, starts)
    return links.take(starts), earliest


def _without(links: Links, group: np.ndarray, other: np.ndarray) -> Links:
    """The links whose (group, other) is not among the given pairs."""
    pair = links.group << 32 | links.other.astype(np.int64)
    return links.take(~np.isin(pair, group.astype(np.int64) << 32 | other.astype(np.int64)))


@dataclass
class BatchTrace:
    """The traces of a batch of cases, as arrays; `results()` gives the CONTRACT §3 dicts."""

    index: TraceIndex
    rule: TracingRule
    rows: np.ndarray  # rows of index.cases
    window_start: np.ndarray
    window_end: np.ndarray
    f1: Links
    f2: Links | None
    points: Points | None
    seconds: float

    def results(self) -> list[dict]:
        people_ids, venue_ids = self.index.people.ids, self.index.venues.ids
        n = len(self.rows)
        elapsed_ms = round(self.seconds * 1000 / max(n, 1), 3)
        f1_at = np.searchsorted(self.f1.group, np.arange(n + 1))
        f1 = _entries(self.f1, people_ids, venue_ids, through=False)
        if self.f2 is not None:
            f2_at = np.searchsorted(self.f2.group, np.arange(n + 1))
            f2 = _entries(self.f2, people_ids, venue_ids, through=True)
        if self.points is not None:
            points_at = np.searchsorted(self.points.group, np.arange(n + 1))
            points = _point_entries(self.points, venue_ids)
        starts, ends = _iso(self.window_start), _iso(self.window_end)
        confirmed = _iso(self.index.cases.confirmed[self.rows])
        out = []
        for i, row in enumerate(self.rows):
            out.append(
                {
                    "case": int(self.index.cases.person_id[row]),
                    "confirmed_ts": confirmed[i],
                    "window": {"start": starts[i], "end": ends[i]},
                    "rule_version": self.rule.name,
                    "f1": f1[f1_at[i] : f1_at[i + 1]],
                    "f2": f2[f2_at[i] : f2_at[i + 1]] if self.f2 is not None else [],
                    "points": points[points_at[i] : points_at[i + 1]] if self.points is not None else [],
                    "elapsed_ms": elapsed_ms,
                }
            )
        return out


def _iso(seconds: np.ndarray) -> list[str]:
    """ISO 8601 in Viet Nam's time with its offset, e.g. 2021-08-02T09:10:00+07:00."""
    local = (np.asarray(seconds, np.int64) + EPOCH_S + VN_OFFSET_S).astype("datetime64[s]")
    return [s + "+07:00" for s in np.datetime_as_string(local, unit="s").tolist()]


def _entries(links: Links, people_ids: np.ndarray, venue_ids: np.ndarray, *, through: bool) -> list[dict]:
    """Each link as its JSON object, in the links' order."""
    person = people_ids[links.other].tolist()
    via = links.via.tolist()
    ts = _iso(links.ts)
    venue = venue_ids[np.maximum(links.venue, 0)].tolist()
    overlap, duration = links.overlap.tolist(), links.duration.tolist()
    distance = np.round(links.distance.astype(np.float64), 2).tolist()
    source = people_ids[links.through].tolist() if through else None
    out = []
    append = out.append
    # One literal per shape: building each dict in one go is the cost that matters for long F2 lists.
    for i, kind in enumerate(via):
        if through:
            if kind == VENUE:
                append(
                    {
                        "person_id": person[i],
                        "via": "venue",
                        "through": source[i],
                        "venue_id": venue[i],
                        "ts": ts[i],
                        "overlap_s": overlap[i],
                    }
                )
            elif kind == PROXIMITY:
                append(
                    {
                        "person_id": person[i],
                        "via": "proximity",
                        "through": source[i],
                        "ts": ts[i],
                        "duration_s": duration[i],
                        "distance_m": distance[i],
                    }
                )
            else:
                append({"person_id": person[i], "via": "household", "through": source[i]})
        elif kind == VENUE:
            append({"person_id": person[i], "via": "venue", "venue_id": venue[i], "ts": ts[i], "overlap_s": overlap[i]})
        elif kind == PROXIMITY:
            append(
                {
                    "person_id": person[i],
                    "via": "proximity",
                    "ts": ts[i],
                    "duration_s": duration[i],
                    "distance_m": distance[i],
                }
            )
        else:
            append({"person_id": person[i], "via": "household"})
    return out


def _point_entries(points: Points, venue_ids: np.ndarray) -> list[dict]:
    venue = venue_ids[points.venue].tolist()
    first, last, exposed = _iso(points.first), _iso(points.last), points.exposed.tolist()
    return [
        {"venue_id": venue[i], "first_ts": first[i], "last_ts": last[i], "people_exposed": exposed[i]}
        for i in range(len(venue))
    ]


def _ordered_for_output(links: Links) -> Links:
    """By case, then strongest kind first, then time, then person."""
    return links.take(np.lexsort((links.other, links.ts, links.via, links.group)))


def trace_rows(
    index: TraceIndex,
    rows: np.ndarray,
    rule: TracingRule,
    *,
    f2: bool = True,
    points: bool = True,
    as_of: int | None = None,
) -> BatchTrace:
    """Traces the cases at `rows` of `index.cases` together, all under `rule`."""
    started = time.perf_counter()
    rows = np.asarray(rows, np.int64)
    cases = index.cases
    person = cases.person[rows]
    window_start, window_end = infectious_window(cases.sample[rows], cases.onset[rows], cases.confirmed[rows], rule)
    if as_of is not None:
        window_end = np.minimum(window_end, as_of)
    group = np.arange(len(rows), dtype=np.int64)
    links, found_points = _exposures(index, rule, group, person, window_start, window_end, points)
    links = links.take(links.other != person[links.group])
    f1, exposed_at = _strongest(links)
    f2_links = None
    if f2:
        # Each F1, from its first exposure until quarantine (the case's confirmation).
        until = window_end[f1.group]
        active = exposed_at < until
        links2, _ = _exposures(
            index, rule, f1.group[active], f1.other[active], exposed_at[active], until[active], False
        )
        links2 = links2.take(links2.other != person[links2.group])
        links2 = _without(links2, f1.group, f1.other)
        f2_links, _ = _strongest(links2)
        f2_links = _ordered_for_output(f2_links)
    return BatchTrace(
        index=index,
        rule=rule,
        rows=rows,
        window_start=window_start,
        window_end=window_end,
        f1=_ordered_for_output(f1),
        f2=f2_links,
        points=found_points,
        seconds=time.perf_counter() - started,
    )


def _local_day(seconds: int) -> dt.date:
    return dt.datetime.fromtimestamp(int(seconds) + EPOCH_S + VN_OFFSET_S, dt.UTC).date()


def rule_for(index: TraceIndex, row: int) -> TracingRule:
    """The version in force on the case's confirmation day (Viet Nam time)."""
    return tracing_rule_in_force(_local_day(index.cases.confirmed[row]))


def case_row(index: TraceIndex, case: int, as_of: int | None = None) -> int:
    """The row of a confirmed case; NotACase if the person is not one (or not yet at `as_of`)."""
    row = int(index.cases.find(np.array([case]))[0])
    if row < 0:
        raise NotACase(f"person {case} is not a confirmed case")
    if as_of is not None and index.cases.confirmed[row] > as_of:
        raise NotACase(f"person {case} was not yet a confirmed case at that time")
    return row


def trace(
    index: TraceIndex,
    case: int,
    rule: TracingRule | None = None,
    *,
    as_of: dt.datetime | None = None,
    f2: bool = True,
    points: bool = True,
) -> dict:
    """The trace of one confirmed case (person id), in the CONTRACT §3 shape.

    `rule` defaults to the version in force on the confirmation day; `as_of` traces as at that
    instant (the case must have been confirmed by then). NotACase when the person is not a case.
    """
    from tracing.single import trace_row  # one case: the plain-Python fast path, same result as trace_rows

    started = time.perf_counter()
    as_of_s = None if as_of is None else int(as_of.timestamp()) - EPOCH_S
    row = case_row(index, case, as_of_s)
    rule = rule or rule_for(index, row)
    result = trace_row(index, row, rule, f2=f2, points=points, as_of=as_of_s).results()[0]
    result["elapsed_ms"] = round((time.perf_counter() - started) * 1000, 3)
    return result


def trace_many(index: TraceIndex, cases: list[int] | np.ndarray, *, f2: bool = True, points: bool = True) -> list[dict]:
    """The traces of many cases at once (e.g. all confirmed on one day), in the order given.

    Much faster than one by one: the whole batch is one pass over the arrays per rule version.
    Each result's elapsed_ms is its share of the batch's time. NotACase if any is not a case.
    """
    rows = index.cases.find(np.asarray(cases, np.int64))
    if (rows < 0).any():
        raise NotACase(f"person {np.asarray(cases)[rows < 0][0]} is not a confirmed case")
    by_rule: dict[str, list[int]] = {}
    rules = {}
    for i, row in enumerate(rows.tolist()):
        rule = rule_for(index, row)
        rules[rule.name] = rule
        by_rule.setdefault(rule.name, []).append(i)
    out: list[dict | None] = [None] * len(rows)
    for name, positions in by_rule.items():
        batch = trace_rows(index, rows[positions], rules[name], f2=f2, points=points)
        for position, result in zip(positions, batch.results(), strict=True):
            out[position] = result
    return out  # type: ignore[return-value]


def cases_confirmed_on(index: TraceIndex, day: dt.date) -> np.ndarray:
    """Person ids of the cases confirmed on a local day (Viet Nam time)."""
    local_day = (index.cases.confirmed.astype(np.int64) + EPOCH_S + VN_OFFSET_S) // DAY_S
    target = (dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp()) // DAY_S
    return index.cases.person_id[local_day == target]
