"""Named scenarios: `demo` for `make run`, `bench` for `make bench`, `test` for the test suite (the Delta wave),
and the community shape at the test, peer and bench sizes (scenario/shapes.py)."""

from __future__ import annotations

import datetime as dt

PRESETS: dict[str, dict] = {
    # about 190,000 people, the whole wave from late April to late October 2021
    "demo": dict(scale=0.002, days=180, seed=20210427, start=dt.date(2021, 4, 27), shape="delta"),
    # about 7.2 million people: at least 100 million check-ins and 20 million encounters over 90 days
    "bench": dict(scale=0.075, days=90, seed=20210427, start=dt.date(2021, 6, 1), shape="delta"),
    # small and quick, still with infections of every setting
    "test": dict(scale=0.0004, days=150, seed=7, start=dt.date(2021, 4, 27), shape="delta"),
    # community spread, small and quick for the tests: about 19,000 people, 30 seeds, some 460 confirmed cases
    "community-test": dict(scale=0.0002, days=60, seed=7, start=dt.date(2021, 11, 1), shape="community"),
    # the size of the peer (an agent-based simulator's epidemic): about 50,000 people over 90 days,
    # 2.8 million check-ins, 2.1 million encounters, 29 seeds, some 2,300 confirmed cases
    "community": dict(scale=0.00052, days=90, seed=20211101, start=dt.date(2021, 11, 1), shape="community"),
    # a larger community scenario, generated in about 100 s: about 1 million people over 90 days,
    # some 55 million check-ins and 42 million encounters, 25,000 confirmed cases (the bench preset's 7.2 million
    # would take some 12 minutes and 400 million check-ins: 0.6 a resident a day, four times the Delta wave's)
    "community-bench": dict(scale=0.0104, days=90, seed=20211101, start=dt.date(2021, 11, 1), shape="community"),
}


def preset(name: str) -> dict:
    """The keyword arguments of `scenario.generate` for a named preset (a fresh copy)."""
    try:
        return dict(PRESETS[name])
    except KeyError:
        raise ValueError(f"unknown scenario preset {name!r}; choose one of {', '.join(PRESETS)}") from None
