"""What leaves the data layer about people: the audit of every view of personal data and of every export, and the
suppression of small counts for the press (roles.toml `suppress_below`)."""

from __future__ import annotations

from collections.abc import Iterable

import pyarrow as pa
import pyarrow.compute as pc

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


def suppressed(viewer: Viewer) -> str:
    """How a suppressed count reads: "<5" (the same in Vietnamese and English)."""
    return f"<{viewer.suppress_below}"


def _small(viewer: Viewer, value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < viewer.suppress_below


def count(viewer: Viewer, value: object) -> object:
    """A count as the viewer may see it: 1 … suppress_below − 1 as "<5" for the press; zero stays zero."""
    return suppressed(viewer) if viewer.suppress_below and _small(viewer, value) else value


def counts(viewer: Viewer, row: dict, fields: Iterable[str], derived: dict[str, str] | None = None) -> dict:
    """`row` with its `fields` counted as the viewer may see them; each `derived` field (a rate or share computed from
    the count it names) is dropped to None when that count is suppressed, since it would give the count back."""
    if not viewer.suppress_below:
        return row
    out = dict(row)
    for field in fields:
        if field in out:
            out[field] = count(viewer, out[field])
    for field, source in (derived or {}).items():
        if field in out and _small(viewer, row.get(source)):
            out[field] = None
    return out


def counts_table(
    viewer: Viewer, table: pa.Table, fields: Iterable[str], derived: dict[str, str] | None = None
) -> pa.Table:
    """An Arrow table's count columns as the viewer may see them: a suppressed count is NULL (a figure cannot draw
    "<5" as a height; figure builders label those days "<5"), and so is each `derived` column beside one."""
    if not viewer.suppress_below or not table.num_rows:
        return table
    small = {}
    for field in fields:
        if field in table.column_names:
            column = table.column(field)
            small[field] = pc.and_(pc.greater(column, 0), pc.less(column, viewer.suppress_below))
    for field, mask in small.items():
        column = table.column(field)
        # the label rides with the column (figure builders write it where the bar would be)
        marked = pa.field(field, column.type, metadata={"suppressed": suppressed(viewer)})
        table = table.set_column(
            table.column_names.index(field), marked, pc.if_else(mask, pa.scalar(None, column.type), column)
        )
    for field, source in (derived or {}).items():
        if field in table.column_names and source in small:
            column = table.column(field)
            table = table.set_column(
                table.column_names.index(field), field, pc.if_else(small[source], pa.scalar(None, column.type), column)
            )
    return table
