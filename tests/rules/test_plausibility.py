"""The plausibility bounds (rules/plausibility.toml) as the loader reads them."""

from __future__ import annotations

import datetime as dt

import duckdb

from rules.plausibility import plausibility


def test_every_bound_holds_what_the_loader_relies_on() -> None:
    rule = plausibility()
    # The tracer carries instants as int32 seconds from 2020-01-01T00:00:00Z (tracing/index.py EPOCH_S).
    assert rule.earliest_event == dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    assert dt.timedelta(0) < rule.clock_skew <= dt.timedelta(hours=1)
    assert rule.id_range == (0, 2**63 - 1)  # the store's BIGINT
    assert rule.lat_range == (6.0, 23.5) and rule.lon_range == (102.0, 117.9)
    assert rule.max_contact_duration_s <= 86_400 and rule.dose_range == (1, 10)
    assert set(rule.max_chars) == {"full_name", "venue_name", "vaccine"}


def test_ages_run_from_0_to_120_even_from_29_february() -> None:
    assert plausibility().birth_range(dt.date(2024, 2, 29)) == (dt.date(1904, 2, 29), dt.date(2024, 2, 29))
    assert plausibility().birth_range(dt.date(2020, 2, 29)) == (dt.date(1900, 2, 28), dt.date(2020, 2, 29))


def test_forbidden_characters_are_controls_and_direction_marks_not_vietnamese_letters() -> None:
    """The pattern as DuckDB's regular expressions (RE2) read it in the validation queries."""
    con = duckdb.connect()
    pattern = plausibility().forbidden_pattern()

    def forbidden(text: str) -> bool:
        return con.execute("SELECT regexp_matches(?, ?)", [text, pattern]).fetchall()[0][0]

    for bad in ("\x00", "\x1b", "\t", "\n", "\x7f", "\x85", "\u2028", "\u202e", "\u2067"):
        assert forbidden(f"Ngô{bad}Phương"), repr(bad)
    assert not forbidden("Nguyễn Thị Ngọc Hằng, Đặng Ưng Ơn - Chợ Bến Thành (Quận 1) № 7 – ‘Cà phê’")
