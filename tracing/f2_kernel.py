"""The F2 pass compiled (Numba): each case's F2, the close contacts of its F1s, found and reduced to the strongest
link per person in one loop over the index, case by case.

The NumPy pass (`tracing.exposures`, still used for F1 and the watch list) lays every candidate link out as arrays
and then sorts them to keep each person's strongest: on a community case with about 300 F1s that is some 35,000
candidates for 7,000 to 12,000 F2s, and the sorting and the dozens of temporary arrays were most of the trace. Here
each candidate is looked at once, as it is found, against the best link so far of that person (a per-person slot,
valid for the case being traced: a generation stamp instead of clearing millions of entries per case).

The result is the NumPy pass's exactly: candidates are met in the same order (venue check-ins segment by segment,
then encounters, then households; each F1's presences in row order), a candidate replaces the best so far only when
strictly stronger (household > proximity > venue; closer, longer, earlier: `tracing.links.strongest`), so a tie goes
to the earlier one, and the output is in `ordered_for_output`'s order. tests/tracing/test_f2_kernel.py checks both
on random indexes and on both scenario shapes.
"""

from __future__ import annotations

import queue

import numba
import numpy as np
from numba import njit
from numba.typed import List

from tracing.index import BIAS

_HOUSEHOLD, _PROXIMITY, _VENUE = 0, 1, 2
_LOW = 0xFFFFFFFF
# A venue rank packs its overlap in 29 bits (6 years): an overlap is at most a dwell time, which the rule file keeps
# within a day (rules/tracing.py MAX_DWELL_S).
MAX_OVERLAP = (1 << 29) - 1


@njit(cache=True, nogil=True)
def _closer(a: float, b: float) -> int:
    """-1 when distance a is closer than b, 1 when farther, 0 when equal (NaN farthest, NaNs equal)."""
    if np.isnan(a):
        return 0 if np.isnan(b) else 1
    if np.isnan(b) or a < b:
        return -1
    return 1 if a > b else 0


@njit(cache=True, nogil=True)
def _slot(mark, who, generation, w):
    """The person's slot among the case's winners, the count of slots after it, and whether it is new (then the caller
    fills it); slot -1 when the person cannot be an F2 of the case (the case, one of its F1s)."""
    m = mark[who]
    if m >> 32 == generation:
        return (m & _LOW) - 1, w, False
    mark[who] = (generation << 32) | (w + 1)
    return w, w + 1, True


@njit(cache=True, nogil=True)
def second_degree_pass(
    # the sources, by case: the F1s exposed before the case's confirmation, with their spans
    n_groups,
    group_case,  # int32 per group: the case (dense person)
    f1_at,  # int64 n_groups + 1: each group's rows of f1_other
    f1_other,  # int32: all F1s of each group (none is an F2)
    source_at,  # int64 n_groups + 1: each group's rows of the sources
    source_person,
    source_start,
    source_end,
    # the index: typed lists, one array per check-in segment
    venue_keys,
    exit_ends,
    presence_people,
    by_persons,
    person_offsets,
    venue_starts,
    # one array per encounter segment (reach: int64 per segment)
    contact_others,
    contact_starts,
    contact_durations,
    contact_distances,
    contact_offsets,
    contact_reach,
    household_members,
    household_offsets,
    household_of,
    # the rule
    dwell,  # int64 per venue
    counted,  # bool per venue
    longest_stay,
    least_overlap,
    proximity_max_m,
    proximity_min_duration,  # -1 when the rule has none
    household,
    # scratch, kept between calls (`Scratch`)
    mark,  # int64 per person: generation << 32 | slot + 1 (0: not an F2 of this case)
    w_through,  # int32 per slot: one case's winners so far
    w_other,
    w_via,  # int8
    w_ts,  # int64
    w_venue,  # int32
    w_overlap,  # int64
    w_duration,  # int64
    w_distance,  # float32
    w_rank,  # int64: for a venue winner (-overlap, time) packed, lower is stronger; below any venue's otherwise
    generation,
):
    out = _grown(_EMPTY_OUTPUT, 1024)  # the F2 of all cases: group, through, other, via, ts, venue, … as in Links
    n = 0
    n_segments = len(venue_keys)
    winners = (w_through, w_other, w_via, w_ts, w_venue, w_overlap, w_duration, w_distance)
    for g in range(n_groups):
        generation += 1
        case_mark = generation << 32
        mark[group_case[g]] = case_mark
        for i in range(f1_at[g], f1_at[g + 1]):
            mark[f1_other[i]] = case_mark
        w = 0  # winners of this case so far
        # Venues first, then encounters, then households: the order the NumPy pass lays candidates out in.
        for si in range(n_segments):
            keys, exits = venue_keys[si], exit_ends[si]
            for oi in range(n_segments):
                others_keys, others_exits, others_people = venue_keys[oi], exit_ends[oi], presence_people[oi]
                starts_of = venue_starts[oi]
                for s in range(source_at[g], source_at[g + 1]):
                    person, start, end = source_person[s], source_start[s], source_end[s]
                    for r in _presences(by_persons[si], person_offsets[si], keys, person, start, end, longest_stay):
                        venue = keys[r] >> 32
                        arrival = (keys[r] & _LOW) - BIAS
                        seen_from = max(arrival, start)
                        seen_to = min(arrival + dwell[venue], np.int64(exits[r]), end)
                        if seen_to <= seen_from or not counted[venue]:
                            continue
                        d = dwell[venue]
                        base = venue << 32
                        # Searched within the venue's rows only: thousands instead of millions, and mostly in cache
                        # from the F1s before (the F1s of a case were at its places).
                        first, past = starts_of[venue], starts_of[venue + 1]
                        lo = _first_at_least(others_keys, first, past, base | max(seen_from - d + BIAS, 0))
                        hi = _first_at_least(others_keys, lo, past, base | (seen_to + BIAS))
                        for c in range(lo, hi):
                            their_arrival = (others_keys[c] & _LOW) - BIAS
                            began = max(their_arrival, seen_from)
                            overlap = min(their_arrival + d, np.int64(others_exits[c]), seen_to) - began
                            who = others_people[c]
                            if overlap < least_overlap or who == person:
                                continue
                            rank = (np.int64(_VENUE) << 61) | ((MAX_OVERLAP - overlap) << 32) | (began + BIAS)
                            k, w, fresh = _slot(mark, who, generation, w)
                            if k < 0 or (not fresh and w_rank[k] <= rank):
                                continue
                            w_other[k], w_through[k], w_via[k], w_ts[k], w_venue[k] = who, person, _VENUE, began, venue
                            w_overlap[k], w_duration[k], w_distance[k], w_rank[k] = overlap, 0, np.nan, rank
        for si in range(len(contact_others)):
            starts, others = contact_starts[si], contact_others[si]
            durations, distances = contact_durations[si], contact_distances[si]
            for s in range(source_at[g], source_at[g + 1]):
                person, start, end = source_person[s], source_start[s], source_end[s]
                lo, hi = contact_offsets[si][person], contact_offsets[si][person + 1]
                # Only encounters that began before the span's end and late enough to reach into it.
                hi = _first_at_least(starts, lo, hi, end)
                lo = _first_at_least(starts, lo, hi, start - contact_reach[si] + 1)
                for c in range(lo, hi):
                    began, duration, distance = np.int64(starts[c]), np.int64(durations[c]), distances[c]
                    close = distance <= proximity_max_m or (
                        proximity_min_duration >= 0 and duration >= proximity_min_duration
                    )
                    if not close or began >= end or began + max(duration, 1) <= start:
                        continue
                    ts = max(began, start)
                    who = others[c]
                    k, w, fresh = _slot(mark, who, generation, w)
                    if k < 0 or (not fresh and w_via[k] < _PROXIMITY):
                        continue
                    if not fresh and w_via[k] == _PROXIMITY:
                        closer = _closer(np.float64(distance), np.float64(w_distance[k]))
                        if closer > 0 or (
                            closer == 0 and (w_duration[k] > duration or (w_duration[k] == duration and w_ts[k] <= ts))
                        ):
                            continue
                    w_other[k], w_through[k], w_via[k], w_ts[k], w_venue[k] = who, person, _PROXIMITY, ts, -1
                    w_overlap[k], w_duration[k], w_distance[k] = 0, duration, distance
                    w_rank[k] = np.int64(_PROXIMITY) << 61
        if household:
            for s in range(source_at[g], source_at[g + 1]):
                person, start = source_person[s], source_start[s]
                h = household_of[person]
                for c in range(household_offsets[h], household_offsets[h + 1]):
                    who = household_members[c]
                    if who == person:
                        continue
                    k, w, fresh = _slot(mark, who, generation, w)
                    # Between two household links only the time can differ: the earlier stays.
                    if k < 0 or (not fresh and w_via[k] == _HOUSEHOLD and w_ts[k] <= start):
                        continue
                    w_other[k], w_through[k], w_via[k], w_ts[k], w_venue[k] = who, person, _HOUSEHOLD, start, -1
                    w_overlap[k], w_duration[k], w_distance[k] = 0, 0, np.nan
                    w_rank[k] = np.int64(_HOUSEHOLD) << 61
        out = _appended(out, n, g, _output_order(w_via, w_ts, w_other, w), winners)
        n += w
    group, through, other, via, ts, venue, overlap, duration, distance = out
    return (group[:n], through[:n], other[:n], via[:n], ts[:n], venue[:n], overlap[:n], duration[:n], distance[:n]), (
        generation
    )


_EMPTY_OUTPUT = (
    *(np.empty(0, dtype) for dtype in (np.int64, np.int32, np.int32, np.int8, np.int64, np.int32, np.int64, np.int64)),
    np.empty(0, np.float32),
)


@njit(cache=True, nogil=True)
def _appended(out, n, g, order, winners):
    """`out` (grown if need be) with the winners at `order` written from row n on, as group g's."""
    if n + len(order) > len(out[0]):
        out = _grown(out, max(n + len(order), 2 * len(out[0])))
    group, through, other, via, ts, venue, overlap, duration, distance = out
    w_through, w_other, w_via, w_ts, w_venue, w_overlap, w_duration, w_distance = winners
    for i, k in enumerate(order):
        j = n + i
        group[j], through[j], other[j], via[j], ts[j] = g, w_through[k], w_other[k], w_via[k], w_ts[k]
        venue[j], overlap[j], duration[j], distance[j] = w_venue[k], w_overlap[k], w_duration[k], w_distance[k]
    return out


@njit(cache=True, nogil=True)
def _grown(out, size):
    group, through, other, via, ts, venue, overlap, duration, distance = out
    return (
        _copied(group, size),
        _copied(through, size),
        _copied(other, size),
        _copied(via, size),
        _copied(ts, size),
        _copied(venue, size),
        _copied(overlap, size),
        _copied(duration, size),
        _copied(distance, size),
    )


@njit(cache=True, nogil=True)
def _copied(array, size):
    bigger = np.empty(size, array.dtype)
    bigger[: len(array)] = array
    return bigger


@njit(cache=True, nogil=True)
def _presences(by_person, person_offsets, venue_key, person, start, end, longest_stay):
    """The rows of a person's presences that may overlap [start, end) (arrived before its end and at most
    `longest_stay` before its start), ascending: `CheckinSegment.presences_during` for one source."""
    lo, hi = person_offsets[person], person_offsets[person + 1]
    first = _first_arrival_at_least(by_person, venue_key, lo, hi, start - longest_stay)
    last = _first_arrival_at_least(by_person, venue_key, first, hi, end)
    rows = by_person[first:last].copy()
    for i in range(1, len(rows)):  # a person's presences in a few days: tens, nearly in order
        row = rows[i]
        j = i - 1
        while j >= 0 and rows[j] > row:
            rows[j + 1] = rows[j]
            j -= 1
        rows[j + 1] = row
    return rows


@njit(cache=True, nogil=True)
def _first_at_least(values, lo, hi, target):
    """The first position in [lo, hi) of ascending `values` whose value is at least `target` (hi if none)."""
    while lo < hi:
        mid = (lo + hi) >> 1
        if values[mid] < target:
            lo = mid + 1
        else:
            hi = mid
    return lo


@njit(cache=True, nogil=True)
def _first_arrival_at_least(by_person, venue_key, lo, hi, target):
    while lo < hi:
        mid = (lo + hi) >> 1
        if (venue_key[by_person[mid]] & _LOW) - BIAS < target:
            lo = mid + 1
        else:
            hi = mid
    return lo


@njit(cache=True, nogil=True)
def _output_order(via, ts, other, w):
    """The slots [0, w) (one case's F2, one per person) by (kind, time, person): `ordered_for_output`'s order."""
    if w == 0:
        return np.empty(0, np.int64)
    tmin = ts[:w].min()
    ts_bits = _bits(ts[:w].max() - tmin)
    other_bits = _bits(np.int64(other[:w].max()))
    key = np.empty(w, np.int64)
    if 2 + ts_bits + other_bits <= 63:
        for i in range(w):
            key[i] = (((np.int64(via[i]) << ts_bits) | (ts[i] - tmin)) << other_bits) | other[i]
        return np.argsort(key, kind="mergesort")  # unique keys: one slot per person
    order = np.argsort(other[:w], kind="mergesort")
    for i in range(w):
        key[i] = (np.int64(via[order[i]]) << ts_bits) | (ts[order[i]] - tmin)
    return order[np.argsort(key, kind="mergesort")]


@njit(cache=True, nogil=True)
def _bits(value):
    bits = 0
    while value > 0:
        bits += 1
        value >>= 1
    return bits


class Scratch:
    """The per-person marks and the winner slots of `second_degree_pass` (about 50 bytes a person, touched only as far
    as one case's F2 reaches), one set per concurrent caller (a server traces from several threads), reused."""

    _pool: queue.SimpleQueue = queue.SimpleQueue()

    def __init__(self, n_people: int) -> None:
        self.n_people = n_people
        self.mark = np.zeros(n_people, np.int64)
        int32, int64 = (
            (np.empty(n_people, np.int32) for _ in range(2)),
            (np.empty(n_people, np.int64) for _ in range(4)),
        )
        self.through, self.other = int32
        self.ts, self.overlap, self.duration, self.rank = int64
        self.via = np.empty(n_people, np.int8)
        self.venue = np.empty(n_people, np.int32)
        self.distance = np.empty(n_people, np.float32)
        self.generation = 0

    def winners(self) -> tuple:
        return (
            self.through,
            self.other,
            self.via,
            self.ts,
            self.venue,
            self.overlap,
            self.duration,
            self.distance,
            self.rank,
        )

    @classmethod
    def take(cls, n_people: int, groups: int) -> Scratch:
        try:
            scratch = cls._pool.get_nowait()
        except queue.Empty:
            return cls(n_people)
        if scratch.n_people != n_people:
            return cls(n_people)  # the register changed: a new size (the old one is dropped)
        if scratch.generation + groups >= 1 << 31:
            scratch.mark[:] = 0
            scratch.generation = 0
        return scratch

    def give_back(self) -> None:
        """Only after a pass that ended: every mark is then below the generation it returned."""
        self._pool.put(self)


def segment_lists(index) -> tuple:
    """The index's segments as Numba typed lists, one per kind of array, and each encounter segment's reach: cached
    on the index while they hold the very same arrays (a refresh appends segments, merges them, or gives existing
    ones longer offsets for new people; an exit of a later load closes a presence in place, which the lists see)."""
    checkins, contacts = index.checkins, index.contacts
    columns = (
        [s.venue_key for s in checkins],
        [s.exit_end for s in checkins],
        [s.person for s in checkins],
        [s.by_person for s in checkins],
        [s.person_offsets for s in checkins],
        [s.other for s in contacts],
        [s.start for s in contacts],
        [s.duration for s in contacts],
        [s.distance for s in contacts],
        [s.offsets for s in contacts],
    )
    arrays = [array for column in columns for array in column]
    n_venues, n_people = len(index.venues), index.n_people
    # The kernel reads without bounds checks: every per-person array must cover the register it is given.
    offsets = columns[4] + columns[9] + [index.household_of]
    if any(len(a) != n_people + 1 for a in offsets[:-1]) or len(index.household_of) != n_people:
        raise RuntimeError(f"tracing index out of step with its register of {n_people:,} people")
    if index.kernel_lists is not None:
        (cached_arrays, cached_venues), lists = index.kernel_lists
        if cached_venues == n_venues and len(cached_arrays) == len(arrays):
            if all(a is b for a, b in zip(cached_arrays, arrays, strict=True)):
                return lists
    types = (numba.int64, numba.int32, numba.int32, numba.int32, numba.int64) + (
        numba.int32,
        numba.int32,
        numba.int32,
        numba.float32,
        numba.int64,
    )
    typed = [_typed(column, dtype) for column, dtype in zip(columns, types, strict=True)]
    venue_starts = _typed([_venue_starts(s.venue_key, n_venues) for s in checkins], numba.int64)
    reach = np.array([max(s.longest, 1) for s in contacts], np.int64)
    lists = (*typed[:5], venue_starts, *typed[5:], reach)
    index.kernel_lists = ((arrays, n_venues), lists)
    return lists


def _venue_starts(venue_key: np.ndarray, n_venues: int) -> np.ndarray:
    """Where each venue's rows begin in a segment (by venue, then arrival), and the end: n_venues + 1."""
    return np.searchsorted(venue_key, np.arange(n_venues + 1, dtype=np.int64) << 32)


def _typed(arrays: list[np.ndarray], dtype) -> List:
    """The arrays themselves, not copies (an exit scan of a later load closes a presence in place): of the type the
    kernel was compiled for, or a TypeError."""
    typed = List.empty_list(dtype[::1])
    for array in arrays:
        typed.append(array)
    return typed
