"""Compiles the F2 kernel (`tracing.f2_kernel`) ahead of use, from `make`'s install step: Numba compiles it at its
first call, about 10 s, and caches the machine code beside the source (`tracing/__pycache__`), so that no server start
and no first `pccovid trace` waits for it. Traces a world of four people under every rule version."""

from __future__ import annotations

import time

import numpy as np

from rules.tracing import tracing_rules
from tracing.index import NO_ONSET, Cases, CheckinSegment, ContactSegment, IdMap, TraceIndex, offsets_of
from tracing.tracer import trace_rows


def tiny_index() -> TraceIndex:
    """Case 0 met person 1 at a venue and person 2 by Bluetooth; 1 and 2 then met 3 the same ways; 3 lives with 2."""
    n_people = 4
    household_of = np.array([0, 1, 2, 2], np.int32)
    members = np.argsort(household_of, kind="stable").astype(np.int32)
    hour = 3600
    checkins = CheckinSegment.build(
        np.array([0, 1, 1, 3], np.int32),
        np.array([0, 0, 0, 0], np.int32),
        np.array([0, 0, 2 * hour, 2 * hour], np.int32),
        np.zeros(4, bool),
        n_people,
    )
    contacts = ContactSegment.build(
        np.array([0, 2], np.int32),
        np.array([2, 3], np.int32),
        np.array([0, 2 * hour], np.int32),
        np.array([900, 900], np.int32),
        np.array([1.0, 1.0], np.float32),
        n_people,
    )
    cases = Cases(
        person_id=np.array([1], np.int64),
        person=np.array([0], np.int32),
        sample=np.array([4 * hour], np.int32),
        confirmed=np.array([8 * hour], np.int32),
        onset=np.array([NO_ONSET], np.int32),
    )
    return TraceIndex(
        people=IdMap(np.arange(1, n_people + 1, dtype=np.int64)),
        household_members=members,
        household_offsets=offsets_of(household_of[members], 3),
        household_of=household_of,
        venues=IdMap(np.array([1], np.int64)),
        venue_kind=np.array([0], np.int8),
        checkins=[checkins],
        contacts=[contacts],
        cases=cases,
        last_load=1,
    )


def main() -> None:
    started = time.perf_counter()
    index = tiny_index()
    for rule in tracing_rules():
        found = trace_rows(index, np.array([0]), rule)
        assert found.f2 is not None and len(found.f2), rule.name
    print(f"tracing kernel compiled and cached in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
