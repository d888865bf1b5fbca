"""Transmission parameters and the natural history of an infection (Delta, 2021)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .reference import KINDS

DAY = 86400
HOUR = 3600

# relative infectiousness by day since infection (none before day 2: latent period)
INFECTIOUSNESS = np.array([0, 0, 0.5, 0.9, 1.0, 1.0, 0.8, 0.6, 0.4, 0.25, 0.15, 0.1])
LAST_INFECTIOUS_DAY = len(INFECTIOUSNESS) - 1

# expected infections per visit of a fully infectious person to a venue of each kind (busy venue)
VENUE_LAMBDA = dict(
    market=0.15,
    supermarket=0.05,
    restaurant=0.15,
    cafe=0.1,
    office=0.14,
    factory=0.26,
    school=0.12,
    hospital=0.1,
    clinic=0.05,
    worship=0.35,
    transport=0.05,
    checkpoint=0.01,
    residential=0.08,
    other=0.05,
)


# Crowded housing (boarding houses of the industrial parks, dense alleys) raises transmission in the
# places where the 2021 wave grew; a modelling assumption that reproduces where it grew, not a measurement.
CROWDING = {"79": 1.9, "74": 1.8, "75": 1.6, "80": 1.6, "24": 1.2, "27": 1.2}


@dataclass(frozen=True)
class Parameters:
    household_daily: float = 0.019  # per infectious day and household member
    community_daily: float = 0.025  # untraced infections per infectious day
    proximity: float = 0.06  # per close (<= 1 m) encounter of 15 minutes or more
    venue_lambda: np.ndarray = field(default_factory=lambda: np.array([VENUE_LAMBDA[k] for k in KINDS]))
    crowd_half: float = 4.0  # a venue with this many others present gives half the lambda
    ve_dose1: float = 0.3  # protection against infection, from 14 days after the dose
    ve_dose2: float = 0.65


def symptomatic_probability(age: np.ndarray, vaccinated: np.ndarray) -> np.ndarray:
    p = np.where(age < 18, 0.35, np.where(age < 60, 0.6, 0.75))
    return p * np.where(vaccinated, 0.7, 1.0)


def fatality_probability(age: np.ndarray, vaccinated: np.ndarray) -> np.ndarray:
    """Infection fatality by age (Delta, 2021, with strained hospitals), lower after vaccination."""
    p = np.interp(
        age,
        [0, 29, 30, 49, 50, 64, 65, 74, 75, 99],
        [0.0001, 0.0002, 0.001, 0.002, 0.008, 0.012, 0.03, 0.04, 0.08, 0.12],
    )
    return p * np.where(vaccinated, 0.2, 1.0)


def incubation_seconds(rng: np.random.Generator, n: int) -> np.ndarray:
    days = np.maximum(rng.lognormal(np.log(4.0), 0.45, n), 2.0)
    return (days * DAY).astype(np.int64)
