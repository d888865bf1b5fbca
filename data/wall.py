"""What the wall screen shows beyond the overview: the provinces whose level changed this week, and the live panel's
events per minute by arrival and newest confirmed cases."""

from __future__ import annotations

import datetime as dt

from data.cache import cached
from data.runtime import store
from data.viewer import Viewer

# The kinds of event the ingest API takes (CONTRACT §5), in the order the live panel lists them.
EVENT_KINDS = ("checkin", "contact", "test", "vaccination", "declaration")
LIVE_MINUTES = 15  # the minutes of arrivals the live panel draws, the current (still filling) one last
NEWEST_CASES = 4  # as many as fit under the counts on a 1080p wall, stale warning shown


@cached("wall")
def levels_changed(viewer: Viewer) -> list[dict]:
    """Provinces whose level in force changed in the last assessed week, or whose proposal differs from it."""
    rows = store().query("wall/levels_changed", **viewer.params).to_pylist()
    for row in rows:
        row["week_start"] = row["week_start"].isoformat()
        row["effective_ts"] = row["effective_ts"].isoformat()
    return rows


def minute_of(instant: dt.datetime) -> dt.datetime:
    """The whole minute (UTC) an instant falls in: the live panel's figures are cached per minute and version."""
    return instant.astimezone(dt.UTC).replace(second=0, microsecond=0)


@cached("wall")
def live_arrivals(viewer: Viewer, minute: dt.datetime) -> dict:
    """Events committed inside the jurisdiction in each of the LIVE_MINUTES minutes up to `minute` (a whole minute,
    UTC, still filling), by kind of event, and when the newest events arrived (ISO, None when none ever did).
    `per_kind[kind][i]` is the count of minute `minutes[i]`."""
    since = minute - dt.timedelta(minutes=LIVE_MINUTES - 1)
    per_kind = {kind: [0] * LIVE_MINUTES for kind in EVENT_KINDS}
    for row in store().query("wall/arrivals_per_minute", since=since, **viewer.params).to_pylist():
        slot = int((row["minute"] - since).total_seconds() // 60)
        if 0 <= slot < LIVE_MINUTES and row["kind"] in per_kind:
            per_kind[row["kind"]][slot] += int(row["events"])
    last = store().query("wall/last_arrival", **viewer.params).column("last_ts")[0].as_py()
    return {
        "minutes": [(since + dt.timedelta(minutes=i)).isoformat() for i in range(LIVE_MINUTES)],
        "per_kind": per_kind,
        "last_ts": last.astimezone(dt.UTC).isoformat() if last else None,
    }


def per_minute_now(counts: list[int], now: dt.datetime) -> int:
    """Events in the 60 s before `now`, estimated from the last two minutes' counts: the current minute's so far, and
    the previous minute's in proportion to the part of it still inside those 60 s."""
    elapsed = (now.second + now.microsecond / 1e6) / 60
    return round(counts[-1] + counts[-2] * (1 - elapsed))


@cached("wall")
def newest_cases(viewer: Viewer, limit: int = NEWEST_CASES) -> list[dict]:
    """The newest confirmed cases living inside the jurisdiction, newest first: when (Viet Nam time), district and
    province, whether traced, F1 and F2 counts, F1 quarantined, seconds from stored result to lists. No personal data;
    none for a reader of aggregates only (the press): each row is a case."""
    if viewer.aggregates_only:
        return []
    return store().query("wall/newest_cases", limit=limit, **viewer.params).to_pylist()
