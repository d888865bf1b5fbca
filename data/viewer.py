"""Whose data a request may see: the national level, or some provinces, or some districts."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

_CODE = {"province": re.compile(r"\d{2}"), "district": re.compile(r"\d{3}")}


@dataclass(frozen=True)
class Viewer:
    """A jurisdiction. Every data function takes one and filters by it in SQL."""

    level: str = "national"
    codes: tuple[str, ...] = ()

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
    def cache_key(self) -> str:
        return self.level + ":" + ",".join(sorted(self.codes))


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
