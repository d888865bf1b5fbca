"""The watch list of a case (rules/tracing.toml [watch]): the people it met in the days just before its infectious
window opened, who may have been infected early. Never F1: no one is quarantined for it."""

from __future__ import annotations

import numpy as np

from rules.tracing import RiskRule, TracingRule, WatchRule
from tracing.exposures import PairSet, exposures
from tracing.index import TraceIndex
from tracing.links import DAY_S, Links, strongest
from tracing.risk import in_risk_order


def watch_links(
    index: TraceIndex,
    rule: TracingRule,
    watch: WatchRule,
    risk: RiskRule,
    case_person: np.ndarray,
    window_start: np.ndarray,
    f1: Links,
) -> Links:
    """The watch list of each case of a batch (`case_person` and `window_start` per group, `f1` its F1): close
    contacts under the same rule over the `days_before_window` days before the window, but the case and its F1s;
    one link per (group, person), the strongest, in risk order."""
    groups = np.arange(len(case_person), dtype=np.int64)
    if not watch.days_before_window or not len(groups):
        empty = np.empty(0, np.int64)
        return f1.take(empty)
    excluded = PairSet(np.r_[groups, f1.group], np.r_[case_person, f1.other], len(groups), index.n_people)
    start = window_start - watch.days_before_window * DAY_S
    links, _ = exposures(index, rule, groups, case_person, start, window_start, False, excluded)
    found, _ = strongest(links, earliest=False)
    return in_risk_order(found, index.venue_kind, risk)
