"""The one-case fast path gives exactly the batched tracer's result, case by case."""

from __future__ import annotations

import numpy as np
import pytest

from tests.tracing.test_rules import index, world  # noqa: F401  (the hand-made world of every rule)
from tracing.single import trace_row
from tracing.tracer import rule_for, trace_rows

VERSIONS = ("3638/QD-BYT 2021-07-30", "BYT 2022-04 (1 m / 15 min closed space)")


def _without_time(result: dict) -> dict:
    return {k: v for k, v in result.items() if k != "elapsed_ms"}


@pytest.mark.parametrize("points", [True, False])
@pytest.mark.parametrize("f2", [True, False])
def test_every_case_of_the_world_traces_the_same_both_ways(index, f2: bool, points: bool) -> None:  # noqa: F811
    from rules.tracing import tracing_rule

    for row in range(len(index.cases)):
        for rule in (rule_for(index, row), *(tracing_rule(v) for v in VERSIONS)):
            single = trace_row(index, row, rule, f2=f2, points=points).results()[0]
            batch = trace_rows(index, np.array([row]), rule, f2=f2, points=points).results()[0]
            assert _without_time(single) == _without_time(batch), (row, rule.name)


def test_as_of_cuts_the_window_the_same_way(index) -> None:  # noqa: F811
    for row in range(len(index.cases)):
        rule = rule_for(index, row)
        as_of = int(index.cases.confirmed[row]) - 86400
        single = trace_row(index, row, rule, as_of=as_of).results()[0]
        batch = trace_rows(index, np.array([row]), rule, as_of=as_of).results()[0]
        assert _without_time(single) == _without_time(batch)
