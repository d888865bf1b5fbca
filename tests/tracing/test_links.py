"""The fast ways of choosing and ordering links agree with the plain lexsorts they replace, ties included."""

from __future__ import annotations

import numpy as np
import pytest

from tracing.exposures import PairSet
from tracing.links import PROXIMITY, Links, ordered_for_output, strongest


def _random_links(rng: np.random.Generator, n: int, *, distances: np.ndarray) -> Links:
    # Few values per column, so that pairs have many links and many of them tie on every key.
    return Links(
        group=rng.integers(0, 3, n).astype(np.int64),
        through=rng.integers(0, 5, n).astype(np.int32),
        other=rng.integers(0, 6, n).astype(np.int32),
        via=rng.integers(0, 3, n).astype(np.int8),
        ts=rng.integers(0, 4, n).astype(np.int64),
        venue=np.arange(n, dtype=np.int32),  # tells the rows apart: the tie-break shows
        overlap=rng.integers(0, 3, n).astype(np.int64),
        duration=rng.integers(0, 3, n).astype(np.int64),
        distance=rng.choice(distances, n),
    )


def _strongest_by_lexsort(links: Links) -> tuple[Links, np.ndarray]:
    closeness = np.where(links.via == PROXIMITY, links.distance, 0).astype(np.float64)
    length = np.where(links.via == PROXIMITY, links.duration, links.overlap)
    links = links.take(np.lexsort((links.ts, -length, closeness, links.via, links.other, links.group)))
    pair = links.group << 32 | links.other.astype(np.int64)
    starts = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]])
    return links.take(starts), np.minimum.reduceat(links.ts, starts)


def _assert_same(a: Links, b: Links) -> None:
    for name in Links.__dataclass_fields__:
        assert getattr(a, name).dtype == getattr(b, name).dtype, name
        assert np.array_equal(getattr(a, name), getattr(b, name), equal_nan=True), name


@pytest.mark.parametrize("ts_scale", [1, 2**60], ids=["one packed rank", "key by key"])
def test_strongest_picks_the_lexsorts_first_link_of_each_pair(ts_scale: int) -> None:
    rng = np.random.default_rng(7)
    distances = np.array([0.5, 1.0, 2.0, -0.0, 0.0, np.nan, np.inf], np.float32)
    for _ in range(200):
        links = _random_links(rng, int(rng.integers(1, 300)), distances=distances)
        links.ts *= ts_scale  # times too far apart to pack with the other keys: the key-by-key way
        expected, expected_earliest = _strongest_by_lexsort(links)
        found, earliest = strongest(links)
        _assert_same(found, expected)
        assert np.array_equal(earliest, expected_earliest)


def test_output_order_is_the_four_key_lexsort() -> None:
    rng = np.random.default_rng(8)
    for i in range(200):
        links = _random_links(rng, int(rng.integers(1, 300)), distances=np.array([1.0], np.float32))
        links.ts *= int(rng.choice([1, -1, 10**9]))
        if i % 2:  # as strongest() gives them, and in any order
            links = links.take(np.lexsort((links.other, links.group)))
        expected = links.take(np.lexsort((links.other, links.ts, links.via, links.group)))
        _assert_same(ordered_for_output(links), expected)


@pytest.mark.parametrize("bitmap_limit", [PairSet.BITMAP_LIMIT, 0])
def test_pair_set_finds_its_pairs_with_a_bitmap_or_sorted_keys(monkeypatch, bitmap_limit: int) -> None:
    monkeypatch.setattr(PairSet, "BITMAP_LIMIT", bitmap_limit)
    rng = np.random.default_rng(9)
    n_groups, n_people = 7, 50
    group, person = rng.integers(0, n_groups, 60), rng.integers(0, n_people, 60).astype(np.int32)
    pairs = PairSet(group, person, n_groups, n_people)
    assert (pairs.bits is None) == (bitmap_limit == 0)
    asked_group = rng.integers(0, n_groups, 1000).astype(np.int64)
    asked_person = rng.integers(0, n_people, 1000).astype(np.int32)
    expected = ~np.isin(asked_group * n_people + asked_person, group * n_people + person)
    assert np.array_equal(pairs.outside(asked_group, asked_person), expected)
