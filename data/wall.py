"""What the wall screen shows beyond the overview: the provinces whose level changed this week."""

from __future__ import annotations

from data.cache import cached
from data.runtime import store
from data.viewer import Viewer


@cached("wall")
def levels_changed(viewer: Viewer) -> list[dict]:
    """Provinces whose level in force changed in the last assessed week, or whose proposal differs from it."""
    rows = store().query("wall/levels_changed", **viewer.params).to_pylist()
    for row in rows:
        row["week_start"] = row["week_start"].isoformat()
        row["effective_ts"] = row["effective_ts"].isoformat()
    return rows
