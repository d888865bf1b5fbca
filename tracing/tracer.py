"""Tracing a confirmed case (F0): infectious window, F1, F2 and epidemiological points (CONTRACT §3).

All cases of a batch are traced together, vectorised over NumPy arrays (`trace_rows`); one case goes through the
plain-Python fast path (`tracing.single`), which gives the same result. How links are ranked: `tracing.links`.

The F1s are never F2s, and the case itself is neither. F2: the close contacts of each F1, under the same rules,
from that F1's first exposure to the case (the earliest of all its links; for a household member, the start of the
case's window) until it is quarantined, taken as the case's confirmation.
"""

from __future__ import annotations

import datetime as dt
import time

import numpy as np

from rules.tracing import TracingRule, risk_rule, tracing_rule_in_force
from tracing.exposures import exposures, second_degree
from tracing.index import EPOCH_S, TraceIndex
from tracing.links import DAY_S, VN_OFFSET_S, BatchTrace, infectious_window, strongest
from tracing.risk import in_risk_order
from tracing.single import trace_row


class NotACase(LookupError):
    """The person is not a confirmed case (at that time)."""


def trace_rows(
    index: TraceIndex,
    rows: np.ndarray,
    rule: TracingRule,
    *,
    f2: bool = True,
    points: bool = True,
    as_of: int | None = None,
) -> BatchTrace:
    """Traces the cases at `rows` of `index.cases` together, all under `rule`."""
    started = time.perf_counter()
    rows = np.asarray(rows, np.int64)
    cases = index.cases
    person = cases.person[rows]
    window_start, window_end = infectious_window(cases.sample[rows], cases.onset[rows], cases.confirmed[rows], rule)
    if as_of is not None:
        window_end = np.minimum(window_end, as_of)
    group = np.arange(len(rows), dtype=np.int64)
    links, found_points = exposures(index, rule, group, person, window_start, window_end, points)
    links = links.take(links.other != person[links.group])
    f1, exposed_at = strongest(links)
    f2_links = second_degree(index, rule, f1, exposed_at, person, window_end) if f2 else None
    return BatchTrace(
        index=index,
        rule=rule,
        rows=rows,
        window_start=window_start,
        window_end=window_end,
        f1=in_risk_order(f1, index.venue_kind, risk_rule()),
        f2=f2_links,
        points=found_points,
        seconds=time.perf_counter() - started,
    )


def _local_day(seconds: int) -> dt.date:
    return dt.datetime.fromtimestamp(int(seconds) + EPOCH_S + VN_OFFSET_S, dt.UTC).date()


def rule_for(index: TraceIndex, row: int) -> TracingRule:
    """The version in force on the case's confirmation day (Viet Nam time)."""
    return tracing_rule_in_force(_local_day(index.cases.confirmed[row]))


def rows_by_rule(index: TraceIndex, rows: np.ndarray) -> list[tuple[TracingRule, np.ndarray]]:
    """The cases at `rows` grouped by the rule version each is traced under, in the order versions first appear."""
    return [(rule, rows[positions]) for rule, positions in _positions_by_rule(index, rows)]


def _positions_by_rule(index: TraceIndex, rows: np.ndarray) -> list[tuple[TracingRule, np.ndarray]]:
    """The positions in `rows` grouped by the rule version each case is traced under, versions in order of appearance."""
    by_name: dict[str, tuple[TracingRule, list[int]]] = {}
    for position, row in enumerate(np.asarray(rows).tolist()):
        rule = rule_for(index, row)
        by_name.setdefault(rule.name, (rule, []))[1].append(position)
    return [(rule, np.array(group, np.int64)) for rule, group in by_name.values()]


def case_row(index: TraceIndex, case: int, as_of: int | None = None) -> int:
    """The row of a confirmed case; NotACase if the person is not one (or not yet at `as_of`)."""
    row = int(index.cases.find(np.array([case]))[0])
    if row < 0:
        raise NotACase(f"person {case} is not a confirmed case")
    if as_of is not None and index.cases.confirmed[row] > as_of:
        raise NotACase(f"person {case} was not yet a confirmed case at that time")
    return row


def trace(
    index: TraceIndex,
    case: int,
    rule: TracingRule | None = None,
    *,
    as_of: dt.datetime | None = None,
    f2: bool = True,
    points: bool = True,
) -> dict:
    """The trace of one confirmed case (person id), in the CONTRACT §3 shape.

    `rule` defaults to the version in force on the confirmation day; `as_of` traces as at that
    instant (the case must have been confirmed by then). NotACase when the person is not a case.
    """
    started = time.perf_counter()
    as_of_s = None if as_of is None else int(as_of.timestamp()) - EPOCH_S
    row = case_row(index, case, as_of_s)
    rule = rule or rule_for(index, row)
    result = trace_row(index, row, rule, f2=f2, points=points, as_of=as_of_s).results()[0]
    result["elapsed_ms"] = round((time.perf_counter() - started) * 1000, 3)
    return result


def trace_many(index: TraceIndex, cases: list[int] | np.ndarray, *, f2: bool = True, points: bool = True) -> list[dict]:
    """The traces of many cases at once (e.g. all confirmed on one day), in the order given.

    Much faster than one by one: the whole batch is one pass over the arrays per rule version.
    Each result's elapsed_ms is its share of the batch's time. NotACase if any is not a case.
    """
    rows = index.cases.find(np.asarray(cases, np.int64))
    if (rows < 0).any():
        raise NotACase(f"person {np.asarray(cases)[rows < 0][0]} is not a confirmed case")
    out: list[dict | None] = [None] * len(rows)
    for rule, positions in _positions_by_rule(index, rows):
        batch = trace_rows(index, rows[positions], rule, f2=f2, points=points)
        for position, result in zip(positions.tolist(), batch.results(), strict=True):
            out[position] = result
    return out  # type: ignore[return-value]


def cases_confirmed_on(index: TraceIndex, day: dt.date) -> np.ndarray:
    """Person ids of the cases confirmed on a local day (Viet Nam time)."""
    local_day = (index.cases.confirmed.astype(np.int64) + EPOCH_S + VN_OFFSET_S) // DAY_S
    target = (dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp()) // DAY_S
    return index.cases.person_id[local_day == target]
