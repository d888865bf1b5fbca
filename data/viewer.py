"""Whose data a request may see (the national level, or some provinces, or some districts) and how much of it: personal
fields or not, small counts suppressed or not."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace

_CODE = {"province": re.compile(r"\d{2}"), "district": re.compile(r"\d{3}")}


@dataclass(frozen=True)
class Viewer:
    """A jurisdiction, and what its reader may see inside it. Every data function takes one and filters by it in SQL.

    `personal`: names, phones, identity numbers, addresses and a person's exact times come back (a role with `personal`
    in data/roles.toml); otherwise those columns are NULL. `suppress_below`: counts from 1 to this minus one come back
    as SUPPRESSED (the press); such a viewer reads aggregates only. Both default to the least: a Viewer made without a
    role (a test, a background job) sees no personal field. data/access.py gives a principal's viewer its role's."""

    level: str = "national"
    codes: tuple[str, ...] = ()
    personal: bool = False
    suppress_below: int = 0

    def __post_init__(self) -> None:
        if self.level == "national":
            if self.codes:
                raise ValueError("a national viewer has no area codes")
            return
        if self.level not in _CODE:
            raise ValueError(f"unknown jurisdiction level {self.level!r}")
        if not self.codes:
            raise ValueError(f"a {self.level} viewer needs at least one code")
        bad = [c for c in self.codes if not _CODE[self.level].fullmatch(c)]
        if bad:
            raise ValueError(f"not {self.level} codes: {', '.join(bad)}")

    @property
    def params(self) -> dict[str, object]:
        """Bound parameters for the `in_scope` filter of every query."""
        return {"scope_level": self.level, "scope_codes": list(self.codes)}

    @property
    def aggregates_only(self) -> bool:
        """Reads counts only: no case, person, trace or work list (the press)."""
        return self.suppress_below > 0

    def seeing(self, *, personal: bool, suppress_below: int) -> Viewer:
        """The same jurisdiction read with these disclosure settings."""
        return replace(self, personal=personal, suppress_below=suppress_below)

    @property
    def cache_key(self) -> str:
        """Everything that changes an answer: one role's cached answer never reaches another."""
        key = self.level + ":" + ",".join(sorted(self.codes))
        return (
            key
            + (":personal" if self.personal else "")
            + (f":below{self.suppress_below}" if self.suppress_below else "")
        )


NATIONAL = Viewer()


def parse_viewer(text: str | None) -> Viewer:
    """`national`, `province:79`, `province:79,74` or `district:760,761` (as PCCOVID_VIEWER gives it)."""
    if not text or text.strip() == "national":
        return NATIONAL
    level, _, codes = text.strip().partition(":")
    return Viewer(level, tuple(c.strip() for c in codes.split(",") if c.strip()))


def deployment_viewer() -> Viewer:
    """The deployment's outer bound: PCCOVID_VIEWER (a provincial command centre runs with `province:79`), national by
    default. A user's own scope must lie inside it (data/access.py)."""
    return parse_viewer(os.environ.get("PCCOVID_VIEWER"))
