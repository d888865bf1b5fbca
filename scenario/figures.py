"""Figures of a generated dataset read back from its files (size, attack rate, exposures per case): tests, benches."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

from .reference import KIND_INDEX, venue_kinds

DAY_S = 86400
VN_OFFSET_S = 7 * 3600
DAYS_BEFORE = 2  # the infectious window opens this many local days before onset or sample (DESIGN.md)
ONSET_LOOKBACK_S = 14 * DAY_S  # a declaration with symptoms up to 14 days before the sample dates the onset


@dataclass(frozen=True)
class Figures:
    people: int
    checkins: int
    encounters: int
    infections: int
    seeds: int
    confirmed: int
    venue_share: float  # of infections with an infector, the share at a venue
    symptomatic_share: float  # of confirmed cases, those who declared symptoms before their sample
    onset_1_to_5_days: float  # of those, the share who declared them 1 to 5 local days before the day of the sample
    venue_exposures: float  # mean distinct people co-present with a case at venues inside its infectious window
    f1: float  # mean distinct F1 per case: venue co-presence, encounters at <= 2 m and household members

    @property
    def attack_rate(self) -> float:
        """Infected people over the period, as a share of the population."""
        return self.infections / self.people if self.people else 0.0

    @property
    def confirmed_rate(self) -> float:
        return self.confirmed / self.people if self.people else 0.0


def _read(folder: Path, name: str, columns: list[str]):
    path = folder / name if (folder / name).is_dir() else folder / f"{name}.parquet"
    return ds.dataset(path).to_table(columns=columns)


def _seconds(column) -> np.ndarray:
    """Instants as whole seconds since 1970 (the scenario writes whole seconds)."""
    return column.cast(pa.int64()).to_numpy() // 1_000_000


def _local_day(seconds: np.ndarray) -> np.ndarray:
    """Days since 1970 in Viet Nam's time (UTC+7)."""
    return (seconds + VN_OFFSET_S) // DAY_S


def dataset_figures(folder: Path) -> Figures:
    """What a dataset holds and how its epidemic looks to a tracer (CONTRACT §1 files, plus `infections`)."""
    folder = Path(folder)
    people = _read(folder, "people", ["person_id", "household_id"])
    infections = _read(folder, "infections", ["infector", "setting"])
    setting = infections.column("setting").to_numpy(zero_copy_only=False)
    linked = infections.column("infector").is_valid().to_numpy(zero_copy_only=False)

    person, sample, confirmed = _confirmed_cases(folder)
    onset = _onsets(folder, person, sample)
    has_onset = onset >= 0
    ahead = (_local_day(sample) - _local_day(onset))[has_onset]
    anchor = np.where(has_onset, np.minimum(onset, sample), sample)
    window_start = (_local_day(anchor) - DAYS_BEFORE) * DAY_S - VN_OFFSET_S
    venue_pairs = _venue_pairs(folder, person, window_start, confirmed)
    close_pairs = _encounter_pairs(folder, person, window_start, confirmed)
    household_pairs = _household_pairs(people, person)
    everyone = np.unique(np.concatenate([venue_pairs, close_pairs, household_pairs]))
    n = max(len(person), 1)
    return Figures(
        people=people.num_rows,
        checkins=_read(folder, "checkins", ["event_id"]).num_rows,
        encounters=_read(folder, "contacts", ["event_id"]).num_rows,
        infections=infections.num_rows,
        seeds=int((setting == "seed").sum()),
        confirmed=len(person),
        venue_share=float((setting[linked] == "venue").mean()) if linked.any() else 0.0,
        symptomatic_share=float(has_onset.mean()) if len(person) else 0.0,
        onset_1_to_5_days=float(((ahead >= 1) & (ahead <= 5)).mean()) if len(ahead) else 0.0,
        venue_exposures=len(np.unique(venue_pairs)) / n,
        f1=len(everyone) / n,
    )


def _confirmed_cases(folder: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each confirmed case (first positive PCR by result time): person, its sample and result, in seconds."""
    tests = _read(folder, "tests", ["person_id", "sample_ts", "result_ts", "kind", "result"])
    positive = pc.and_(pc.equal(tests.column("kind"), "pcr"), pc.equal(tests.column("result"), "positive"))
    tests = tests.filter(positive)
    person = tests.column("person_id").to_numpy()
    sample, result = _seconds(tests.column("sample_ts")), _seconds(tests.column("result_ts"))
    order = np.lexsort((result, person))
    first = np.ones(len(order), dtype=bool)
    first[1:] = person[order][1:] != person[order][:-1]
    keep = order[first]
    return person[keep], sample[keep], result[keep]


def _onsets(folder: Path, person: np.ndarray, sample: np.ndarray) -> np.ndarray:
    """First declaration with a symptom in the 14 days before each case's sample (seconds), or -1."""
    d = _read(folder, "declarations", ["person_id", "ts", "fever", "cough", "breathless", "lost_taste"])
    ill = np.zeros(d.num_rows, dtype=bool)
    for name in ("fever", "cough", "breathless", "lost_taste"):
        ill |= d.column(name).to_numpy(zero_copy_only=False)
    who = d.column("person_id").to_numpy()[ill]
    ts = _seconds(d.column("ts"))[ill]
    onset = np.full(len(person), np.iinfo(np.int64).max)
    if not len(person):
        return onset
    row = np.minimum(np.searchsorted(person, who), len(person) - 1)
    mine = (person[row] == who) & (ts <= sample[row]) & (ts >= sample[row] - ONSET_LOOKBACK_S)
    np.minimum.at(onset, row[mine], ts[mine])
    return np.where(onset == np.iinfo(np.int64).max, -1, onset)


def _venue_pairs(folder: Path, case: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """(case, other) keys of people present at a venue while a case was there inside its window.

    Presence lasts the dwell time of the venue's kind after the arrival, or until an exit scan if earlier,
    as the tracing rule reads the check-ins.
    """
    venues = _read(folder, "venues", ["venue_id", "kind"])
    kinds = venues.column("kind").to_numpy(zero_copy_only=False)
    dwell_of_kind = venue_kinds().dwell_s
    dwell = np.zeros(int(pc.max(venues.column("venue_id")).as_py() or 0) + 1, dtype=np.int64)
    dwell[venues.column("venue_id").to_numpy()] = dwell_of_kind[[KIND_INDEX[k] for k in kinds]]

    c = _read(folder, "checkins", ["person_id", "venue_id", "ts", "direction"])
    who, venue, ts = c.column("person_id").to_numpy(), c.column("venue_id").to_numpy(), _seconds(c.column("ts"))
    leaving = c.column("direction").to_numpy(zero_copy_only=False) == "out"
    order = np.lexsort((ts, venue, who))
    who, venue, ts, leaving = who[order], venue[order], ts[order], leaving[order]
    leave = ts + dwell[venue]
    # an exit scan right after the arrival of the same person at the same venue ends the presence
    exit_next = np.zeros(len(who), dtype=bool)
    exit_next[:-1] = leaving[1:] & ~leaving[:-1] & (who[1:] == who[:-1]) & (venue[1:] == venue[:-1])
    leave[:-1][exit_next[:-1]] = np.minimum(leave[:-1], ts[1:])[exit_next[:-1]]
    arrive = ~leaving
    who, venue, ts, leave = who[arrive], venue[arrive], ts[arrive], leave[arrive]

    if not len(case):
        return np.zeros(0, dtype=np.int64)
    # the cases' own presences inside their windows
    row = np.minimum(np.searchsorted(case, who), len(case) - 1)
    own = np.flatnonzero((case[row] == who) & (ts < end[row]) & (leave > start[row]))
    own_row = row[own]
    own_from = np.maximum(ts[own], start[own_row])
    own_to = np.minimum(leave[own], end[own_row])

    by_place = np.lexsort((ts, venue))
    v_sorted, t_sorted = venue[by_place], ts[by_place]
    max_dwell = int(dwell.max()) if len(dwell) else 0
    key = v_sorted.astype(np.int64) * (1 << 34) + t_sorted - t_sorted.min(initial=0)
    base = venue[own].astype(np.int64) * (1 << 34) - t_sorted.min(initial=0)
    lo = np.searchsorted(key, base + own_from - max_dwell)
    hi = np.searchsorted(key, base + own_to)
    size = hi - lo
    cand = np.repeat(lo, size) + (np.arange(int(size.sum())) - np.repeat(np.cumsum(size) - size, size))
    src = np.repeat(np.arange(len(own)), size)
    other = by_place[cand]
    ok = (leave[other] > own_from[src]) & (who[other] != case[own_row[src]])
    return _pair_keys(own_row[src[ok]], who[other[ok]])


def _encounter_pairs(folder: Path, case: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    c = _read(folder, "contacts", ["person_a", "person_b", "start_ts", "distance_m"])
    close = c.column("distance_m").to_numpy() <= 2.0
    a, b = c.column("person_a").to_numpy()[close], c.column("person_b").to_numpy()[close]
    ts = _seconds(c.column("start_ts"))[close]
    keys = [np.zeros(0, dtype=np.int64)]
    for me, other in ((a, b), (b, a)) if len(case) else ():
        row = np.minimum(np.searchsorted(case, me), len(case) - 1)
        hit = (case[row] == me) & (ts >= start[row]) & (ts < end[row])
        keys.append(_pair_keys(row[hit], other[hit]))
    return np.concatenate(keys)


def _household_pairs(people, case: np.ndarray) -> np.ndarray:
    person = people.column("person_id").to_numpy()
    household = people.column("household_id").to_numpy()
    by_person = np.argsort(person)
    case_household = household[by_person[np.searchsorted(person, case, sorter=by_person)]]
    by_household = np.argsort(household, kind="stable")
    lo = np.searchsorted(household, case_household, "left", sorter=by_household)
    hi = np.searchsorted(household, case_household, "right", sorter=by_household)
    size = hi - lo
    member = by_household[np.repeat(lo, size) + (np.arange(int(size.sum())) - np.repeat(np.cumsum(size) - size, size))]
    row = np.repeat(np.arange(len(case)), size)
    other = person[member]
    ok = other != case[row]
    return _pair_keys(row[ok], other[ok])


def _pair_keys(case_row: np.ndarray, other: np.ndarray) -> np.ndarray:
    return (case_row.astype(np.int64) << 40) | other.astype(np.int64)
