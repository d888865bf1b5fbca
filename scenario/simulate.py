"""The day-by-day simulation: visits, check-ins, encounters, transmission, testing, tracing, vaccination."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

from . import reference
from .epidemic import (
    DAY,
    HOUR,
    INFECTIOUSNESS,
    LAST_INFECTIOUS_DAY,
    fatality_probability,
    incubation_seconds,
    symptomatic_probability,
)
from .geography import Geography
from .mobility import FACTORY, NEVER, Routines, Visits, daily_visits
from .output import PartedTable, timestamps
from .population import EPOCH, People
from .reference import KIND_INDEX, MEASURE_TARGETS
from .shapes import DELTA, Shape
from .strings import vocabulary
from .venues import Venues

NEVER_T = np.int64(1) << 62
SETTINGS = ("household", "venue", "proximity", "community", "seed")
HOUSEHOLD, VENUE, PROXIMITY, COMMUNITY, SEED = range(5)
COMMUNITY_TARGET = MEASURE_TARGETS.index("community")
PCR, ANTIGEN = 0, 1


@dataclass
class State:
    inf_t: np.ndarray
    onset_t: np.ndarray
    conf_t: np.ndarray
    death_t: np.ndarray
    recover_day: np.ndarray
    quar_start: np.ndarray
    quar_until: np.ndarray
    vacc1_day: np.ndarray
    vacc2_day: np.ndarray
    test_day: np.ndarray  # day a symptomatic infected person goes for a test

    @classmethod
    def empty(cls, n: int) -> State:
        t = lambda: np.full(n, NEVER_T, dtype=np.int64)  # noqa: E731
        d = lambda: np.full(n, NEVER, dtype=np.int32)  # noqa: E731
        return cls(t(), t(), t(), t(), d(), d(), d(), d(), d(), d())


class Collected:
    """Rows of a small table gathered as NumPy chunks and written once at the end."""

    def __init__(self) -> None:
        self.chunks: dict[str, list[np.ndarray]] = {}

    def add(self, **columns: np.ndarray) -> None:
        for name, values in columns.items():
            self.chunks.setdefault(name, []).append(np.asarray(values))

    def column(self, name: str, dtype) -> np.ndarray:
        parts = self.chunks.get(name, [])
        return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype=dtype)


class Simulation:
    def __init__(
        self,
        out_dir: Path,
        geo: Geography,
        people: People,
        venues: Venues,
        routines: Routines,
        start: dt.date,
        days: int,
        rng: np.random.Generator,
        shape: Shape = DELTA,
        progress: Callable[[str], None] | None = None,
    ) -> None:
        self.geo, self.people, self.venues, self.routines = geo, people, venues, routines
        self.start, self.days, self.rng = start, days, rng
        self.shape, self.params, self.testing = shape, shape.params, shape.testing
        self.progress = progress or (lambda message: None)
        self.n = len(people)
        self.state = State.empty(self.n)
        self.base_us = ((start - EPOCH).days * DAY - 7 * HOUR) * 1_000_000
        self.levels = reference.measure_levels(geo.province_code, start, days, shape.measures)
        self.multipliers = reference.measure_multipliers()
        self.coverage = reference.first_dose_coverage(geo.province_code, start, days)
        self.kinds = reference.venue_kinds()
        self.max_stay = (self.kinds.dwell_s * 1.25).astype(np.int64) + 1
        self.checkins = PartedTable(out_dir, "checkins")
        self.contacts = PartedTable(out_dir, "contacts")
        self.declarations = PartedTable(out_dir, "declarations")
        self.tests = Collected()
        self.vaccinations = Collected()
        self.infections = Collected()
        self.outcomes = Collected()
        self.next_id = {"checkins": 1, "contacts": 1, "declarations": 1}
        self.encounter_buffer: list[tuple[np.ndarray, np.ndarray]] = []
        self.ward_cases = np.zeros((days + 1, geo.n_wards), dtype=np.int32)
        n_p = len(geo.province_code)
        self.province_people = np.bincount(routines.province, minlength=n_p)
        self.province_start = np.searchsorted(routines.province, np.arange(n_p + 1))
        self.ward_start = np.searchsorted(people.ward, np.arange(geo.n_wards + 1))
        self.crowding = np.array([shape.crowding.get(code, 1.0) for code in geo.province_code])[routines.province]
        self._plan_vaccination()
        self._plan_seeds()

    # ------------------------------------------------------------------ helpers
    def us(self, t: np.ndarray) -> pa.Array:
        return timestamps(self.base_us + np.asarray(t, dtype=np.int64) * 1_000_000)

    def us_nullable(self, t: np.ndarray) -> pa.Array:
        t = np.asarray(t, dtype=np.int64)
        return timestamps(self.base_us + np.maximum(t, 0) * 1_000_000, null=t < 0)

    def _ids(self, table: str, count: int) -> np.ndarray:
        first = self.next_id[table]
        self.next_id[table] = first + count
        return np.arange(first, first + count, dtype=np.int64)

    # ------------------------------------------------------------------ vaccination
    def _plan_vaccination(self) -> None:
        """Adults in priority order per province: 65+, 50-64, factory workers, then everyone else."""
        age = self.people.age
        adult = np.flatnonzero(age >= 18)
        priority = np.where(
            age[adult] >= 65, 0, np.where(age[adult] >= 50, 1, np.where(self.routines.role[adult] == FACTORY, 2, 3))
        )
        order = np.lexsort((self.rng.random(len(adult)), priority, self.routines.province[adult]))
        self.vacc_order = adult[order]
        n_p = len(self.geo.province_code)
        self.vacc_start = np.searchsorted(self.routines.province[self.vacc_order], np.arange(n_p + 1))
        self.vacc_done = np.zeros(n_p, dtype=np.int64)
        # doses given before the first simulated day, spread from the start of the campaign (8 March 2021)
        before = np.floor(self.coverage[0] * np.diff(self.vacc_start)).astype(np.int64)
        campaign = (dt.date(2021, 3, 8) - self.start).days
        self._give_first_doses(before, lambda n: self.rng.integers(min(campaign, -1), 0, n))

    def _give_first_doses(self, target: np.ndarray, day_of: Callable[[int], np.ndarray]) -> None:
        counts = np.maximum(target - self.vacc_done, 0)
        if counts.sum() == 0:
            return
        lo = self.vacc_start[:-1] + self.vacc_done
        idx = np.repeat(lo - np.cumsum(counts) + counts, counts) + np.arange(int(counts.sum()))
        self.vacc_done += counts
        who = self.vacc_order[idx]
        day = day_of(len(who)).astype(np.int64)
        alive = self.state.death_t[who] > day * DAY
        who, day = who[alive], day[alive]
        date_ordinal = self.start.toordinal() + day
        vaccine = np.zeros(len(who), dtype=np.int64)
        interval = np.zeros(len(who), dtype=np.int64)
        names = reference.vaccine_names()
        for period in reference.vaccine_periods():
            mask = date_ordinal >= period.start.toordinal()
            if not mask.any():
                continue
            pick = self.rng.choice(len(period.names), int(mask.sum()), p=period.probabilities)
            vaccine[mask] = np.array([names.index(v) for v in period.names])[pick]
            interval[mask] = period.interval_min[pick] + (
                self.rng.random(int(mask.sum())) * (period.interval_max[pick] - period.interval_min[pick] + 1)
            ).astype(np.int64)
        self.state.vacc1_day[who] = day
        second = day + interval
        has_second = second < self.days
        self.state.vacc2_day[who[has_second]] = second[has_second]
        t1 = day * DAY + self._clock(len(who), 7.5, 16.5)
        t2 = second[has_second] * DAY + self._clock(int(has_second.sum()), 7.5, 16.5)
        self.vaccinations.add(
            person=np.concatenate([who, who[has_second]]),
            t=np.concatenate([t1, t2]),
            dose=np.concatenate([np.ones(len(who)), np.full(int(has_second.sum()), 2)]),
            vaccine=np.concatenate([vaccine, vaccine[has_second]]),
        )

    def _clock(self, n: int, lo_h: float, hi_h: float) -> np.ndarray:
        return ((lo_h + (hi_h - lo_h) * self.rng.random(n)) * HOUR).astype(np.int64)

    # ------------------------------------------------------------------ seeds
    def _plan_seeds(self) -> None:
        rows = []
        for window in reference.seed_windows(self.shape.seeds, self.start):
            if window.province not in self.geo.province_code:
                continue
            p = self.geo.province_code.index(window.province)
            total = max(window.min_count, int(round(window.count_per_100k * self.province_people[p] / 1e5)))
            first = window.first_day
            length = window.last_day - window.first_day + 1
            day = first + (np.arange(total) * length) // total
            district = (
                self.geo.district_code.index(window.district) if window.district in self.geo.district_code else -1
            )
            kind = KIND_INDEX[window.kind] if window.kind else -1
            rows += [(int(d), p, district, kind) for d in day if 0 <= d < self.days]
        self.seed_plan = np.array(rows, dtype=np.int64).reshape(-1, 4)

    # ------------------------------------------------------------------ the day
    def run(self) -> None:
        for day in range(self.days):
            self.step(day)
        self.checkins.close()
        self.contacts.close()
        self.declarations.close()

    def step(self, day: int) -> None:
        st, rng = self.state, self.rng
        date = self.start + dt.timedelta(days=day)
        t0 = day * DAY
        level = self.levels[day]
        multiplier = self.multipliers[level]  # [province, target]

        self._give_first_doses(
            np.floor(self.coverage[day] * np.diff(self.vacc_start)).astype(np.int64), lambda n: np.full(n, day)
        )

        alive = st.death_t > t0
        # a result that arrives during the day keeps the case at home for the whole day
        isolated = (st.conf_t < t0 + DAY) & (st.recover_day > day)
        quarantined = (st.quar_start <= day) & (day < st.quar_until)
        sick = (st.onset_t < t0) & (st.onset_t + 4 * DAY > t0) & (rng.random(self.n) < 0.5)
        active = alive & ~isolated & ~quarantined & ~sick

        self._testing(day, alive)
        visits = daily_visits(day, date, active, self.people, self.routines, self.venues, self.geo, multiplier, rng)
        app = self.routines.app_day <= day
        self._write_checkins(day, visits, app)
        enc = self._encounters(day, visits, app, active, alive & ~isolated & ~quarantined)
        self._transmit(day, visits, enc, active, alive & ~isolated, multiplier)
        self._declare(day, alive & ~isolated, quarantined, app)
        cases = int((st.inf_t < NEVER_T).sum())
        confirmed = int((st.conf_t < NEVER_T).sum())
        self.progress(
            f"day {day + 1}/{self.days} {date}: {len(visits.person)} visits, {cases} infections, {confirmed} confirmed"
        )

    # ------------------------------------------------------------------ check-ins
    def _write_checkins(self, day: int, visits: Visits, app: np.ndarray) -> None:
        venue_shows_qr = self.venues.qr_day[visits.venue] <= day
        scans = app[visits.person] & venue_shows_qr & (self.rng.random(len(visits.person)) < 0.9)
        idx = np.flatnonzero(scans)
        kind = self.venues.kind[visits.venue[idx]]
        source = (self.rng.random(len(idx)) < self.kinds.venue_scan_share[kind]).astype(np.int64)
        out = idx[self.venues.records_exit[visits.venue[idx]]]
        person = np.concatenate([visits.person[idx], visits.person[out]]) + 1
        venue = np.concatenate([visits.venue[idx], visits.venue[out]]) + 1
        t = day * DAY + np.concatenate([visits.start[idx], visits.end[out]])
        source = np.concatenate([source, source[np.searchsorted(idx, out)]])
        direction = np.concatenate([np.zeros(len(idx), dtype=np.int64), np.ones(len(out), dtype=np.int64)])
        self.checkins.append(
            pa.table(
                {
                    "event_id": self._ids("checkins", len(person)),
                    "person_id": person,
                    "venue_id": venue,
                    "ts": self.us(t),
                    "source": vocabulary(("person_scan", "venue_scan"), source),
                    "direction": vocabulary(("in", "out"), direction),
                }
            )
        )

    # ------------------------------------------------------------------ Bluetooth
    def _encounters(self, day: int, visits: Visits, app: np.ndarray, active: np.ndarray, at_home: np.ndarray):
        rng, people = self.rng, self.people
        t0 = day * DAY
        parts_a, parts_b, parts_s, parts_d, parts_m, parts_k = [], [], [], [], [], []

        # same household: consecutive app users of a household, evenings at home
        users = np.flatnonzero(app & at_home & self.people.has_phone)
        same = people.household[users[1:]] == people.household[users[:-1]]
        pair = np.flatnonzero(same & (rng.random(len(same)) < 0.12))
        a, b = users[pair], users[pair + 1]
        parts_a.append(a), parts_b.append(b)
        parts_s.append(t0 + self._clock(len(a), 18.5, 22.0))
        parts_d.append((rng.uniform(0.5, 4.0, len(a)) * HOUR).astype(np.int64))
        parts_m.append(np.round(rng.lognormal(np.log(1.5), 0.5, len(a)), 2))
        parts_k.append(np.full(len(a), HOUSEHOLD))

        # same venue at the same time: neighbours in arrival order among app users present
        sel = np.flatnonzero(app[visits.person])
        for gap in (1, 2):
            i, j = sel[:-gap], sel[gap:]
            ok = (
                (visits.venue[i] == visits.venue[j])
                & (visits.start[j] < visits.end[i])
                & (visits.person[i] != visits.person[j])
            )
            ok &= rng.random(len(ok)) < 0.3
            i, j = i[ok], j[ok]
            overlap_start = np.maximum(visits.start[i], visits.start[j])
            overlap = np.minimum(visits.end[i], visits.end[j]) - overlap_start
            dur = np.maximum((overlap * rng.uniform(0.05, 0.7, len(i))).astype(np.int64), 30)
            begin = overlap_start + ((overlap - dur).clip(0) * rng.random(len(i))).astype(np.int64)
            parts_a.append(visits.person[i]), parts_b.append(visits.person[j])
            parts_s.append(t0 + begin)
            parts_d.append(dur)
            parts_m.append(np.round(rng.lognormal(np.log(2.2), 0.6, len(i)), 2))
            parts_k.append(np.full(len(i), VENUE))

        # neighbours in the same ward (street, stairwell), a few minutes
        local = np.flatnonzero(app & active & self.people.has_phone)
        if len(local) > 1:
            ward = people.ward[local]
            lo = np.searchsorted(ward, ward, side="left")
            hi = np.searchsorted(ward, ward, side="right")
            meet = np.flatnonzero((hi - lo > 1) & (rng.random(len(local)) < 0.03))
            other = lo[meet] + (rng.random(len(meet)) * (hi[meet] - lo[meet] - 1)).astype(np.int64)
            other += other >= meet  # skip oneself
            a, b = local[meet], local[other]
            ok = people.household[a] != people.household[b]
            a, b = a[ok], b[ok]
            parts_a.append(a), parts_b.append(b)
            parts_s.append(t0 + self._clock(len(a), 6.0, 21.0))
            parts_d.append((rng.uniform(2, 20, len(a)) * 60).astype(np.int64))
            parts_m.append(np.round(rng.lognormal(np.log(3.0), 0.6, len(a)), 2))
            parts_k.append(np.full(len(a), PROXIMITY))

        a, b = np.concatenate(parts_a), np.concatenate(parts_b)
        start, duration = np.concatenate(parts_s), np.concatenate(parts_d)
        distance, where = np.concatenate(parts_m), np.concatenate(parts_k)
        lo_, hi_ = np.minimum(a, b), np.maximum(a, b)
        self.contacts.append(
            pa.table(
                {
                    "event_id": self._ids("contacts", len(a)),
                    "person_a": lo_ + 1,
                    "person_b": hi_ + 1,
                    "start_ts": self.us(start),
                    "duration_s": duration,
                    "distance_m": distance,
                }
            )
        )
        close = distance <= 2.0
        self.encounter_buffer = (self.encounter_buffer + [(lo_[close], hi_[close])])[-3:]
        return lo_, hi_, start, duration, distance, where

    # ------------------------------------------------------------------ transmission
    def _infectiousness(self, day: int, alive_free: np.ndarray) -> np.ndarray:
        r = day - np.minimum(self.state.inf_t // DAY, 1 << 40)
        inside = (r >= 0) & (r <= LAST_INFECTIOUS_DAY)
        w = np.zeros(self.n)
        w[inside] = INFECTIOUSNESS[r[inside]]
        w[~alive_free] = 0.0
        return w * self.crowding

    def _transmit(
        self, day: int, visits: Visits, enc, active: np.ndarray, free: np.ndarray, multiplier: np.ndarray
    ) -> None:
        st, rng, people, params = self.state, self.rng, self.people, self.params
        t0 = day * DAY
        w = self._infectiousness(day, free)
        infectious = np.flatnonzero(w > 0)
        cand = []  # (infectee, infector, t, setting, venue)

        # household
        if len(infectious):
            hh = people.household[infectious]
            lo, hi = people.household_start[hh], people.household_start[hh + 1]
            size = hi - lo
            src = np.repeat(infectious, size)
            member = np.repeat(lo, size) + (np.arange(int(size.sum())) - np.repeat(np.cumsum(size) - size, size))
            p = params.household_daily * np.repeat(w[infectious], size)
            hit = (member != src) & (rng.random(len(member)) < p)
            cand.append(
                (
                    member[hit],
                    src[hit],
                    t0 + self._clock(int(hit.sum()), 17.0, 23.9),
                    HOUSEHOLD,
                    np.full(int(hit.sum()), -1),
                )
            )

        # venues: others present at overlapping times
        iv = np.flatnonzero(w[visits.person] > 0)
        if len(iv):
            venue = visits.venue[iv]
            kind = self.venues.kind[venue]
            lo = np.searchsorted(visits.key, (venue << 17) | np.maximum(visits.start[iv] - self.max_stay[kind], 0))
            hi = np.searchsorted(visits.key, (venue << 17) | visits.end[iv].clip(max=(1 << 17) - 1))
            n = hi - lo - 1
            prov = self.routines.province[visits.person[iv]]
            lam = (
                params.venue_lambda[kind]
                * w[visits.person[iv]]
                * n
                / (n + params.crowd_half)
                * np.minimum(multiplier[prov, COMMUNITY_TARGET] * 1.2, 1.0)
            )
            k = rng.poisson(np.where(n > 0, lam, 0.0))
            src_visit = np.repeat(iv, k)
            target = np.repeat(lo, k) + (rng.random(int(k.sum())) * np.repeat(hi - lo, k)).astype(np.int64)
            ok = (
                (visits.person[target] != visits.person[src_visit])
                & (visits.start[target] < visits.end[src_visit])
                & (visits.end[target] > visits.start[src_visit])
            )
            src_visit, target = src_visit[ok], target[ok]
            s = np.maximum(visits.start[src_visit], visits.start[target])
            e = np.minimum(visits.end[src_visit], visits.end[target])
            t = t0 + s + ((e - s) * rng.random(len(s))).astype(np.int64)
            presence = t0 + np.stack(
                [visits.start[src_visit], visits.end[src_visit], visits.start[target], visits.end[target]], axis=1
            )
            cand.append((visits.person[target], visits.person[src_visit], t, VENUE, visits.venue[target], presence))

        # proximity: recorded Bluetooth encounters away from home
        a, b, start, duration, distance, where = enc
        away = where != HOUSEHOLD
        a, b, start, duration, distance = a[away], b[away], start[away], duration[away], distance[away]
        closeness = np.select([distance <= 1.0, distance <= 2.0, distance <= 3.0], [1.0, 0.6, 0.2], 0.05)
        base = params.proximity * closeness * np.minimum(duration / 900.0, 1.0)
        for src, dst in ((a, b), (b, a)):
            p = base * w[src]
            hit = (p > 0) & (rng.random(len(p)) < p)
            t = start[hit] + (duration[hit] * rng.random(int(hit.sum()))).astype(np.int64)
            cand.append((dst[hit], src[hit], t, PROXIMITY, np.full(int(hit.sum()), -1)))

        # community: untraced infections near the infectious, weaker under measures
        if len(infectious):
            prov = self.routines.province[infectious]
            lam = params.community_daily * w[infectious] * multiplier[prov, COMMUNITY_TARGET]
            k = rng.poisson(lam)
            src = np.repeat(infectious, k)
            # mostly in the infector's district, otherwise anywhere in the province
            ward = people.ward[src]
            district = self.geo.ward_district[ward]
            in_district = rng.random(len(src)) < 0.7
            lo = np.where(
                in_district,
                self.ward_start[self.geo.district_first_ward[district]],
                self.province_start[prov.repeat(k)],
            )
            hi = np.where(
                in_district,
                self.ward_start[self.geo.district_ward_end[district]],
                self.province_start[prov.repeat(k) + 1],
            )
            dst = lo + (rng.random(len(src)) * (hi - lo)).astype(np.int64)
            cand.append((dst, src, t0 + self._clock(len(src), 7.0, 21.0), COMMUNITY, np.full(len(src), -1)))

        # seeds (imported): among today's visitors of the given kind if any, else residents
        today = self.seed_plan[self.seed_plan[:, 0] == day]
        if len(today):
            cand.append(self._seeds(day, today, visits, active))

        if not cand:
            return
        dst = np.concatenate([c[0] for c in cand]).astype(np.int64)
        src = np.concatenate([c[1] for c in cand]).astype(np.int64)
        t = np.concatenate([c[2] for c in cand]).astype(np.int64)
        setting = np.concatenate([np.full(len(c[0]), c[3]) for c in cand])
        venue = np.concatenate([c[4] for c in cand]).astype(np.int64)
        presence = np.concatenate([c[5] if len(c) > 5 else np.full((len(c[0]), 4), -1) for c in cand]).astype(np.int64)
        is_seed = setting == SEED
        ok = st.inf_t[dst] == NEVER_T
        ok &= free[dst]
        ok &= is_seed | ((t < st.conf_t[src]) & (t < st.death_t[src]) & (st.inf_t[src] < t))
        protection = np.where(
            st.vacc2_day[dst] + 14 <= day,
            params.ve_dose2,
            np.where(st.vacc1_day[dst] + 14 <= day, params.ve_dose1, 0.0),
        )
        ok &= is_seed | (rng.random(len(dst)) >= protection)
        dst, src, t, setting, venue, presence = dst[ok], src[ok], t[ok], setting[ok], venue[ok], presence[ok]
        order = np.lexsort((setting, t, dst))
        dst, src, t, setting, venue, presence = (
            dst[order],
            src[order],
            t[order],
            setting[order],
            venue[order],
            presence[order],
        )
        first = np.ones(len(dst), dtype=bool)
        first[1:] = dst[1:] != dst[:-1]
        dst, src, t, setting, venue, presence = (
            dst[first],
            src[first],
            t[first],
            setting[first],
            venue[first],
            presence[first],
        )
        src = np.where(setting == SEED, -1, src)
        self._infect(day, dst, src, t, setting, venue, presence)

    def _seeds(self, day: int, today: np.ndarray, visits: Visits, active: np.ndarray):
        rng, geo = self.rng, self.geo
        chosen, times = [], []
        v_prov = self.routines.province[visits.person]
        for _, p, district, kind in today:
            pool = np.flatnonzero(v_prov == p)
            if kind >= 0:
                pool = pool[self.venues.kind[visits.venue[pool]] == kind]
            if district >= 0:
                pool = pool[geo.ward_district[self.venues.ward[visits.venue[pool]]] == district]
            if len(pool):
                pick = pool[rng.integers(0, len(pool))]
                chosen.append(visits.person[pick])
                times.append(day * DAY + visits.start[pick])
            else:
                lo, hi = self.province_start[p], self.province_start[p + 1]
                if hi > lo:
                    chosen.append(lo + rng.integers(0, hi - lo))
                    times.append(day * DAY + self._clock(1, 8, 20)[0])
        n = len(chosen)
        return np.array(chosen, dtype=np.int64), np.full(n, -1), np.array(times, dtype=np.int64), SEED, np.full(n, -1)

    def _infect(self, day: int, dst, src, t, setting, venue, presence) -> None:
        st, rng, people = self.state, self.rng, self.people
        n = len(dst)
        st.inf_t[dst] = t
        vaccinated = st.vacc1_day[dst] + 14 <= day
        symptomatic = rng.random(n) < symptomatic_probability(people.age[dst], vaccinated)
        onset = t + incubation_seconds(rng, n)
        st.onset_t[dst[symptomatic]] = onset[symptomatic]
        dies = rng.random(n) < fatality_probability(people.age[dst], vaccinated)
        st.death_t[dst[dies]] = onset[dies] + (rng.uniform(8, 24, int(dies.sum())) * DAY).astype(np.int64)
        # symptomatic people seek a test after a delay that grows with the local load
        load = self._province_load(day)[self.routines.province[dst]]
        testing = self.testing
        seeks = symptomatic & (rng.random(n) < testing.seek / (1 + load / testing.seek_load_half))
        delay = rng.integers(*testing.delay_days, n)
        delay += (rng.random(n) < load / (load + testing.delay_load_half)) * rng.integers(1, 4, n)
        st.test_day[dst[seeks]] = (onset[seeks] // DAY + 1 + delay[seeks]).astype(np.int32)
        self.infections.add(infectee=dst, infector=src, t=t, setting=setting, venue=venue, presence=presence)

    def _province_load(self, day: int) -> np.ndarray:
        """Confirmed cases in the last 7 days per 100,000 simulated residents, by province."""
        lo = max(day - 7, 0)
        week = self.ward_cases[lo : day + 1].sum(axis=0)
        by_province = np.bincount(self.geo.ward_province, weights=week, minlength=len(self.geo.province_code))
        return by_province / np.maximum(self.province_people, 1) * 1e5

    # ------------------------------------------------------------------ testing, confirmation, tracing
    def _testing(self, day: int, alive: np.ndarray) -> None:
        st, rng, people = self.state, self.rng, self.people
        t0 = day * DAY
        not_confirmed = alive & (st.conf_t == NEVER_T)
        reasons = []
        reasons.append(np.flatnonzero((st.test_day == day) & not_confirmed))
        q = day - st.quar_start
        reasons.append(np.flatnonzero(((q == 0) | (q == 6) | (q == 13)) & (day < st.quar_until) & not_confirmed))
        # mass testing in wards with recent cases
        hot = self.ward_cases[max(day - 7, 0) : day].sum(axis=0) > 0
        resident_hot = hot[people.ward] & not_confirmed
        reasons.append(np.flatnonzero(resident_hot & (rng.random(self.n) < self.testing.mass)))
        # screening (workers of the industrial parks, travellers) and people with a cold
        screening = np.where(
            self.routines.role == FACTORY, self.testing.screening_factory, self.testing.screening_other
        )
        screened = not_confirmed & (rng.random(self.n) < screening)
        reasons.append(np.flatnonzero(screened))
        person = np.concatenate(reasons)
        if len(person) == 0:
            return
        person = np.unique(person)
        n = len(person)
        sample = t0 + self._clock(n, 7.0, 17.0)
        onset = st.onset_t[person]
        sample = np.where((onset // DAY == day) & (onset > sample), onset + HOUR, sample)
        kind = (rng.random(n) < 0.3).astype(np.int64)
        since = sample - st.inf_t[person]
        pcr_positive = (since >= int(1.5 * DAY)) & (since <= 21 * DAY) & (rng.random(n) < 0.95)
        antigen_positive = (since >= 2 * DAY) & (since <= 12 * DAY) & (rng.random(n) < 0.8)
        positive = np.where(kind == PCR, pcr_positive, antigen_positive)
        result = sample + np.where(kind == PCR, self._clock(n, 6, 30), self._clock(n, 0.25, 0.5))
        # a positive rapid test is confirmed by PCR the same day
        follow = np.flatnonzero((kind == ANTIGEN) & positive)
        f_sample = result[follow] + HOUR
        f_result = f_sample + self._clock(len(follow), 6, 24)
        f_positive = pcr_positive[follow] | (rng.random(len(follow)) < 0.9)
        all_person = np.concatenate([person, person[follow]])
        all_sample = np.concatenate([sample, f_sample])
        all_result = np.concatenate([result, f_result])
        all_kind = np.concatenate([kind, np.zeros(len(follow), dtype=np.int64)])
        all_positive = np.concatenate([positive, f_positive])
        self.tests.add(person=all_person, sample=all_sample, result=all_result, kind=all_kind, positive=all_positive)
        confirmed = (all_kind == PCR) & all_positive
        new = all_person[confirmed]
        conf_t = all_result[confirmed]
        order = np.lexsort((conf_t, new))
        new, conf_t = new[order], conf_t[order]
        keep = np.ones(len(new), dtype=bool)
        keep[1:] = new[1:] != new[:-1]
        new, conf_t = new[keep], conf_t[keep]
        if len(new) == 0:
            return
        st.conf_t[new] = conf_t
        st.test_day[new] = NEVER
        np.add.at(self.ward_cases[day], people.ward[new], 1)
        recover = (conf_t // DAY + rng.integers(12, 22, len(new))).astype(np.int32)
        st.recover_day[new] = recover
        survives = st.death_t[new] > recover.astype(np.int64) * DAY
        rec = new[survives & (recover < self.days)]
        self.outcomes.add(
            person=rec,
            t=st.recover_day[rec].astype(np.int64) * DAY + self._clock(len(rec), 8, 17),
            outcome=np.zeros(len(rec), dtype=np.int64),
        )
        self._trace(day, new)

    def _trace(self, day: int, cases: np.ndarray) -> None:
        st, rng, people = self.state, self.rng, self.people
        is_case = np.zeros(self.n, dtype=bool)
        is_case[cases] = True
        hh = people.household[cases]
        lo, hi = people.household_start[hh], people.household_start[hh + 1]
        size = hi - lo
        members = np.repeat(lo, size) + (np.arange(int(size.sum())) - np.repeat(np.cumsum(size) - size, size))
        contacts = [members]
        capacity = 1.0 / (1.0 + self._province_load(day) / 60.0)
        for a, b in self.encounter_buffer:
            hit_a, hit_b = is_case[a], is_case[b]
            contacts.append(b[hit_a])
            contacts.append(a[hit_b])
        found = np.unique(np.concatenate(contacts))
        found = found[
            ~is_case[found]
            & (st.conf_t[found] == NEVER_T)
            & ((st.quar_until[found] == NEVER) | (st.quar_until[found] <= day))
        ]
        traced = rng.random(len(found)) < capacity[self.routines.province[found]]
        household = np.isin(found, members)
        found = found[traced | household]
        st.quar_start[found] = day + 1
        st.quar_until[found] = day + 15

    # ------------------------------------------------------------------ declarations
    def _declare(self, day: int, free: np.ndarray, quarantined: np.ndarray, app: np.ndarray) -> None:
        st, rng = self.state, self.rng
        t0 = day * DAY
        onset_day = st.onset_t // DAY
        declares_for_them = self.people.has_phone | self.testing.declare_for_family
        ill = (onset_day < day) & (onset_day >= day - 3) & declares_for_them & (st.death_t > t0)
        routine = free & app & (rng.random(self.n) < 0.01)
        declares = ill & (rng.random(self.n) < self.testing.declare_ill)
        who = np.flatnonzero(routine | declares | (quarantined & (rng.random(self.n) < 0.4)))
        n = len(who)
        if n == 0:
            return
        symptomatic = ill[who]
        noise = rng.random((n, 4)) < np.array([0.004, 0.01, 0.002, 0.001])
        signs = rng.random((n, 4)) < np.array([0.7, 0.6, 0.2, 0.3])
        signs[:, 0] |= ~signs.any(axis=1)
        flags = np.where(symptomatic[:, None], signs, noise)
        t = t0 + self._clock(n, 6.0, 22.0)
        self.declarations.append(
            pa.table(
                {
                    "event_id": self._ids("declarations", n),
                    "person_id": who + 1,
                    "ts": self.us(t),
                    "fever": flags[:, 0],
                    "cough": flags[:, 1],
                    "breathless": flags[:, 2],
                    "lost_taste": flags[:, 3],
                    "contact_with_case": quarantined[who],
                }
            )
        )

    # ------------------------------------------------------------------ outcomes of the small tables
    def deaths(self) -> None:
        st = self.state
        died = np.flatnonzero(st.death_t < self.days * DAY)
        self.outcomes.add(person=died, t=st.death_t[died], outcome=np.ones(len(died), dtype=np.int64))
