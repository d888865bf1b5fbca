"""Where things live: the store, the shared geography and population files, Redis; all overridable by environment."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def geo_dir() -> Path:
    """Boundaries and codes of provinces and districts (`../shared/geo` unless PCCOVID_GEO_DIR)."""
    return Path(os.environ.get("PCCOVID_GEO_DIR") or SHARED / "geo")


def population_csv() -> Path:
    """The 2019 census by province (`../shared/data` unless PCCOVID_SHARED_DATA_DIR)."""
    folder = Path(os.environ.get("PCCOVID_SHARED_DATA_DIR") or SHARED / "data")
    return folder / "province_population_2019.csv"


def db_path() -> Path:
    """The DuckDB store (`var/pccovid.duckdb` unless PCCOVID_DB)."""
    return Path(os.environ.get("PCCOVID_DB") or ROOT / "var" / "pccovid.duckdb")


def warm_ahead() -> bool:
    """Whether the server computes the overview's first view and the boundaries before anyone asks, at start and
    after every commit (on unless PCCOVID_WARM=0: off only to time what a request costs with nothing computed)."""
    return os.environ.get("PCCOVID_WARM", "1").strip().lower() not in ("0", "false", "no", "off")


def redis_url() -> str | None:
    """An external Redis or Valkey server; None means: start the embedded one."""
    return os.environ.get("REDIS_URL") or None


def stale_seconds() -> int:
    """After how long without new events the wall warns that its figures are stale (PCCOVID_STALE_SECONDS, 300)."""
    try:
        return max(1, int(os.environ.get("PCCOVID_STALE_SECONDS") or 300))
    except ValueError:
        return 300


def reference_dir(db: Path | None = None) -> Path:
    """The ingest API's reference snapshot of a store (`<store>.reference/` unless PCCOVID_REFERENCE_DIR)."""
    found = os.environ.get("PCCOVID_REFERENCE_DIR")
    return Path(found) if found else (db or db_path()).with_suffix(".reference")
