"""Named scenario sizes: `demo` for `make run`, `bench` for `make bench`, `test` for the test suite."""

from __future__ import annotations

import datetime as dt

PRESETS: dict[str, dict] = {
    # about 190,000 people, the whole wave from late April to late October 2021
    "demo": dict(scale=0.002, days=180, seed=20210427, start=dt.date(2021, 4, 27)),
    # about 7.2 million people: at least 100 million check-ins and 20 million encounters over 90 days
    "bench": dict(scale=0.075, days=90, seed=20210427, start=dt.date(2021, 6, 1)),
    # small and quick, still with infections of every setting
    "test": dict(scale=0.0004, days=150, seed=7, start=dt.date(2021, 4, 27)),
}


def preset(name: str) -> dict:
    """The keyword arguments of `scenario.generate` for a named preset (a fresh copy)."""
    try:
        return dict(PRESETS[name])
    except KeyError:
        raise ValueError(f"unknown scenario preset {name!r}; choose one of {', '.join(PRESETS)}") from None
