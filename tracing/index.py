"""The in-memory tracing index: check-ins by venue and time and by person, encounters by person, households.

Built from Arrow tables handed to it by an `IndexSource` (the data layer implements it: data/tracing_source.py)
into NumPy arrays:

- people and venues get dense int32 numbers (`IdMap`); instants are int32 seconds since `EPOCH_S`;
- check-ins are sorted by (venue, arrival) with the key `venue << 32 | arrival + 2**31` in one int64
  array, so "who else was at this venue then" is a `searchsorted` range; exit scans are matched to
  the person's last arrival at the same venue and kept as that presence's `exit_end` (the dwell time of
  the venue kind, which is rule data, is applied when tracing); a second ordering by person (a
  permutation with per-person offsets) finds one person's own check-ins;
- encounters are stored twice (once under each person), sorted by (person, start), with offsets;
- households: person → household and household → members;
- cases: confirmation, sample and symptom onset by person.

New events are appended as further segments (`TraceIndex.refresh`) instead of rebuilding, and the newest segments
are merged in memory as they pile up (sizes doubling going back, as in a log-structured store); a full rebuild
happens only when the register changed in a way appending cannot follow (a new id among the known ones).
"""

from __future__ import annotations

import functools
import logging
import time
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import pyarrow as pa

from rules.tracing import TracingRule, tracing_rules
from rules.venues import VENUE_KINDS

log = logging.getLogger(__name__)

# Instants travel as int32 seconds since this epoch (2020-01-01T00:00:00Z): enough until 2088.
EPOCH_S = 1_577_836_800
BIAS = 1 << 31  # arrival + BIAS is the (non-negative) low half of a venue key
NO_EXIT = np.iinfo(np.int32).max
NO_ONSET = np.iinfo(np.int32).min
MAX_SEGMENTS = 8  # at most this many segments of each kind: refresh merges the newest ones beyond it


@dataclass(frozen=True)
class RegisterChanges:
    """What the loads after some load added to the register, and the last load the index should then hold."""

    people: int
    venues: int
    last_load: int


class IndexSource(Protocol):
    """What the index is built from, as Arrow tables; instants are int32 seconds since EPOCH_S.

    `upto_load` is the last load to read: a finished one, or the load in progress when the source reads inside its
    transaction (tracing inside a load)."""

    def register_changes(self, after_load: int, upto_load: int) -> RegisterChanges:
        """How many people and venues the loads after `after_load` added, and the last finished load (or
        `upto_load`, the load in progress)."""
        ...

    def new_register(self, after_load: int, upto_load: int) -> pa.Table:
        """kind ('person' or 'venue'), id, venue_kind: the people and venues those loads added, by kind and id."""
        ...

    def people(self) -> pa.Table:
        """person_id, household_id; one row per person, by person_id."""
        ...

    def venues(self) -> pa.Table:
        """venue_id, kind; one row per venue, by venue_id."""
        ...

    def checkins(self, after_load: int, upto_load: int) -> pa.Table:
        """person_id, venue_id, ts, is_exit; one row per scan of those loads."""
        ...

    def contacts(self, after_load: int, upto_load: int) -> pa.Table:
        """person_a, person_b, start, duration_s, distance_m; one row per encounter of those loads."""
        ...

    def cases(self, lookback_days: int) -> pa.Table:
        """person_id, sample, confirmed, onset (null without symptoms in the `lookback_days` before the sample); one
        row per confirmed case, by person_id."""
        ...


def _column(table: pa.Table, name: str, dtype: type) -> np.ndarray:
    return table.column(name).to_numpy().astype(dtype, copy=False)


def expand_ranges(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The positions of all ranges [lo_i, hi_i) laid end to end, and for each position its range i."""
    counts = np.maximum(hi - lo, 0).astype(np.int64)
    total = int(counts.sum())
    if total == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    which = np.repeat(np.arange(len(counts)), counts)
    starts = np.cumsum(counts) - counts
    positions = np.arange(total, dtype=np.int64) + (lo.astype(np.int64) - starts)[which]
    return positions, which


def search_many(values: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """`np.searchsorted(values, targets)` for many unordered targets in a large array: searched in sorted order, as
    NumPy then starts each search from the last one's bounds, which saves most of the cache misses; in the targets'
    order."""
    if len(targets) < 64:
        return np.searchsorted(values, targets)
    order = np.argsort(targets)
    found = np.empty(len(targets), np.int64)
    found[order] = np.searchsorted(values, targets[order])
    return found


def lower_bound(value_at, lo: np.ndarray, hi: np.ndarray, target: np.ndarray) -> np.ndarray:
    """For each range [lo_i, hi_i) of positions whose values (`value_at(positions)`) ascend, the first position whose
    value is at least target_i (hi_i if none): a binary search in every range at once, one NumPy step per halving."""
    lo = np.array(lo, np.int64)
    hi = np.array(hi, np.int64)
    target = np.broadcast_to(np.asarray(target, np.int64), lo.shape)
    open_ = np.flatnonzero(lo < hi)
    while len(open_):
        low, high = lo[open_], hi[open_]
        mid = (low + high) >> 1
        below = value_at(mid) < target[open_]
        lo[open_] = np.where(below, mid + 1, low)
        hi[open_] = np.where(below, high, mid)
        open_ = open_[lo[open_] < hi[open_]]
    return lo


def sorted_within(values: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Non-negative integer `values` sorted within each run of equal `group` (ascending, as `expand_ranges` gives)."""
    if len(values) < 2:
        return values
    bits = max(1, int(values.max()).bit_length())
    if bits + max(1, int(group[-1]).bit_length()) > 63:
        return values[np.lexsort((values, group))]
    packed = group.astype(np.int64) << bits
    packed |= values
    packed.sort()
    packed &= (1 << bits) - 1
    return packed.astype(values.dtype, copy=False)


def stable_order(keys: np.ndarray) -> np.ndarray:
    """The permutation that sorts integer keys, equal keys kept in input order.

    Packs (key, row) into one int64 and sorts values, which NumPy does several times faster than
    an argsort; falls back to a stable argsort when the two do not fit in 63 bits.
    """
    n = len(keys)
    if n == 0:
        return np.empty(0, np.int64)
    low = int(keys.min())
    span = int(keys.max()) - low
    row_bits = max(1, n.bit_length())
    if span.bit_length() + row_bits > 63:
        return np.argsort(keys, kind="stable")
    packed = keys.astype(np.int64) - low
    packed <<= row_bits
    packed |= np.arange(n, dtype=np.int64)
    packed.sort()
    packed &= (1 << row_bits) - 1
    return packed


def radix_order(keys: np.ndarray, max_passes: int = 3) -> np.ndarray:
    """The permutation that sorts non-negative integer keys, equal keys kept in input order: a least significant digit
    radix sort, 16 bits a pass (NumPy's stable sort of uint16 is a counting sort, linear and several times faster than
    a comparison sort); `stable_order` when the keys need more than `max_passes` passes."""
    if not len(keys):
        return np.empty(0, np.int64)
    bits = int(keys.max()).bit_length()
    passes = max(1, -(-bits // 16))
    if keys.min() < 0 or passes > max_passes:
        return stable_order(keys)
    order = np.argsort((keys & 0xFFFF).astype(np.uint16), kind="stable")
    for shift in range(16, 16 * passes, 16):
        digit = (keys[order] >> shift) & 0xFFFF
        order = order[np.argsort(digit.astype(np.uint16), kind="stable")]
    return order


def offsets_of(sorted_groups: np.ndarray, n_groups: int) -> np.ndarray:
    """Start of each group's rows in an array sorted by group, plus the end: n_groups + 1 int64."""
    offsets = np.zeros(n_groups + 1, np.int64)
    np.cumsum(np.bincount(sorted_groups, minlength=n_groups), out=offsets[1:])
    return offsets


class IdMap:
    """External 64-bit ids ↔ dense int32 numbers (a lookup table when the ids are compact)."""

    def __init__(self, ids: np.ndarray) -> None:
        self.ids = np.ascontiguousarray(ids, dtype=np.int64)
        if len(self.ids) > 1 and not (np.diff(self.ids) > 0).all():
            raise ValueError("ids must be sorted and unique")
        self._low = int(self.ids[0]) if len(self.ids) else 0
        span = int(self.ids[-1]) - self._low + 1 if len(self.ids) else 0
        self._table: np.ndarray | None = None
        if span <= 4 * len(self.ids) + 1024:
            self._table = np.full(span, -1, np.int32)
            self._table[self.ids - self._low] = np.arange(len(self.ids), dtype=np.int32)

    def __len__(self) -> int:
        return len(self.ids)

    def dense(self, values: np.ndarray) -> np.ndarray:
        """Dense numbers of `values` (int32; -1 where the id is unknown)."""
        values = np.asarray(values, dtype=np.int64)
        if self._table is not None:
            offset = values - self._low
            inside = (offset >= 0) & (offset < len(self._table))
            out = np.full(len(values), -1, np.int32)
            out[inside] = self._table[offset[inside]]
            return out
        at = np.searchsorted(self.ids, values)
        at_clipped = np.minimum(at, len(self.ids) - 1)
        found = (at < len(self.ids)) & (self.ids[at_clipped] == values)
        return np.where(found, at_clipped, -1).astype(np.int32)

    def dense_one(self, value: int) -> int:
        return int(self.dense(np.array([value]))[0])


@dataclass
class CheckinSegment:
    """Presences (arrival scans) of some loads, by (venue, arrival), with an ordering by person."""

    venue_key: np.ndarray  # int64, sorted: venue << 32 | arrival + BIAS
    exit_end: np.ndarray  # int32: the matching exit scan, or NO_EXIT
    person: np.ndarray  # int32
    by_person: np.ndarray  # int32: rows grouped by person, each person's rows by arrival (ties by row)
    person_offsets: np.ndarray  # int64, n_people + 1
    unmatched_exits: tuple = ((), (), ())  # exit scans of this build with no arrival in it (person, venue, ts)

    @classmethod
    def build(
        cls, person: np.ndarray, venue: np.ndarray, ts: np.ndarray, is_exit: np.ndarray, n_people: int
    ) -> CheckinSegment:
        order = stable_order(ts)
        order = order[stable_order(venue[order])]
        person, venue, ts, is_exit = person[order], venue[order], ts[order], is_exit[order]
        del order
        # Grouped by person, each person's scans are in (venue, time) order: an exit scan closes
        # the arrival just before it when that is the same person's arrival at the same venue.
        by_person = stable_order(person)
        exit_positions = np.flatnonzero(is_exit[by_person])
        first = exit_positions == 0
        exits = exit_positions[~first]
        closing, closed = by_person[exits], by_person[exits - 1]
        matched = (person[closed] == person[closing]) & (venue[closed] == venue[closing]) & ~is_exit[closed]
        exit_end = np.full(len(ts), NO_EXIT, np.int32)
        exit_end[closed[matched]] = ts[closing[matched]]
        alone = np.concatenate([by_person[exit_positions[first]], closing[~matched]])
        unmatched_exits = (person[alone], venue[alone], ts[alone])
        arrivals = ~is_exit
        renumber = np.cumsum(arrivals, dtype=np.int64) - 1
        by_person = renumber[by_person[arrivals[by_person]]].astype(np.int32)
        person, venue, ts, exit_end = person[arrivals], venue[arrivals], ts[arrivals], exit_end[arrivals]
        # Each person's presences by arrival, so that a time span is a binary search (`presences_during`): the
        # rows are already grouped by person, and a stable sort of that nearly sorted key is fast.
        by_time = person[by_person].astype(np.int64) << 32
        by_time |= ts[by_person].astype(np.int64) + BIAS
        by_person = by_person[np.argsort(by_time, kind="stable")]
        del by_time
        venue_key = venue.astype(np.int64) << 32
        venue_key |= ts.astype(np.int64) + BIAS
        segment = cls(
            venue_key=venue_key,
            exit_end=exit_end,
            person=person,
            by_person=by_person,
            person_offsets=offsets_of(person[by_person], n_people),
        )
        segment.unmatched_exits = unmatched_exits
        return segment

    @classmethod
    def merge(cls, segments: list[CheckinSegment], n_people: int) -> CheckinSegment:
        """One segment holding the presences of `segments` (oldest first), exits already matched kept as they are:
        what a build over their loads gives, without reading the loads again (a presence closed by an exit of a
        later segment keeps that exit, which a rebuild of these loads alone would not see)."""
        venue_key = np.concatenate([s.venue_key for s in segments])
        order = np.argsort(venue_key, kind="stable")  # sorted runs, oldest first: a merge, ties in load order
        venue_key = venue_key[order]
        exit_end = np.concatenate([s.exit_end for s in segments])[order]
        person = np.concatenate([s.person for s in segments])[order]
        del order
        # As in build: rows grouped by person, each person's by arrival, ties in (venue, arrival) order.
        by_time = person.astype(np.int64) << 32
        by_time |= venue_key & 0xFFFFFFFF
        by_person = np.argsort(by_time, kind="stable").astype(np.int32)
        del by_time
        return cls(
            venue_key=venue_key,
            exit_end=exit_end,
            person=person,
            by_person=by_person,
            person_offsets=offsets_of(person[by_person], n_people),
        )

    def latest_arrival(self, p: int, v: int, t: int) -> tuple[int, int] | None:
        """Person p's last arrival at venue v at or before t in this segment: (its key, its row), or None."""
        rows = np.sort(self.by_person[self.person_offsets[p] : self.person_offsets[p + 1]])
        keys = self.venue_key[rows]  # this person's presences, by (venue, arrival)
        at = int(np.searchsorted(keys, (v << 32) | (t + BIAS), side="right")) - 1
        if at >= 0 and keys[at] >> 32 == v:
            return int(keys[at]), int(rows[at])
        return None

    def arrival_at(self, positions: np.ndarray) -> np.ndarray:
        """The arrival (int64 seconds) of the presences at these positions of `by_person`."""
        arrival = self.venue_key[self.by_person[positions]]
        arrival &= 0xFFFFFFFF
        arrival -= BIAS
        return arrival

    def presences_during(
        self, person: np.ndarray, start: np.ndarray, end: np.ndarray, longest_stay: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """The rows of each source's presences that may overlap its span [start, end) (those that arrived before its
        end and at most `longest_stay` seconds before its start), and for each row its source; by source, each
        source's rows ascending, i.e. in (venue, arrival) order, the order a person's presences had before they were
        kept by arrival (so ties between links resolve as they always did)."""
        lo, hi = self.person_offsets[person], self.person_offsets[person + 1]
        first = lower_bound(self.arrival_at, lo, hi, np.asarray(start, np.int64) - longest_stay)
        last = lower_bound(self.arrival_at, first, hi, np.asarray(end, np.int64))
        positions, source = expand_ranges(first, last)
        return sorted_within(self.by_person[positions], source), source

    @property
    def nbytes(self) -> int:
        return sum(a.nbytes for a in (self.venue_key, self.exit_end, self.person, self.by_person, self.person_offsets))

    def __len__(self) -> int:
        return len(self.venue_key)


def close_presences(segments: list[CheckinSegment], person: np.ndarray, venue: np.ndarray, ts: np.ndarray) -> int:
    """Ends presences of earlier `segments` at exit scans that arrived in a later load: each exit closes the
    person's last arrival at that venue before it, over all the segments (the newest load's on a tie, as a build's
    row order has it), if that arrival is still open; returns how many were closed."""
    closed = 0
    for p, v, t in zip(person.tolist(), venue.tolist(), ts.tolist(), strict=True):
        best: tuple[int, CheckinSegment, int] | None = None
        for segment in segments:  # oldest first: a later segment wins a tie
            found = segment.latest_arrival(p, v, t)
            if found is not None and (best is None or found[0] >= best[0]):
                best = (found[0], segment, found[1])
        if best is not None and best[1].exit_end[best[2]] == NO_EXIT:
            best[1].exit_end[best[2]] = t
            closed += 1
    return closed


@dataclass
class ContactSegment:
    """Encounters of some loads, once under each of the two people, by (person, start)."""

    other: np.ndarray  # int32
    start: np.ndarray  # int32
    duration: np.ndarray  # int32
    distance: np.ndarray  # float32
    offsets: np.ndarray  # int64, n_people + 1

    @classmethod
    def build(
        cls,
        person_a: np.ndarray,
        person_b: np.ndarray,
        start: np.ndarray,
        duration: np.ndarray,
        distance: np.ndarray,
        n_people: int,
    ) -> ContactSegment:
        owner = np.concatenate([person_a, person_b])
        other = np.concatenate([person_b, person_a])
        start2 = np.concatenate([start, start])
        order = stable_order(start2)
        order = order[stable_order(owner[order])]
        owner = owner[order]
        return cls(
            other=other[order],
            start=start2[order],
            duration=np.concatenate([duration, duration])[order],
            distance=np.concatenate([distance, distance])[order],
            offsets=offsets_of(owner, n_people),
        )

    @classmethod
    def merge(cls, segments: list[ContactSegment], n_people: int) -> ContactSegment:
        """One segment holding the encounters of `segments` (oldest first), by (person, start), ties in load order."""
        owner = np.concatenate([np.repeat(np.arange(n_people, dtype=np.int64), np.diff(s.offsets)) for s in segments])
        start = np.concatenate([s.start for s in segments])
        key = owner << 32
        key |= start.astype(np.int64) + BIAS
        order = np.argsort(key, kind="stable")
        del key
        return cls(
            other=np.concatenate([s.other for s in segments])[order],
            start=start[order],
            duration=np.concatenate([s.duration for s in segments])[order],
            distance=np.concatenate([s.distance for s in segments])[order],
            offsets=offsets_of(owner[order], n_people),
        )

    @functools.cached_property
    def longest(self) -> int:
        """The longest encounter's duration: encounters that can reach an instant began at most this long before."""
        return int(self.duration.max()) if len(self.duration) else 0

    @property
    def nbytes(self) -> int:
        return sum(a.nbytes for a in (self.other, self.start, self.duration, self.distance, self.offsets))

    def __len__(self) -> int:
        return len(self.other) // 2


@dataclass
class Cases:
    """Confirmed cases by person id: dense person, sample, confirmation and onset (int32 seconds)."""

    person_id: np.ndarray  # int64, sorted
    person: np.ndarray  # int32
    sample: np.ndarray
    confirmed: np.ndarray
    onset: np.ndarray  # NO_ONSET without symptoms

    @classmethod
    def build(cls, table: pa.Table, people: IdMap) -> Cases:
        person_id = _column(table, "person_id", np.int64)
        onset = table.column("onset").fill_null(NO_ONSET).to_numpy().astype(np.int32)
        return cls(
            person_id=person_id,
            person=people.dense(person_id),
            sample=_column(table, "sample", np.int32),
            confirmed=_column(table, "confirmed", np.int32),
            onset=onset,
        )

    def find(self, person_ids: np.ndarray) -> np.ndarray:
        """Row of each person id among the cases, -1 if not a case."""
        person_ids = np.asarray(person_ids, dtype=np.int64)
        at = np.searchsorted(self.person_id, person_ids)
        at_clipped = np.minimum(at, max(len(self.person_id) - 1, 0))
        found = (
            (at < len(self.person_id)) & (self.person_id[at_clipped] == person_ids) if len(self.person_id) else at < 0
        )
        return np.where(found, at_clipped, -1)

    def __len__(self) -> int:
        return len(self.person_id)


@dataclass
class RuleArrays:
    """One rule version's venue parameters, per dense venue."""

    dwell: np.ndarray  # int64 seconds of presence after a check-in
    counted: np.ndarray  # bool: co-presence at this venue can make an F1


@dataclass
class TraceIndex:
    people: IdMap
    household_members: np.ndarray  # int32 dense people, grouped by household
    household_offsets: np.ndarray  # int64, n_households + 1
    household_of: np.ndarray  # int32 per dense person
    venues: IdMap
    venue_kind: np.ndarray  # int8 index into VENUE_KINDS, per dense venue
    checkins: list[CheckinSegment]
    contacts: list[ContactSegment]
    cases: Cases
    last_load: int
    build_seconds: float = 0.0
    _rule_arrays: dict[str, RuleArrays] = field(default_factory=dict, repr=False)
    kernel_lists: tuple | None = field(default=None, repr=False)  # the segments as the F2 kernel reads them

    @property
    def n_people(self) -> int:
        return len(self.people)

    def rule_arrays(self, rule: TracingRule) -> RuleArrays:
        found = self._rule_arrays.get(rule.name)
        if found is None:
            dwell_by_kind = np.array([rule.dwell_s[k] for k in VENUE_KINDS], np.int64)
            counted_by_kind = np.array([k in rule.venue_kinds for k in VENUE_KINDS])
            found = RuleArrays(dwell=dwell_by_kind[self.venue_kind], counted=counted_by_kind[self.venue_kind])
            self._rule_arrays[rule.name] = found
        return found

    @property
    def nbytes(self) -> int:
        arrays = [self.people.ids, self.household_members, self.household_offsets, self.household_of]
        arrays += [self.venues.ids, self.venue_kind, self.cases.person_id, self.cases.person]
        arrays += [self.cases.sample, self.cases.confirmed, self.cases.onset]
        for id_map in (self.people, self.venues):
            if id_map._table is not None:
                arrays.append(id_map._table)
        return sum(a.nbytes for a in arrays) + sum(s.nbytes for s in self.checkins + self.contacts)

    def summary(self) -> str:
        return (
            f"{self.n_people:,} people, {len(self.venues):,} venues, "
            f"{sum(len(s) for s in self.checkins):,} presences in {len(self.checkins)} segment(s), "
            f"{sum(len(s) for s in self.contacts):,} encounters, {len(self.cases):,} cases; "
            f"{self.nbytes / 2**20:,.0f} MiB, built in {self.build_seconds:.2f} s"
        )

    def refresh(self, source: IndexSource, upto_load: int = 0) -> TraceIndex:
        """The index brought up to date with the loads committed since it was built.

        Call after each load (e.g. from the writer's commit listener). Appends the new check-ins and
        encounters as new segments (merging the newest ones as they pile up) and re-reads the cases; returns a fully
        rebuilt index instead when the register changed in a way appending cannot follow. `upto_load`: also the
        load in progress (when `source` reads through the writer's connection inside that load's transaction).
        """
        changes = source.register_changes(self.last_load, upto_load)
        if changes.last_load == self.last_load:
            return self
        started = time.perf_counter()
        if (changes.people or changes.venues) and not self._extend_register(source, changes.last_load):
            return build_index(source, upto_load)
        checkins, contacts = _segments(source, self.people, self.venues, self.last_load, changes.last_load)
        for segment in checkins:
            close_presences(self.checkins, *segment.unmatched_exits)
        self.checkins = _compacted(self.checkins + checkins, CheckinSegment.merge, len(self.people))
        self.contacts = _compacted(self.contacts + contacts, ContactSegment.merge, len(self.people))
        self.cases = Cases.build(source.cases(_lookback_days()), self.people)
        self.last_load = changes.last_load
        log.info("tracing index refreshed to load %d in %.2f s", self.last_load, time.perf_counter() - started)
        return self

    def _extend_register(self, source: IndexSource, upto_load: int) -> bool:
        """Appends the people and venues of the new loads when their ids all come after the known ones (new
        registrations), so dense numbers stay; False when a rebuild is needed instead."""
        added = source.new_register(self.last_load, upto_load)
        kinds = added.column("kind").to_pylist()
        ids = _column(added, "id", np.int64)
        is_person = np.array([k == "person" for k in kinds], bool)
        new_people, new_venues = ids[is_person], ids[~is_person]
        if (len(new_people) and len(self.people) and new_people[0] <= self.people.ids[-1]) or (
            len(new_venues) and len(self.venues) and new_venues[0] <= self.venues.ids[-1]
        ):
            return False
        if len(new_people):
            self.people = IdMap(np.concatenate([self.people.ids, new_people]))
            people_table = source.people()
            _, household_of = np.unique(_column(people_table, "household_id", np.int64), return_inverse=True)
            self.household_of = household_of.astype(np.int32)
            self.household_members = stable_order(self.household_of).astype(np.int32)
            self.household_offsets = offsets_of(
                self.household_of[self.household_members], int(self.household_of.max()) + 1
            )
            extra = len(new_people)
            for segment in self.checkins:
                segment.person_offsets = np.concatenate(
                    [segment.person_offsets, np.repeat(segment.person_offsets[-1:], extra)]
                )
            for segment in self.contacts:
                segment.offsets = np.concatenate([segment.offsets, np.repeat(segment.offsets[-1:], extra)])
        if len(new_venues):
            self.venues = IdMap(np.concatenate([self.venues.ids, new_venues]))
            kind_code = {kind: i for i, kind in enumerate(VENUE_KINDS)}
            added_kinds = [
                kind_code.get(k, kind_code["other"])
                for k, person in zip(added.column("venue_kind").to_pylist(), is_person, strict=True)
                if not person
            ]
            self.venue_kind = np.concatenate([self.venue_kind, np.array(added_kinds, np.int8)])
            self._rule_arrays = {}
        return True


def _compacted(segments: list, merge, n_people: int) -> list:
    """Segments kept few by merging the newest ones in memory, as a log-structured store does: while the one before
    the newest is at most twice its size (or there are more than MAX_SEGMENTS), the two become one. Sizes then
    double going back, so a live feed's small loads cost a few small merges each, and a row is merged again only
    each time the data behind it doubles, instead of a full rebuild every MAX_SEGMENTS loads (3.5 s on the demo
    store: a stall of the writer, and of every event waiting behind it, every few seconds)."""
    segments = list(segments)
    while len(segments) >= 2 and (len(segments[-2]) <= 2 * len(segments[-1]) or len(segments) > MAX_SEGMENTS):
        segments[-2:] = [merge(segments[-2:], n_people)]
    return segments


def _lookback_days() -> int:
    # Onset is read once for all versions, over the longest look-back any version uses.
    return max(rule.onset_lookback_days for rule in tracing_rules())


def _segments(
    source: IndexSource, people: IdMap, venues: IdMap, after_load: int, upto_load: int
) -> tuple[list[CheckinSegment], list[ContactSegment]]:
    checkins_out: list[CheckinSegment] = []
    contacts_out: list[ContactSegment] = []
    table = source.checkins(after_load, upto_load)
    if table.num_rows:
        person = people.dense(_column(table, "person_id", np.int64))
        venue = venues.dense(_column(table, "venue_id", np.int64))
        ts = _column(table, "ts", np.int32)
        is_exit = _column(table, "is_exit", np.bool_)
        del table
        known = (person >= 0) & (venue >= 0)
        if not known.all():
            log.warning("tracing index: %d check-ins of unknown people or venues left out", int((~known).sum()))
            person, venue, ts, is_exit = person[known], venue[known], ts[known], is_exit[known]
        checkins_out.append(CheckinSegment.build(person, venue, ts, is_exit, len(people)))
    table = source.contacts(after_load, upto_load)
    if table.num_rows:
        a = people.dense(_column(table, "person_a", np.int64))
        b = people.dense(_column(table, "person_b", np.int64))
        known = (a >= 0) & (b >= 0) & (a != b)
        contacts_out.append(
            ContactSegment.build(
                a[known],
                b[known],
                _column(table, "start", np.int32)[known],
                _column(table, "duration_s", np.int32)[known],
                _column(table, "distance_m", np.float32)[known],
                len(people),
            )
        )
    return checkins_out, contacts_out


def build_index(source: IndexSource, upto_load: int = 0) -> TraceIndex:
    """A full build from the source: every load finished so far (and `upto_load`, the load in progress, if given)."""
    started = time.perf_counter()
    last_load = source.register_changes(0, upto_load).last_load
    people_table = source.people()
    people = IdMap(_column(people_table, "person_id", np.int64))
    _, household_of = np.unique(_column(people_table, "household_id", np.int64), return_inverse=True)
    household_of = household_of.astype(np.int32)
    del people_table
    members = stable_order(household_of).astype(np.int32)
    household_offsets = offsets_of(household_of[members], int(household_of.max()) + 1 if len(household_of) else 0)
    venues_table = source.venues()
    venues = IdMap(_column(venues_table, "venue_id", np.int64))
    kind_code = {kind: i for i, kind in enumerate(VENUE_KINDS)}
    venue_kind = np.array(
        [kind_code.get(k, kind_code["other"]) for k in venues_table.column("kind").to_pylist()], np.int8
    )
    checkins, contacts = _segments(source, people, venues, 0, last_load)
    index = TraceIndex(
        people=people,
        household_members=members,
        household_offsets=household_offsets,
        household_of=household_of,
        venues=venues,
        venue_kind=venue_kind,
        checkins=checkins,
        contacts=contacts,
        cases=Cases.build(source.cases(_lookback_days()), people),
        last_load=last_load,
    )
    index.build_seconds = time.perf_counter() - started
    log.info("tracing index: %s", index.summary())
    return index
