"""What the tracer pages read: stored traces and clusters, always through the viewer's jurisdiction (the tracer's
own reads are in data/tracing_source.py)."""

from __future__ import annotations

import datetime as dt

from data import runtime
from data.access import AccessDenied
from data.cache import cached
from data.disclosure import count, counts
from data.store import Store
from data.viewer import Viewer


def _reader() -> Store:
    """The process's store; opening it created tracing's tables (data/store.py). Never a job on the writer: a
    read queued behind the tracing index's build at start waited 2.5 minutes at the national scale."""
    return runtime.store()


def individuals(viewer: Viewer) -> Viewer:
    """The viewer, if it may read cases, people and work lists one by one; AccessDenied for a reader of aggregates only
    (the press), so that no page, callback or export of a trace, a hand-over or a cluster's cases reaches it."""
    if viewer.aggregates_only:
        raise AccessDenied("aggregates only: no case, person or work list")
    return viewer


def _personal(viewer: Viewer) -> dict[str, object]:
    """The jurisdiction's parameters and whether personal columns come back (NULL otherwise, in the SQL itself)."""
    return {**individuals(viewer).params, "personal": viewer.personal}


def case_trace(viewer: Viewer, case_id: int) -> dict | None:
    """The stored trace of a case living inside the viewer's jurisdiction; None if there is none it may see. The case's
    name only for a viewer of personal data."""
    found = _reader().query("tracing/case_trace", case_id=case_id, **_personal(viewer)).to_pylist()
    return found[0] if found else None


def _may_open(viewer: Viewer, case_id: int) -> bool:
    """Whether the case lives inside the viewer's jurisdiction: the guard of every read of its trace (a few
    milliseconds, against case_trace's full row)."""
    return bool(_reader().rows("tracing/case_in_scope", case_id=case_id, **individuals(viewer).params))


def case_contacts(viewer: Viewer, case_id: int, *, degree: int | None = None, through: int | None = None) -> list[dict]:
    """The F1 (degree 1) and F2 (degree 2) living inside the viewer's jurisdiction of a case it may open; the others
    are handed over to where they live (`case_handovers`). Empty when the viewer may not open the case, or when
    `through` is not an F1 living inside the jurisdiction."""
    if not _may_open(viewer, case_id):
        return []
    params = {"case_id": case_id, "degree": degree, "through": through, **_personal(viewer)}
    return _reader().query("tracing/case_contacts", **params).to_pylist()


def case_watch(viewer: Viewer, case_id: int) -> list[dict]:
    """The watch list living inside the viewer's jurisdiction of a case it may open, in its risk order: people the
    case met in the days before its infectious window, for follow-up only (not F1, not quarantined)."""
    if not _may_open(viewer, case_id):
        return []
    return _reader().query("tracing/case_watch", case_id=case_id, **_personal(viewer)).to_pylist()


def case_handovers(viewer: Viewer, case_id: int) -> list[dict]:
    """How many of a case's F1 and F2 live in each area outside the viewer's jurisdiction (handed over there): counts
    only, no person. Empty when the viewer may not open the case."""
    if not _may_open(viewer, case_id):
        return []
    return _reader().query("tracing/case_handovers", case_id=case_id, **viewer.params).to_pylist()


def case_points(viewer: Viewer, case_id: int) -> list[dict]:
    """The venues the case visited inside its window, with times and people exposed (a venue outside the
    jurisdiction with its province, not its ward)."""
    if not _may_open(viewer, case_id):
        return []
    return _reader().query("tracing/case_points", case_id=case_id, **_personal(viewer)).to_pylist()


@cached("tracing")
def received_handovers(viewer: Viewer, limit: int = 5000) -> list[dict]:
    """The people living inside the jurisdiction whom cases living outside it named as F1 or F2, newest exposure
    first: the viewer's own work list of hand-overs, with only the province of the case it came from."""
    return _reader().query("tracing/received_handovers", limit=limit, **_personal(viewer)).to_pylist()


@cached("tracing")
def handover_flows(viewer: Viewer) -> list[dict]:
    """Counts of contacts handed over across the jurisdiction's boundary, by direction, other area and degree."""
    return _reader().query("tracing/handover_flows", **individuals(viewer).params).to_pylist()


@cached("tracing")
def clusters(viewer: Viewer, min_size: int = 2) -> list[dict]:
    """Clusters of at least `min_size` cases touching the jurisdiction, busiest first: the viewer's own cases with their
    daily growth, the others as counts per province; `cluster_ref` is the viewer's reference to each."""
    found = _reader().query("tracing/clusters", min_size=min_size, **viewer.params).to_pylist()
    if not viewer.suppress_below:
        return found
    # the press: every count of a cluster as it may see it, its days' counts included (None: drawn as "<5")
    return [
        {
            **counts(viewer, c, ("own_size", "new_7d", "size")),
            "daily_cases": [None if count(viewer, n) != n else n for n in c["daily_cases"]],
            "elsewhere": [{**e, "cases": count(viewer, e["cases"])} for e in c["elsewhere"]],
        }
        for c in found
    ]


def cluster_cases(viewer: Viewer, cluster_ref: int) -> list[dict]:
    """The cases living inside the jurisdiction of the cluster `cluster_ref` names (see `clusters`)."""
    return _reader().query("tracing/cluster_cases_of", cluster_ref=cluster_ref, **_personal(viewer)).to_pylist()


def cluster_links(viewer: Viewer, cluster_ref: int) -> list[dict]:
    """How the cases of the cluster `cluster_ref` names joined it: each case's source link inside the cluster (case_a
    the source, case_b the case; via household, proximity or venue), as the viewer may see them: a case living outside
    the jurisdiction appears as its province (`case_b` None, `province_b` its name), never by id."""
    params = individuals(viewer).params
    members = _reader().query("tracing/cluster_members_of", cluster_ref=cluster_ref, **params).to_pylist()
    where = {m["case_id"]: m for m in members}
    links = sorted((m["source_id"], m["case_id"], m["via"], m["venue_id"]) for m in members if m["source_id"] in where)
    return [
        _as_seen({"case_a": a, "case_b": b, "via": via, "venue_id": venue_id}, where)
        for a, b, via, venue_id in links
        if where[a]["inside"] or where[b]["inside"]
    ]


def _as_seen(link: dict, where: dict[int, dict]) -> dict:
    """A link with its inside case first and an outside case replaced by its province."""
    a, b = where[link["case_a"]], where[link["case_b"]]
    if not a["inside"]:
        a, b = b, a
    return {
        "case_a": a["case_id"],
        "case_b": b["case_id"] if b["inside"] else None,
        "province_b": None if b["inside"] else b["province_name"],
        "via": link["via"],
        "venue_id": link["venue_id"],
    }


@cached("tracing")
def tracing_summary(viewer: Viewer, day: str, area_code: str | None = None) -> dict:
    """Tracing speed (median and 95th percentile of result received → list visible, seconds: from the batch carrying
    the positive result handed to the write path until its commit) and F1 found per case, for the cases confirmed in the 7 days up to `day` (ISO date) inside the jurisdiction (and the area)."""
    params = {"day": dt.date.fromisoformat(day), "area_code": area_code, **viewer.params}
    return _reader().query("tracing/tracing_summary", **params).to_pylist()[0]


@cached("tracing")
def recent_traces(viewer: Viewer, limit: int = 500) -> list[dict]:
    """The latest traced cases living inside the jurisdiction, newest first: the tracers' way into each trace."""
    return _reader().query("tracing/recent_traces", limit=limit, **_personal(viewer)).to_pylist()
