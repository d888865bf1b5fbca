"""What a trace is made of: the kinds of link, candidate links and points as arrays, how the strongest link is
chosen, the infectious window, and a batch's traces (`BatchTrace`) with their CONTRACT §3 shape.

Each person appears once per trace, with the strongest link. Links rank household > proximity > venue (living
together beats an encounter, a measured encounter beats a shared place); among encounters the closer, then the
longer, then the earlier wins; among venue co-presences the longer overlap, then the earlier.

Shared by the batched tracer (`tracing.tracer`, `tracing.exposures`) and the one-case fast path (`tracing.single`).
"""

from __future__ import annotations

import contextlib
import functools
import gc
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from rules.tracing import TracingRule
from tracing.index import EPOCH_S, NO_ONSET, TraceIndex, radix_order

VN_OFFSET_S = 7 * 3600  # Asia/Ho_Chi_Minh, no daylight saving
DAY_S = 86400
HOUSEHOLD, PROXIMITY, VENUE = 0, 1, 2
VIA = ("household", "proximity", "venue")


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


def strongest(links: Links, *, earliest: bool = True) -> tuple[Links, np.ndarray | None]:
    """One link per (group, other), the strongest, in (group, other) order; and each one's earliest exposure over
    all its links (None without `earliest`). The strongest is the pair's first link by (via, closeness, -length,
    ts), ties to the earlier row."""
    if not len(links):
        return links, np.empty(0, np.int64)
    # One stable sort groups the rows by pair, each pair's rows in input order: a radix sort, as the pairs of a trace
    # (its people) need 16 to 32 bits and an F2 pass has tens of thousands of candidates in short runs of people.
    pair = links.group * (int(links.other.max()) + 1) + links.other
    rows = radix_order(pair)
    pair = pair[rows]
    starts = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]])
    del pair
    first_ts = np.minimum.reduceat(links.ts[rows], starts) if earliest else None
    if len(rows) == len(starts):
        return links.take(rows), first_ts
    rank = _rank(links)
    if rank is not None:
        # Each pair's least rank, then its first row of that rank: the rows of a pair are in input order.
        rank = rank[rows]
        tied = np.flatnonzero(rank == np.repeat(np.minimum.reduceat(rank, starts), np.diff(np.r_[starts, len(rows)])))
        return links.take(rows[tied[np.searchsorted(tied, starts)]]), first_ts
    pair_of = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(rows)]))

    def least(value: np.ndarray) -> np.ndarray:
        """Keeps each pair's rows whose value is the pair's least."""
        nonlocal rows, pair_of, starts
        tied = value == np.minimum.reduceat(value, starts)[pair_of]
        rows, pair_of = rows[tied], pair_of[tied]
        starts = np.flatnonzero(np.r_[True, pair_of[1:] != pair_of[:-1]])
        return tied

    # Key by key each pair keeps only its rows equal to its least value of the key: what survives all four is the
    # lexsort's first rows of the pair, the first of them in input order settles full ties. After the kind, only
    # proximity rows differ in closeness (the others count 0) and take their length from the duration.
    via = links.via[rows]
    via = via[least(via)]
    if len(rows) > len(starts):
        proximity = via == PROXIMITY
        closeness = np.zeros(len(rows), np.int64)
        closeness[proximity] = _ordered_bits(links.distance[rows[proximity]].astype(np.float64))
        proximity = proximity[least(closeness)]
        if len(rows) > len(starts):
            length = links.overlap[rows]
            length[proximity] = links.duration[rows[proximity]]
            np.negative(length, out=length)
            least(length)
            if len(rows) > len(starts):
                least(links.ts[rows])
    return links.take(rows[starts]), first_ts


def _rank(links: Links) -> np.ndarray | None:
    """(via, closeness, -length, ts) packed into one int64 that orders as the four keys do, when they fit in 63 bits
    (closeness as the rank of the distance among the proximity links'; length and time from their least); else
    None."""
    proximity = links.via == PROXIMITY
    length = np.where(proximity, links.duration, links.overlap)
    longest = int(length.max())
    length = np.subtract(longest, length, out=length)
    length_bits = int(length.max()).bit_length()
    ts = links.ts - int(links.ts.min())
    ts_bits = int(ts.max()).bit_length()
    closeness_bits = 0
    if proximity.any():
        distinct, closeness = np.unique(
            _ordered_bits(links.distance[proximity].astype(np.float64)), return_inverse=True
        )
        closeness_bits = (len(distinct) - 1).bit_length()
    if 2 + closeness_bits + length_bits + ts_bits > 63:
        return None
    rank = links.via.astype(np.int64) << (closeness_bits + length_bits + ts_bits)
    if closeness_bits:
        rank[proximity] |= closeness.astype(np.int64) << (length_bits + ts_bits)
    length <<= ts_bits
    rank |= length
    rank |= ts
    return rank


def _ordered_bits(values: np.ndarray) -> np.ndarray:
    """float64 as int64 that sort the way NumPy sorts the floats: -0.0 equal to 0.0, every NaN equal and last."""
    values = np.where(np.isnan(values), np.nan, values + 0.0)
    bits = values.view(np.int64)
    return np.where(bits < 0, bits ^ np.int64(0x7FFFFFFFFFFFFFFF), bits)


def ordered_for_output(links: Links) -> Links:
    """By case, then strongest kind first, then time, then person."""
    if not len(links):
        return links
    ts = links.ts - links.ts.min()
    ts_bits, group_bits = int(ts.max()).bit_length(), int(links.group.max()).bit_length()
    by_pair = (np.diff(links.group) > 0) | ((np.diff(links.group) == 0) & (np.diff(links.other) >= 0))
    if links.group.min() < 0 or group_bits + 2 + ts_bits > 62 or not by_pair.all():
        return links.take(np.lexsort((links.other, links.ts, links.via, links.group)))
    # Rows already by (case, person), as `strongest` gives them, keep that order among equal (case, kind, time) in a
    # stable sort: one packed key sorts instead of a four-key lexsort, by radix (a trace's key has 20 to 30 bits).
    key = links.group << (2 + ts_bits) | links.via.astype(np.int64) << ts_bits | ts
    return links.take(radix_order(key))


@dataclass
class BatchTrace:
    """The traces of a batch of cases, as arrays; `results()` gives the CONTRACT §3 dicts."""

    index: TraceIndex
    rule: TracingRule
    rows: np.ndarray  # rows of index.cases
    window_start: np.ndarray
    window_end: np.ndarray
    f1: Links  # by case, each case's in risk order (tracing.risk)
    f2: Links | None
    points: Points | None
    seconds: float

    def results(self) -> list[dict]:
        with _no_collection():
            return self._results()

    def _results(self) -> list[dict]:
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


@contextlib.contextmanager
def _no_collection() -> Iterator[None]:
    """The cyclic garbage collector paused: a long F2 list makes tens of thousands of dicts of numbers and strings,
    which can form no cycle, yet each 700 of them set off a collection (a third of the time it takes to build them).
    Resumed after, unless it was off before (e.g. another thread building results at the same time)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@functools.cache
def _times_of_day() -> np.ndarray:
    """The code points of "THH:MM:SS+07:00" for every second of a day: 86,400 rows of 15 (built once, about 5 MB)."""
    text = [f"T{h:02d}:{m:02d}:{s:02d}+07:00" for h in range(24) for m in range(60) for s in range(60)]
    return np.array(text, dtype="<U15").view(np.uint32).reshape(-1, 15)


def _iso(seconds: np.ndarray) -> list[str]:
    """ISO 8601 in Viet Nam's time with its offset, e.g. 2021-08-02T09:10:00+07:00."""
    local = np.asarray(seconds, np.int64) + (EPOCH_S + VN_OFFSET_S)
    if not len(local):
        return []
    # The strings are laid out as code points of a fixed-width array, each day's text formatted once and each time of
    # day taken from a table, so that the only per-value Python work is `tolist` making the str: a long F2 list has
    # tens of thousands, over a few days.
    day, second = np.divmod(local, DAY_S)
    first = int(day.min())
    if int(day.max()) - first < len(local):
        day_of = np.arange(first, int(day.max()) + 1)
        which = day - first
    else:
        day_of, which = np.unique(day, return_inverse=True)
    day_text = np.datetime_as_string(day_of.astype("datetime64[D]")).astype("<U10").view(np.uint32).reshape(-1, 10)
    out = np.empty((len(local), 25), np.uint32)
    out[:, :10] = day_text[which]
    out[:, 10:] = _times_of_day()[second]
    return out.view("<U25").ravel().tolist()


_FEW_RUNS = 16  # a list with more runs of one kind (a batch's) is built row by row


def _entries(links: Links, people_ids: np.ndarray, venue_ids: np.ndarray, *, through: bool) -> list[dict]:
    """Each link as its JSON object, in the links' order."""
    if not len(links):
        return []
    cuts = np.flatnonzero(links.via[1:] != links.via[:-1]) + 1
    if len(cuts) >= _FEW_RUNS:
        return _entries_by_row(links, people_ids, venue_ids, through=through)
    # One trace's links come by kind (household, proximity, venue): each run is built by a comprehension over only
    # the columns its kind shows. Building the dicts is the cost that matters for long F2 lists.
    out: list[dict] = []
    for a, b in zip([0, *cuts.tolist()], [*cuts.tolist(), len(links)], strict=True):
        part = links.take(np.arange(a, b))
        person = people_ids[part.other].tolist()
        source = people_ids[part.through].tolist() if through else None
        kind = int(part.via[0])
        if kind == VENUE:
            venue, ts, overlap = venue_ids[part.venue].tolist(), _iso(part.ts), part.overlap.tolist()
            if through:
                out += [
                    {"person_id": p, "via": "venue", "through": s, "venue_id": v, "ts": t, "overlap_s": o}
                    for p, s, v, t, o in zip(person, source, venue, ts, overlap, strict=True)
                ]
            else:
                out += [
                    {"person_id": p, "via": "venue", "venue_id": v, "ts": t, "overlap_s": o}
                    for p, v, t, o in zip(person, venue, ts, overlap, strict=True)
                ]
        elif kind == PROXIMITY:
            ts, duration = _iso(part.ts), part.duration.tolist()
            distance = np.round(part.distance.astype(np.float64), 2).tolist()
            if through:
                out += [
                    {"person_id": p, "via": "proximity", "through": s, "ts": t, "duration_s": d, "distance_m": m}
                    for p, s, t, d, m in zip(person, source, ts, duration, distance, strict=True)
                ]
            else:
                out += [
                    {"person_id": p, "via": "proximity", "ts": t, "duration_s": d, "distance_m": m}
                    for p, t, d, m in zip(person, ts, duration, distance, strict=True)
                ]
        elif through:
            out += [{"person_id": p, "via": "household", "through": s} for p, s in zip(person, source, strict=True)]
        else:
            out += [{"person_id": p, "via": "household"} for p in person]
    return out


def _entries_by_row(links: Links, people_ids: np.ndarray, venue_ids: np.ndarray, *, through: bool) -> list[dict]:
    """The same as `_entries`, one comprehension over all the columns: for lists of many short runs."""
    person = people_ids[links.other].tolist()
    via = links.via.tolist()
    ts = _iso(links.ts)
    venue = venue_ids[np.maximum(links.venue, 0)].tolist()
    overlap, duration = links.overlap.tolist(), links.duration.tolist()
    distance = np.round(links.distance.astype(np.float64), 2).tolist()
    if through:
        source = people_ids[links.through].tolist()
        return [
            {"person_id": p, "via": "venue", "through": s, "venue_id": v, "ts": t, "overlap_s": o}
            if k == VENUE
            else {"person_id": p, "via": "proximity", "through": s, "ts": t, "duration_s": d, "distance_m": m}
            if k == PROXIMITY
            else {"person_id": p, "via": "household", "through": s}
            for p, k, s, v, t, o, d, m in zip(person, via, source, venue, ts, overlap, duration, distance, strict=True)
        ]
    return [
        {"person_id": p, "via": "venue", "venue_id": v, "ts": t, "overlap_s": o}
        if k == VENUE
        else {"person_id": p, "via": "proximity", "ts": t, "duration_s": d, "distance_m": m}
        if k == PROXIMITY
        else {"person_id": p, "via": "household"}
        for p, k, v, t, o, d, m in zip(person, via, venue, ts, overlap, duration, distance, strict=True)
    ]


def _point_entries(points: Points, venue_ids: np.ndarray) -> list[dict]:
    venue = venue_ids[points.venue].tolist()
    first, last, exposed = _iso(points.first), _iso(points.last), points.exposed.tolist()
    return [
        {"venue_id": venue[i], "first_ts": first[i], "last_ts": last[i], "people_exposed": exposed[i]}
        for i in range(len(venue))
    ]
