"""The area-level matrix as plain functions: every band and boundary, coverage, capacity, and the 48-hour rule."""

from __future__ import annotations

import datetime as dt

import pytest

from rules.area_level import area_level_rule_in_force, coverage_met, level_in_force, proposed_level

R4800 = area_level_rule_in_force(dt.date(2021, 11, 1))
R218 = area_level_rule_in_force(dt.date(2022, 2, 1))
VN = dt.timezone(dt.timedelta(hours=7))


def test_versions_by_date() -> None:
    assert R4800.name == "4800/QD-BYT 2021-10-12" and R4800.effective == dt.date(2021, 10, 12)
    assert R218.name == "218/QD-BYT 2022-01-27"
    assert area_level_rule_in_force(dt.date(2022, 1, 26)).name == R4800.name
    assert area_level_rule_in_force(dt.date(2021, 7, 1)).name == R4800.name  # before any: the oldest


@pytest.mark.parametrize(
    ("rate", "met", "not_met"),
    [(0.01, 1, 2), (19.99, 1, 2), (20, 2, 3), (49.99, 2, 3), (50, 3, 4), (149.99, 3, 4), (150, 4, 4), (900, 4, 4)],
)
def test_4800_matrix_bands_and_boundaries(rate: float, met: int, not_met: int) -> None:
    assert proposed_level(R4800, 1, rate, True, True) == met
    assert proposed_level(R4800, 1, rate, False, True) == not_met


def test_zero_cases_is_level_1_whatever_else() -> None:
    assert proposed_level(R4800, 0, 0.0, False, False) == 1


@pytest.mark.parametrize(
    ("rate", "coverage", "expected"), [(10, True, 2), (10, False, 3), (30, True, 3), (60, False, 4)]
)
def test_capacity_not_met_raises_by_one_up_to_4(rate: float, coverage: bool, expected: int) -> None:
    assert proposed_level(R4800, 5, rate, coverage, False) == expected


def test_4800_coverage_boundaries() -> None:
    assert coverage_met(R4800, 0.70, 0.80, 0.0)
    assert not coverage_met(R4800, 0.6999, 0.80, 1.0)
    assert not coverage_met(R4800, 0.70, 0.7999, 1.0)


def test_218_coverage_and_level_4_above_600() -> None:
    assert coverage_met(R218, 0.0, 0.90, 0.75)
    assert not coverage_met(R218, 1.0, 0.90, 0.7499)
    assert not coverage_met(R218, 1.0, 0.8999, 0.75)
    assert proposed_level(R218, 10, 600, True, True) == 3
    assert proposed_level(R218, 10, 600.01, True, True) == 4
    assert proposed_level(R218, 10, 19.99, True, True) == 1


def test_a_change_takes_effect_48_hours_after_it_is_computed() -> None:
    monday = dt.datetime(2021, 10, 18, 0, 0, tzinfo=VN)
    history = [(monday - dt.timedelta(days=7), 2), (monday, 3)]
    assert level_in_force(history, monday, R4800) == 2
    assert level_in_force(history, monday + dt.timedelta(hours=47, minutes=59), R4800) == 2
    assert level_in_force(history, monday + dt.timedelta(hours=48), R4800) == 3
    assert level_in_force(history[:1], monday - dt.timedelta(days=6), R4800) is None
