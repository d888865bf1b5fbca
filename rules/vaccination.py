"""What counts as fully vaccinated, by rule version (rules/vaccination.toml)."""

from __future__ import annotations

import datetime as dt
import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path

_FILE = Path(__file__).with_name("vaccination.toml")


@dataclass(frozen=True)
class VaccinationRule:
    name: str
    source: str
    effective: dt.date
    full_doses: int


@functools.cache
def vaccination_rules() -> tuple[VaccinationRule, ...]:
    """All versions, oldest first."""
    data = tomllib.loads(_FILE.read_text(encoding="utf-8"))
    versions = [VaccinationRule(v["name"], v["source"], v["effective"], int(v["full_doses"])) for v in data["version"]]
    return tuple(sorted(versions, key=lambda v: v.effective))


def vaccination_rule_in_force(day: dt.date | None = None) -> VaccinationRule:
    """The newest version effective on `day` (the oldest if `day` precedes them all; the newest if None)."""
    versions = vaccination_rules()
    if day is None:
        return versions[-1]
    eligible = [v for v in versions if v.effective <= day]
    return eligible[-1] if eligible else versions[0]
