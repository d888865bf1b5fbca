"""Reads the query files under data/queries: one query per file, named like the function that runs it."""

from __future__ import annotations

import functools
from pathlib import Path

_QUERIES = Path(__file__).parent / "queries"


@functools.cache
def sql(name: str) -> str:
    """The text of `queries/<name>.sql` (e.g. `load/insert_checkins`)."""
    path = _QUERIES / f"{name}.sql"
    if not path.is_file():
        raise KeyError(f"no query file {path}")
    return path.read_text(encoding="utf-8")
