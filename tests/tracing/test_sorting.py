"""The radix order, the sorted-order searches and the ISO times agree with the plain NumPy and datetime ways."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from tracing.index import EPOCH_S, radix_order, search_many
from tracing.links import _iso


@pytest.mark.parametrize("high", [2, 1 << 12, 1 << 16, 1 << 20, 1 << 40, 1 << 60])
def test_radix_order_is_a_stable_sort(high: int) -> None:
    rng = np.random.default_rng(high % 1000)
    keys = rng.integers(0, high, 5_000, dtype=np.int64)
    np.testing.assert_array_equal(radix_order(keys), np.argsort(keys, kind="stable"))
    assert len(radix_order(keys[:0])) == 0


def test_search_many_finds_what_searchsorted_finds() -> None:
    rng = np.random.default_rng(3)
    values = np.sort(rng.integers(0, 1 << 40, 100_000))
    for n in (0, 10, 5_000):
        targets = rng.integers(-5, (1 << 40) + 5, n)
        targets[: n // 2] = values[rng.integers(0, len(values), n // 2)]  # exact hits, where the side matters
        np.testing.assert_array_equal(search_many(values, targets), np.searchsorted(values, targets))


def test_iso_times_match_datetime() -> None:
    rng = np.random.default_rng(5)
    vn = dt.timezone(dt.timedelta(hours=7))
    for seconds in (rng.integers(0, 30 * 86400, 2_000) + 50_000_000, np.array([0, 10**9, -7 * 3600])):
        expected = [dt.datetime.fromtimestamp(int(s) + EPOCH_S, vn).isoformat() for s in seconds]
        assert _iso(seconds) == expected
