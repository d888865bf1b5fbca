"""What leaves the data layer about people: the audit of every view of personal data and of every export, and the
suppression of small counts for the press (roles.toml `suppress_below`)."""

from __future__ import annotations

from data import audit
from data.viewer import Viewer


def personal_view(viewer: Viewer, action: str, target: str, detail: dict) -> None:
    """Records a view that showed personal data (a trace with names, a work list) before it is served: nothing for a
    viewer without personal data, who was shown none. AuditUnavailable when it cannot be written: refuse the view."""
    if viewer.personal:
        audit.record(action, target, detail)


def export(viewer: Viewer, what: str, rows: int, target: str = "") -> None:
    """Records an export (what: e.g. `trace_f1_csv`, `clusters_xlsx`; rows: how many it holds) before it is sent, for
    every role. AuditUnavailable when it cannot be written: send nothing."""
    audit.record("export", target, {"what": what, "rows": rows, "personal": viewer.personal})
