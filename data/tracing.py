"""What the tracer reads from the store, as Arrow tables: the only place the tracer talks to DuckDB."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pyarrow as pa

from data.cache import cached
from data.sql import sql
from data.store import Store
from data.viewer import Viewer
from rules.tracing import cluster_rule

# Instants travel as int32 seconds since this epoch (2020-01-01T00:00:00Z): enough until 2088.
EPOCH_S = 1_577_836_800


@dataclass(frozen=True)
class RegisterChanges:
    people: int
    venues: int
    last_load: int


def register_changes(store: Store, after_load: int, upto_load: int = 0) -> RegisterChanges:
    """How many people and venues the loads after `after_load` added, and the last finished load (or `upto_load`,
    the load in progress, when tracing runs inside it)."""
    people, venues, last_load = store.rows("tracing/register_changes", after_load=after_load, upto_load=upto_load)[0]
    return RegisterChanges(people, venues, last_load)


def new_register(store: Store, after_load: int, upto_load: int) -> pa.Table:
    """kind ('person' or 'venue'), id, venue_kind: the people and venues those loads added, by kind and id."""
    return store.query("tracing/new_register", after_load=after_load, upto_load=upto_load)


def people(store: Store) -> pa.Table:
    """person_id, household_id; one row per person, by person_id."""
    return store.query("tracing/people")


def venues(store: Store) -> pa.Table:
    """venue_id, kind; one row per venue, by venue_id."""
    return store.query("tracing/venues")


def checkins(store: Store, after_load: int, upto_load: int) -> pa.Table:
    """person_id, venue_id, ts (int32 s since EPOCH_S), is_exit; one row per scan of those loads."""
    return store.query("tracing/checkins", base=EPOCH_S, after_load=after_load, upto_load=upto_load)


def contacts(store: Store, after_load: int, upto_load: int) -> pa.Table:
    """person_a, person_b, start (int32 s since EPOCH_S), duration_s, distance_m; one row per encounter."""
    return store.query("tracing/contacts", base=EPOCH_S, after_load=after_load, upto_load=upto_load)


def cases(store: Store, lookback_days: int) -> pa.Table:
    """person_id, sample, confirmed, onset (int32 s since EPOCH_S; onset null without symptoms); one row per case."""
    return store.query("tracing/cases", base=EPOCH_S, lookback_days=lookback_days)


def revealable_infections(store: Store) -> pa.Table:
    """Evaluation only: infector, infectee, setting, ts of the infections the data could reveal (see the query)."""
    return store.query("tracing/revealable_infections", base=EPOCH_S)


def cluster_truth(store: Store) -> pa.Table:
    """Evaluation only: cluster_id, case_id, seed of every case in a cluster of two or more (see the query)."""
    return store.query("tracing/cluster_truth")


# What the tracer pages read: stored traces and clusters, always through the viewer's jurisdiction.


def _reader() -> Store:
    """The process's store; opening it created tracing's tables (data/store.py). Never a job on the writer: a
    read queued behind the tracing index's build at start waited 2.5 minutes at the national scale."""
    from data.runtime import store as current_store

    return current_store()


def case_trace(viewer: Viewer, case_id: int) -> dict | None:
    """The stored trace of a case living inside the viewer's jurisdiction; None if there is none it may see."""
    found = _reader().query("tracing/case_trace", case_id=case_id, **viewer.params).to_pylist()
    return found[0] if found else None


def case_contacts(viewer: Viewer, case_id: int, *, degree: int | None = None, through: int | None = None) -> list[dict]:
    """The F1 (degree 1) and F2 (degree 2) of a case the viewer may open; people living outside its jurisdiction
    come without name or phone. Empty when the viewer may not open the case."""
    if case_trace(viewer, case_id) is None:
        return []
    params = {"case_id": case_id, "degree": degree, "through": through, **viewer.params}
    return _reader().query("tracing/case_contacts", **params).to_pylist()


def case_points(viewer: Viewer, case_id: int) -> list[dict]:
    """The venues the case visited inside its window, with times and people exposed."""
    if case_trace(viewer, case_id) is None:
        return []
    return _reader().query("tracing/case_points", case_id=case_id).to_pylist()


@cached("tracing")
def clusters(viewer: Viewer, min_size: int = 2) -> list[dict]:
    """Clusters of at least `min_size` cases touching the jurisdiction, busiest first, with daily growth."""
    return _reader().query("tracing/clusters", min_size=min_size, **viewer.params).to_pylist()


def cluster_cases(viewer: Viewer, cluster_id: int) -> list[dict]:
    """The cases of a cluster touching the jurisdiction (names only for cases living inside it)."""
    return _reader().query("tracing/cluster_cases_of", cluster_id=cluster_id, **viewer.params).to_pylist()


def cluster_links(viewer: Viewer, cluster_id: int) -> list[dict]:
    """The links between a cluster's cases: F1 links (household, proximity, venue) and shared points."""
    if not cluster_cases(viewer, cluster_id):
        return []
    cur = _reader().cursor()
    cur.register(
        "scope_cases", cur.sql(sql("tracing/cluster_members_of"), params={"cluster_id": cluster_id}).to_arrow_table()
    )
    try:
        return cur.sql(sql("tracing/links_among"), params=cluster_rule_params()).to_arrow_table().to_pylist()
    finally:
        cur.unregister("scope_cases")


def cluster_rule_params() -> dict:
    """The cluster rule in force as the parameters of tracing/links_among.sql and tracing/cluster_links.sql."""
    rule = cluster_rule()
    return {"incubation_days": rule.incubation_days, "point_gap_hours": rule.point_gap_hours}


@cached("tracing")
def tracing_summary(viewer: Viewer, day: str, area_code: str | None = None) -> dict:
    """Tracing speed (median and 95th percentile of positive-result-stored → list-ready, seconds) and F1 found per
    case, for the cases confirmed in the 7 days up to `day` (ISO date) inside the jurisdiction (and the area)."""
    params = {"day": dt.date.fromisoformat(day), "area_code": area_code, **viewer.params}
    return _reader().query("tracing/tracing_summary", **params).to_pylist()[0]


@cached("tracing")
def recent_traces(viewer: Viewer, limit: int = 500) -> list[dict]:
    """The latest traced cases living inside the jurisdiction, newest first: the tracers' way into each trace."""
    return _reader().query("tracing/recent_traces", limit=limit, **viewer.params).to_pylist()
