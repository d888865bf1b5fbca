"""The compiled F2 pass (`tracing.f2_kernel`) names exactly the F2s, links and order of the NumPy pass it replaced:
on random worlds full of ties (many segments, exits, households, NaN and equal distances, both rule versions) and on
generated epidemics of both shapes, loaded day by day so that the index has several segments."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import scenario
from data.loader import load_dataset
from data.store import Store
from data.tracing_source import TracingSource
from rules.tracing import tracing_rule
from rules.venues import VENUE_KINDS
from scenario.replay import split_by_day
from tracing import build_index
from tracing.exposures import exposures, second_degree
from tracing.index import NO_ONSET, Cases, CheckinSegment, ContactSegment, IdMap, TraceIndex, offsets_of, stable_order
from tracing.links import Links, infectious_window, strongest
from tracing.tracer import trace_rows

VERSIONS = ("3638/QD-BYT 2021-07-30", "BYT 2022-04 (1 m / 15 min closed space)")
DAY = 86400


def _assert_same(a: Links, b: Links) -> None:
    assert len(a) == len(b)
    for name in Links.__dataclass_fields__:
        assert getattr(a, name).dtype == getattr(b, name).dtype, name
        assert np.array_equal(getattr(a, name), getattr(b, name), equal_nan=True), name


def _both_ways(index: TraceIndex, rows: np.ndarray, rule) -> tuple[Links, Links]:
    """The F2 of the cases at `rows`, traced together, by the compiled pass and by the NumPy pass."""
    cases = index.cases
    person = cases.person[rows]
    start, end = infectious_window(cases.sample[rows], cases.onset[rows], cases.confirmed[rows], rule)
    group = np.arange(len(rows), dtype=np.int64)
    links, _ = exposures(index, rule, group, person, start, end, False)
    f1, exposed_at = strongest(links.take(links.other != person[links.group]))
    return (
        second_degree(index, rule, f1, exposed_at, person, end),
        second_degree(index, rule, f1, exposed_at, person, end, compiled=False),
    )


def _random_world(rng: np.random.Generator, n_segments: int) -> TraceIndex:
    """Few people, venues and instants, so that people meet often and links tie on every key; check-ins and
    encounters spread over several segments (as a live feed's loads leave them), exits among them."""
    n_people, n_venues, n_households, slots = 400, 30, 150, 96  # half hours of two days: many equal times
    people = IdMap(np.arange(1, n_people + 1, dtype=np.int64) * 10)
    household_of = rng.integers(0, n_households, n_people).astype(np.int32)
    members = stable_order(household_of).astype(np.int32)
    checkins, contacts = [], []
    for _ in range(n_segments):
        n = int(rng.integers(100, 800))
        ts = (rng.integers(0, slots, n) * 1800).astype(np.int32)
        checkins.append(
            CheckinSegment.build(
                rng.integers(0, n_people, n).astype(np.int32),
                rng.integers(0, n_venues, n).astype(np.int32),
                ts,
                rng.random(n) < 0.2,
                n_people,
            )
        )
        m = int(rng.integers(50, 400))
        a, b = rng.integers(0, n_people, m).astype(np.int32), rng.integers(0, n_people, m).astype(np.int32)
        keep = a != b
        contacts.append(
            ContactSegment.build(
                a[keep],
                b[keep],
                (rng.integers(0, slots, m) * 1800).astype(np.int32)[keep],
                rng.choice(np.array([0, 60, 600, 900, 1800], np.int32), m)[keep],
                rng.choice(np.array([0.5, 1.0, 1.0, 2.0, 3.0, -0.0, 0.0, np.nan], np.float32), m)[keep],
                n_people,
            )
        )
    n_cases = 12
    case_people = np.sort(rng.choice(n_people, n_cases, replace=False)).astype(np.int32)
    sample = (rng.integers(0, slots // 2, n_cases) * 1800).astype(np.int32)
    onset = np.where(rng.random(n_cases) < 0.5, sample - 1800, NO_ONSET).astype(np.int32)
    cases = Cases(
        person_id=people.ids[case_people],
        person=case_people,
        sample=sample,
        confirmed=(sample + DAY).astype(np.int32),
        onset=onset,
    )
    return TraceIndex(
        people=people,
        household_members=members,
        household_offsets=offsets_of(household_of[members], n_households),
        household_of=household_of,
        venues=IdMap(np.arange(1, n_venues + 1, dtype=np.int64)),
        venue_kind=rng.integers(0, len(VENUE_KINDS), n_venues).astype(np.int8),
        checkins=checkins,
        contacts=contacts,
        cases=cases,
        last_load=n_segments,
    )


@pytest.mark.parametrize("version", VERSIONS)
def test_random_worlds_full_of_ties_give_the_numpy_pass_exactly(version: str) -> None:
    rule = tracing_rule(version)
    rng = np.random.default_rng(14)
    named, kinds = 0, set()
    for n_segments in (1, 1, 2, 3, 4, 1, 2, 3) * 5:
        index = _random_world(rng, n_segments)
        every = np.arange(len(index.cases))
        compiled, numpy = _both_ways(index, every, rule)
        _assert_same(compiled, numpy)
        named, kinds = named + len(compiled), kinds | set(compiled.via.tolist())
        for row in every:  # one case at a time, as `pccovid trace` does, reusing the scratch of the batch
            _assert_same(*_both_ways(index, np.array([row]), rule))
    assert named > 1000 and kinds == {0, 1, 2}, (named, kinds)


@pytest.fixture(scope="module", params=["test", "community-test"])
def loaded_day_by_day(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp(f"f2-{request.param}")
    scenario.generate(folder / "dataset", **scenario.preset(request.param))
    store = Store(folder / "store.duckdb")
    parts = split_by_day(folder / "dataset", folder / "parts", live_days=4)
    load_dataset(store, parts[0])
    index = build_index(TracingSource(store.cursor()))
    for part in parts[1:]:
        load_dataset(store, part)
        index = index.refresh(TracingSource(store.cursor()))
    yield index
    store.close()


def test_generated_epidemics_give_the_numpy_pass_exactly(loaded_day_by_day: TraceIndex) -> None:
    index = loaded_day_by_day
    assert len(index.checkins) >= 2, index.summary()
    rows = np.arange(len(index.cases))
    for version in VERSIONS:
        rule = tracing_rule(version)
        compiled, numpy = _both_ways(index, rows, rule)
        assert len(compiled) > 1000
        _assert_same(compiled, numpy)
        for row in rows[:: max(1, len(rows) // 40)]:
            _assert_same(*_both_ways(index, np.array([row]), rule))
    # And through the tracer, as the tracing stage calls it.
    batch = trace_rows(index, rows[:50], tracing_rule(VERSIONS[0]))
    assert batch.f2 is not None and len(batch.f2)


def test_threads_tracing_at_once_each_get_their_own_scratch() -> None:
    """The kernel runs without the GIL: two threads tracing at the same time must not share per-person slots."""
    index = _random_world(np.random.default_rng(15), 3)
    rule = tracing_rule(VERSIONS[0])
    rows = [np.array([row]) for row in range(len(index.cases))] * 20
    expected = [_both_ways(index, r, rule)[1] for r in rows]
    with ThreadPoolExecutor(max_workers=4) as pool:
        found = list(pool.map(lambda r: _both_ways(index, r, rule)[0], rows))
    for a, b in zip(found, expected, strict=True):
        _assert_same(a, b)
