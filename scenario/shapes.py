"""The shapes an epidemic of the scenario can take: the 2021 Delta wave, or community spread from a few seeds.

A shape is data for the one simulation (scenario/simulate.py): where and when the seeds come, which
distancing measures apply, how many people use the app, how infectious each setting is and how people get
tested. Population, venues, routines, vaccination and the writing of the dataset are the same for every shape.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from .epidemic import CROWDING, VENUE_LAMBDA, Parameters
from .reference import KINDS


@dataclass(frozen=True)
class Testing:
    """Who gets tested when, and who declares symptoms."""

    seek: float = 0.85  # share of symptomatic people who go for a test (falls as the local load grows)
    seek_load_half: float = 200.0  # confirmed cases per 100,000 in 7 days at which half as many seek a test
    delay_days: tuple[int, int] = (0, 3)  # the test comes this many days (uniform, [lo, hi)) after the day after onset
    delay_load_half: float = 50.0  # confirmed per 100,000 in 7 days at which half the tests wait 1-3 days more
    mass: float = 0.08  # daily share of residents tested in wards with a case in the last 7 days
    screening_factory: float = 0.02  # daily share of factory workers screened
    screening_other: float = 0.002  # everyone else (travellers, a cold)
    declare_ill: float = 0.5  # daily chance that a person in the first three days of symptoms declares them
    declare_for_family: bool = False  # people without a phone declare through a relative's app (PC-Covid allows it)


@dataclass(frozen=True)
class Shape:
    name: str
    start: dt.date  # the first simulated day unless the caller gives one
    seeds: str  # file in scenario/data/ with the seed windows (reference.seed_windows)
    measures: str | None  # file in scenario/data/ with distancing levels by province and period, or none
    adoption: tuple[tuple[str, float], ...]  # share of all people using the app, by date (linear in between)
    crowding: dict[str, float]  # infectiousness multiplier by province code
    params: Parameters = field(default_factory=Parameters)
    testing: Testing = field(default_factory=Testing)


# Share of all people using the contact-tracing app (Bluezone, then PC-Covid), by date.
ADOPTION_2021 = (
    ("2021-04-01", 0.10),
    ("2021-04-27", 0.12),
    ("2021-06-01", 0.15),
    ("2021-07-15", 0.22),
    ("2021-08-15", 0.28),
    ("2021-09-15", 0.32),
    ("2021-10-15", 0.34),
    ("2021-12-31", 0.36),
)

DELTA = Shape(
    name="delta",
    start=dt.date(2021, 4, 27),
    seeds="seeds.csv",
    measures="measures.csv",
    adoption=ADOPTION_2021,
    crowding=CROWDING,
)


def _venue_lambda(**changes: float) -> np.ndarray:
    return np.array([changes.get(kind, VENUE_LAMBDA[kind]) for kind in KINDS])


# A few dozen seeds, then spread through schools, workplaces and markets with everything open and the platform in
# every pocket: venue exposures dominate, F1 lists run to tens of people, and most cases are found because they
# have symptoms, some days after the onset they declared. Modelled on the reopening of late 2021 (Resolution
# 128/NQ-CP: schools and workplaces open, PC-Covid and venue QR codes required, adults vaccinated, children not);
# the parameters are modelling assumptions chosen for that shape, not a reconstruction of a province's wave.
COMMUNITY = Shape(
    name="community",
    start=dt.date(2021, 11, 1),
    seeds="community_seeds.csv",
    measures=None,
    adoption=(("2021-10-01", 0.55), ("2022-03-31", 0.62)),
    crowding={},
    params=Parameters(
        household_daily=0.028,
        community_daily=0.004,
        proximity=0.06,
        venue_lambda=_venue_lambda(
            school=0.35,
            office=0.31,
            factory=0.4,
            market=0.26,
            supermarket=0.06,
            restaurant=0.08,
            cafe=0.05,
            worship=0.1,
        ),
        # months after the second dose, protection against infection has waned (late 2021)
        ve_dose1=0.2,
        ve_dose2=0.4,
    ),
    testing=Testing(
        seek=0.9,
        seek_load_half=5000.0,
        delay_days=(0, 5),
        delay_load_half=2000.0,
        mass=0.01,
        screening_factory=0.005,
        declare_ill=0.8,
        declare_for_family=True,
    ),
)

SHAPES = {shape.name: shape for shape in (DELTA, COMMUNITY)}


def shape_named(name: str) -> Shape:
    try:
        return SHAPES[name]
    except KeyError:
        raise ValueError(f"unknown scenario shape {name!r}; choose one of {', '.join(SHAPES)}") from None
