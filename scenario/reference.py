"""Reference tables of the scenario (names, age pyramid, venue kinds, measures…) read from data/*.csv."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from data.contract import VENUE_KINDS

DATA_DIR = Path(__file__).parent / "data"

KINDS = VENUE_KINDS  # the contract's order: indices below are positions in it
KIND_INDEX = {kind: i for i, kind in enumerate(KINDS)}


def read_rows(name: str) -> list[dict[str, str]]:
    """Rows of a data file, skipping its '#' comment header."""
    with open(DATA_DIR / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))


def date_of(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@dataclass(frozen=True)
class WeightedNames:
    names: tuple[str, ...]
    probabilities: np.ndarray


def _weighted(rows: list[dict[str, str]], weight: str) -> WeightedNames:
    weights = np.array([float(row[weight]) for row in rows])
    return WeightedNames(tuple(row["name"] for row in rows), weights / weights.sum())


@cache
def family_names() -> WeightedNames:
    return _weighted(read_rows("family_names.csv"), "share")


@cache
def middle_names(sex: str) -> WeightedNames:
    return _weighted([r for r in read_rows("middle_names.csv") if r["sex"] == sex], "weight")


@cache
def given_names(sex: str) -> WeightedNames:
    return _weighted([r for r in read_rows("given_names.csv") if r["sex"] == sex], "weight")


@cache
def age_pyramid() -> tuple[np.ndarray, np.ndarray]:
    """Share of the population and share of males for each single year of age 0..99."""
    share = np.zeros(100)
    male = np.zeros(100)
    for row in read_rows("age_pyramid_2019.csv"):
        lo, hi = int(row["age_from"]), int(row["age_to"])
        years = np.arange(lo, hi + 1)
        if hi >= 99:
            # the open top group thins out with age
            weights = np.exp(-(years - lo) / 6.0)
        else:
            weights = np.ones(len(years))
        share[years] = float(row["share"]) * weights / weights.sum()
        male[years] = float(row["male_share"])
    return share / share.sum(), male


@cache
def household_sizes() -> tuple[np.ndarray, np.ndarray]:
    rows = read_rows("household_sizes.csv")
    sizes = np.array([int(r["size"]) for r in rows])
    shares = np.array([float(r["share"]) for r in rows])
    return sizes, shares / shares.sum()


@cache
def phone_prefixes() -> tuple[np.ndarray, np.ndarray]:
    """Three-digit mobile prefixes (as integers, e.g. 86 for 086) and their probabilities."""
    prefixes: list[int] = []
    weights: list[float] = []
    for row in read_rows("carriers.csv"):
        codes = row["prefixes"].split()
        prefixes += [int(code) for code in codes]
        weights += [float(row["share"]) / len(codes)] * len(codes)
    w = np.array(weights)
    return np.array(prefixes, dtype=np.int64), w / w.sum()


@dataclass(frozen=True)
class VenueKinds:
    dwell_s: np.ndarray
    per_1000: np.ndarray
    qr_start: np.ndarray
    qr_end: np.ndarray
    exit_share: np.ndarray
    venue_scan_share: np.ndarray


@cache
def venue_kinds() -> VenueKinds:
    rows = {row["kind"]: row for row in read_rows("venue_kinds.csv")}

    def column(name: str) -> np.ndarray:
        return np.array([float(rows[kind][name]) for kind in KINDS])

    return VenueKinds(
        dwell_s=(column("dwell_min") * 60).astype(np.int64),
        per_1000=column("per_1000"),
        qr_start=column("qr_start"),
        qr_end=column("qr_end"),
        exit_share=column("exit_share"),
        venue_scan_share=column("venue_scan_share"),
    )


MEASURE_TARGETS = (*KINDS, "travel_district", "travel_province", "community")


@cache
def measure_multipliers() -> np.ndarray:
    """multiplier[level, target] for levels 0..3 and MEASURE_TARGETS."""
    table = np.ones((4, len(MEASURE_TARGETS)))
    index = {name: i for i, name in enumerate(MEASURE_TARGETS)}
    for row in read_rows("measure_levels.csv"):
        table[int(row["level"]), index[row["target"]]] = float(row["multiplier"])
    return table


def measure_levels(
    province_codes: list[str], start: dt.date, days: int, name: str | None = "measures.csv"
) -> np.ndarray:
    """level[day, province] of measures in force (none without a measures file)."""
    levels = np.zeros((days, len(province_codes)), dtype=np.int8)
    column = {code: i for i, code in enumerate(province_codes)}
    for row in read_rows(name) if name else ():
        lo = max((date_of(row["start"]) - start).days, 0)
        hi = min((date_of(row["end"]) - start).days + 1, days)
        if hi <= lo:
            continue
        level = int(row["level"])
        if row["province"] == "*":
            np.maximum(levels[lo:hi], level, out=levels[lo:hi])
        elif row["province"] in column:
            c = column[row["province"]]
            np.maximum(levels[lo:hi, c], level, out=levels[lo:hi, c])
    return levels


def first_dose_coverage(province_codes: list[str], start: dt.date, days: int) -> np.ndarray:
    """coverage[day, province]: share of adults with a first dose by the end of each day."""
    rows = read_rows("vaccination_coverage.csv")
    day_numbers = np.arange(days) + start.toordinal()

    def curve(group: str) -> np.ndarray:
        points = sorted(
            (date_of(r["date"]).toordinal(), float(r["first_dose_share"])) for r in rows if r["province"] == group
        )
        xs, ys = zip(*points, strict=True)
        return np.interp(day_numbers, xs, ys)

    groups = {r["province"] for r in rows}
    default = curve("*")
    return np.stack([curve(code) if code in groups else default for code in province_codes], axis=1)


@dataclass(frozen=True)
class VaccinePeriod:
    start: dt.date
    names: tuple[str, ...]
    probabilities: np.ndarray
    interval_min: np.ndarray
    interval_max: np.ndarray


@cache
def vaccine_periods() -> tuple[VaccinePeriod, ...]:
    rows = read_rows("vaccines.csv")
    periods = []
    for start in sorted({r["from"] for r in rows}):
        group = [r for r in rows if r["from"] == start]
        weights = np.array([float(r["weight"]) for r in group])
        periods.append(
            VaccinePeriod(
                start=date_of(start),
                names=tuple(r["vaccine"] for r in group),
                probabilities=weights / weights.sum(),
                interval_min=np.array([int(r["interval_min"]) for r in group]),
                interval_max=np.array([int(r["interval_max"]) for r in group]),
            )
        )
    return tuple(periods)


@cache
def vaccine_names() -> tuple[str, ...]:
    names: list[str] = []
    for period in vaccine_periods():
        names += [n for n in period.names if n not in names]
    return tuple(names)


@dataclass(frozen=True)
class SeedWindow:
    province: str
    district: str
    first_day: int  # simulated days from the start, inclusive
    last_day: int
    count_per_100k: float
    min_count: int
    kind: str


def seed_windows(name: str, start: dt.date) -> tuple[SeedWindow, ...]:
    """The seed windows of a seeds file, as simulated days from `start`.

    A file gives each window by dates (`start`, `end`: a historical wave) or by days from the first
    simulated day (`first_day`, `last_day`: a shape that can start on any date).
    """

    def day(row: dict[str, str], date_column: str, day_column: str) -> int:
        if row.get(date_column):
            return (date_of(row[date_column]) - start).days
        return int(row[day_column])

    return tuple(
        SeedWindow(
            province=r["province"],
            district=r["district"],
            first_day=day(r, "start", "first_day"),
            last_day=day(r, "end", "last_day"),
            count_per_100k=float(r["count_per_100k"]),
            min_count=int(r["min_count"]),
            kind=r["kind"],
        )
        for r in read_rows(name)
    )
