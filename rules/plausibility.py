"""What the loader refuses as impossible (rules/plausibility.toml): event times, ages, coordinates, text."""

from __future__ import annotations

import datetime as dt
import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path

_FILE = Path(__file__).with_name("plausibility.toml")


@dataclass(frozen=True)
class Plausibility:
    name: str
    source: str
    earliest_event: dt.datetime
    clock_skew: dt.timedelta
    max_age_years: int
    max_result_delay: dt.timedelta
    lat_range: tuple[float, float]
    lon_range: tuple[float, float]
    max_contact_duration_s: int
    max_contact_distance_m: float
    dose_range: tuple[int, int]
    id_range: tuple[int, int]
    max_chars: dict[str, int]  # per column of free text: full_name, venue_name, vaccine
    forbidden: tuple[tuple[int, int], ...]  # inclusive code point ranges refused in free text

    def latest_event(self, now: dt.datetime) -> dt.datetime:
        """The latest instant an event loaded at `now` may carry."""
        return now + self.clock_skew

    def birth_range(self, today: dt.date) -> tuple[dt.date, dt.date]:
        """The earliest and latest birth dates of a person alive on `today` (ages 0 to max_age_years)."""
        try:
            earliest = today.replace(year=today.year - self.max_age_years)
        except ValueError:  # 29 February, a non-leap year back
            earliest = today.replace(year=today.year - self.max_age_years, day=28)
        return earliest, today

    def forbidden_pattern(self) -> str:
        """The forbidden code points as one RE2 character class (`[\\x{0}-\\x{1F}…]`)."""
        return "[" + "".join(f"\\x{{{lo:X}}}-\\x{{{hi:X}}}" for lo, hi in self.forbidden) + "]"


def _pair(low: float, high: float, what: str) -> tuple:
    if not low <= high:
        raise ValueError(f"{_FILE.name}: {what} runs from {low} to {high}")
    return low, high


@functools.cache
def plausibility() -> Plausibility:
    data = tomllib.loads(_FILE.read_text(encoding="utf-8"))
    earliest = data["event_time"]["earliest"]
    if not isinstance(earliest, dt.datetime) or earliest.tzinfo is None:
        raise ValueError(f"{_FILE.name}: [event_time] earliest must be an instant with its offset (…Z)")
    coords, contact, text = data["coordinates"], data["contact"], data["text"]
    forbidden = tuple(_pair(int(lo), int(hi), "a forbidden range") for lo, hi in text["forbidden"])
    return Plausibility(
        name=data["name"],
        source=data["source"],
        earliest_event=earliest,
        clock_skew=dt.timedelta(minutes=int(data["event_time"]["clock_skew_minutes"])),
        max_age_years=int(data["birth_date"]["max_age_years"]),
        max_result_delay=dt.timedelta(days=int(data["test_result"]["max_days_after_sample"])),
        lat_range=_pair(float(coords["lat_min"]), float(coords["lat_max"]), "latitude"),
        lon_range=_pair(float(coords["lon_min"]), float(coords["lon_max"]), "longitude"),
        max_contact_duration_s=int(contact["max_duration_s"]),
        max_contact_distance_m=float(contact["max_distance_m"]),
        dose_range=_pair(int(data["dose"]["min"]), int(data["dose"]["max"]), "dose"),
        id_range=_pair(int(data["id"]["min"]), int(data["id"]["max"]), "id"),
        max_chars={column: int(n) for column, n in text["max_chars"].items()},
        forbidden=forbidden,
    )
