"""Which positive tests confirm a case, by rule version (rules/case_definition.toml)."""

from __future__ import annotations

import datetime as dt
import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path

_FILE = Path(__file__).with_name("case_definition.toml")


@dataclass(frozen=True)
class CaseDefinition:
    name: str
    source: str
    effective: dt.date
    counted_kinds: tuple[str, ...]


@functools.cache
def case_definitions() -> tuple[CaseDefinition, ...]:
    """All versions, oldest first."""
    data = tomllib.loads(_FILE.read_text(encoding="utf-8"))
    versions = [
        CaseDefinition(v["name"], v["source"], v["effective"], tuple(v["counted_kinds"])) for v in data["version"]
    ]
    return tuple(sorted(versions, key=lambda v: v.effective))


def case_definition_in_force(day: dt.date | None = None) -> CaseDefinition:
    """The newest version effective on `day` (the oldest if `day` precedes them all; the newest if None)."""
    versions = case_definitions()
    if day is None:
        return versions[-1]
    eligible = [v for v in versions if v.effective <= day]
    return eligible[-1] if eligible else versions[0]
