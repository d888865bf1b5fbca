"""Daily routines and visits: work or school on weekdays, errands, travel, and who uses the app."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from . import reference
from .geography import Geography
from .population import People
from .reference import KIND_INDEX, MEASURE_TARGETS
from .venues import INDUSTRIAL, Venues, pick_venues

NEVER = 1 << 30
STUDENT, FACTORY, OFFICE = 1, 2, 3
TARGET = {name: i for i, name in enumerate(MEASURE_TARGETS)}

SUMMER = (dt.date(2021, 5, 29), dt.date(2021, 9, 5))

# errand kind, daily probability for (child < 15, adult male, adult female, elderly 65+), start windows (hours)
ERRANDS = [
    ("market", (0.04, 0.10, 0.33, 0.25), ((6.0, 9.0), (16.0, 18.5))),
    ("supermarket", (0.03, 0.05, 0.09, 0.04), ((9.0, 21.0),)),
    ("restaurant", (0.05, 0.14, 0.10, 0.05), ((11.0, 13.0), (18.0, 20.5))),
    ("cafe", (0.01, 0.25, 0.10, 0.10), ((6.5, 10.0), (19.0, 22.0))),
    ("worship", (0.02, 0.02, 0.05, 0.08), ((5.0, 7.0), (17.5, 20.0))),
    ("clinic", (0.01, 0.008, 0.012, 0.02), ((7.0, 17.0),)),
    ("hospital", (0.003, 0.003, 0.004, 0.01), ((7.0, 16.0),)),
    ("transport", (0.005, 0.02, 0.02, 0.01), ((5.0, 20.0),)),
    ("other", (0.10, 0.22, 0.25, 0.12), ((8.0, 21.0),)),
]


@dataclass
class Routines:
    role: np.ndarray  # int8: 0 none, STUDENT, FACTORY, OFFICE
    workplace: np.ndarray  # int64 venue index or -1
    residence: np.ndarray  # int64 residential venue index or -1
    app_day: np.ndarray  # int32 first day the person uses the app, NEVER if not
    province: np.ndarray  # int32
    group: np.ndarray  # int8: 0 child, 1 adult male, 2 adult female, 3 elderly


def build_routines(
    people: People,
    venues: Venues,
    geo: Geography,
    start: dt.date,
    days: int,
    rng: np.random.Generator,
    adoption: tuple[tuple[str, float], ...],
) -> Routines:
    """Roles, workplaces, homes and the day each person starts using the app (`adoption`: share of all people by date)."""
    n = len(people)
    age = people.age
    province = geo.ward_province[people.ward]
    role = np.zeros(n, dtype=np.int8)
    u = rng.random(n)
    student = (
        ((age >= 3) & (age <= 5) & (u < 0.8))
        | ((age >= 6) & (age <= 17) & (u < 0.97))
        | ((age >= 18) & (age <= 22) & (u < 0.3))
    )
    role[student] = STUDENT
    working_age = (age >= 18) & (age <= 60) & ~student
    employed = working_age & (rng.random(n) < np.where(people.male, 0.82, 0.72))
    factory_share = np.array([min(0.06 * INDUSTRIAL.get(code, 1.0), 0.5) for code in geo.province_code])[province]
    office_share = np.where(geo.ward_urban[people.ward], 0.45, 0.2)
    v = rng.random(n)
    role[employed & (v < factory_share)] = FACTORY
    role[employed & (v >= factory_share) & (v < factory_share + office_share)] = OFFICE

    workplace = np.full(n, -1, dtype=np.int64)
    for r, kind, level_p in (
        (STUDENT, "school", (0.3, 0.6, 0.1)),
        (FACTORY, "factory", (0.0, 0.3, 0.7)),
        (OFFICE, "office", (0.3, 0.45, 0.25)),
    ):
        who = np.flatnonzero(role == r)
        level = rng.choice(3, len(who), p=level_p)
        # some commute to another province (e.g. from Bắc Ninh to Bắc Giang's parks); handled as "anywhere"
        level[rng.random(len(who)) < 0.03] = 3
        workplace[who] = pick_venues(venues, geo, KIND_INDEX[kind], people.ward[who], level, rng.random(len(who)))
    role[(role > 0) & (workplace < 0)] = 0

    residence = np.full(n, -1, dtype=np.int64)
    household_lives_in_block = rng.random(len(people.household_start) - 1) < np.where(
        geo.ward_urban[people.ward[people.household_start[:-1]]], 0.35, 0.05
    )
    lives = np.flatnonzero(household_lives_in_block[people.household])
    residence[lives] = pick_venues(
        venues,
        geo,
        KIND_INDEX["residential"],
        people.ward[lives],
        np.zeros(len(lives), dtype=np.int64),
        rng.random(len(lives)),
    )
    # each household in one building: take the head's pick
    residence = residence[people.household_start[people.household]]

    app_day = np.full(n, NEVER, dtype=np.int32)
    owners = np.flatnonzero(people.has_phone)
    propensity = rng.random(len(owners)) * np.where(age[owners] >= 60, 2.0, 1.0) * np.where(age[owners] < 18, 1.4, 1.0)
    rank = np.empty(len(owners), dtype=np.int64)
    rank[np.argsort(propensity, kind="stable")] = np.arange(len(owners))
    dates = [reference.date_of(d).toordinal() for d, _ in adoption]
    shares = [s for _, s in adoption]
    adopters_by_day = np.interp(np.arange(-1, days) + start.toordinal(), dates, shares) * n
    adopters_by_day = np.maximum.accumulate(adopters_by_day)
    first = np.searchsorted(adopters_by_day, rank, side="right") - 1
    app_day[owners] = np.where(first <= days, first, NEVER).astype(np.int32)

    group = np.where(age < 15, 0, np.where(age >= 65, 3, np.where(people.male, 1, 2))).astype(np.int8)
    return Routines(
        role=role,
        workplace=workplace,
        residence=residence,
        app_day=app_day,
        province=province.astype(np.int32),
        group=group,
    )


@dataclass
class Visits:
    """One day's visits sorted by venue then arrival; times are seconds since local midnight."""

    person: np.ndarray
    venue: np.ndarray
    start: np.ndarray
    end: np.ndarray
    key: np.ndarray  # venue << 17 | start, sorted


def _hours(rng: np.random.Generator, n: int, windows) -> np.ndarray:
    which = rng.integers(0, len(windows), n)
    lo = np.array([w[0] for w in windows])[which]
    hi = np.array([w[1] for w in windows])[which]
    return ((lo + (hi - lo) * rng.random(n)) * 3600).astype(np.int64)


def daily_visits(
    day: int,
    date: dt.date,
    active: np.ndarray,
    people: People,
    routines: Routines,
    venues: Venues,
    geo: Geography,
    multiplier: np.ndarray,  # [province, target] for today
    rng: np.random.Generator,
) -> Visits:
    kinds = reference.venue_kinds()
    weekday = date.weekday()
    who = np.flatnonzero(active)
    prov = routines.province[who]
    persons, places, starts = [], [], []

    # work and school
    school_open = not (SUMMER[0] <= date <= SUMMER[1]) and weekday < 5
    for role, kind, open_today, attendance, windows in (
        (STUDENT, "school", school_open, 0.95, ((6.75, 7.5),)),
        (FACTORY, "factory", weekday < 6, 0.93, ((6.5, 7.5), (6.5, 7.5), (6.5, 7.5), (18.0, 19.0))),
        (OFFICE, "office", weekday < 5, 0.9, ((7.5, 9.0),)),
    ):
        if not open_today:
            continue
        k = KIND_INDEX[kind]
        mask = routines.role[who] == role
        mask &= rng.random(len(who)) < attendance * multiplier[prov, k]
        w = who[mask]
        persons.append(w)
        places.append(routines.workplace[w])
        starts.append(_hours(rng, len(w), windows))

    # travel: some spend the day's errands in another district or province
    go_district = rng.random(len(who)) < 0.05 * multiplier[prov, TARGET["travel_district"]]
    go_province = rng.random(len(who)) < 0.006 * multiplier[prov, TARGET["travel_province"]]
    errand_ward = people.ward[who].copy()
    if go_district.any():
        p = prov[go_district]
        lo, hi = geo.province_first_ward[p], geo.province_ward_end[p]
        errand_ward[go_district] = lo + (rng.random(len(p)) * (hi - lo)).astype(np.int64)
    if go_province.any():
        count = int(go_province.sum())
        weights = geo.ward_population / geo.ward_population.sum()
        errand_ward[go_province] = rng.choice(geo.n_wards, count, p=weights)
        # a checkpoint on the way into the destination province
        t = np.flatnonzero(go_province)
        persons.append(who[t])
        places.append(
            pick_venues(venues, geo, KIND_INDEX["checkpoint"], errand_ward[t], np.full(count, 2), rng.random(count))
        )
        starts.append(_hours(rng, count, ((5.5, 8.0),)))
    traveller = go_district | go_province
    sunday = weekday == 6
    group = routines.group[who]
    for kind, probabilities, windows in ERRANDS:
        k = KIND_INDEX[kind]
        p = np.array(probabilities)[group] * multiplier[prov, k]
        if kind == "worship" and sunday:
            p = p * 4
        if kind in ("restaurant", "cafe", "market") and weekday >= 5:
            p = p * 1.3
        go = rng.random(len(who)) < p
        g = np.flatnonzero(go)
        level = np.where(traveller[g], 1, rng.choice(3, len(g), p=(0.55, 0.37, 0.08)))
        places.append(pick_venues(venues, geo, k, errand_ward[g], level, rng.random(len(g))))
        persons.append(who[g])
        starts.append(_hours(rng, len(g), windows))

    home = who[routines.residence[who] >= 0]
    home = home[rng.random(len(home)) < 0.9]
    persons.append(home)
    places.append(routines.residence[home])
    starts.append(_hours(rng, len(home), ((18.0, 21.5),)))

    person = np.concatenate(persons).astype(np.int64)
    venue = np.concatenate(places).astype(np.int64)
    start = np.concatenate(starts).astype(np.int64)
    keep = venue >= 0
    person, venue, start = person[keep], venue[keep], start[keep]
    key = (venue << 17) | start
    order = np.argsort(key, kind="stable")
    person, venue, start, key = person[order], venue[order], start[order], key[order]
    kind = venues.kind[venue]
    stay = kinds.dwell_s[kind]
    exit_scan = venues.records_exit[venue]
    varied = (stay * (0.8 + 0.45 * rng.random(len(stay)))).astype(np.int64)
    stay = np.where(exit_scan, varied, stay)
    return Visits(person=person, venue=venue, start=start, end=start + stay, key=key)
