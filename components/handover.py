"""Builders for the hand-over page: the people other areas' cases named in the viewer's area, and the flows."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from components.i18n import date, t
from components.tables import number_column
from components.trace_graph import contact_rows

RECEIVED_FIELDS = (
    "person_id",
    "name",
    "phone",
    "ward",
    "degree",
    "from",
    "time",
    "quarantine_until",
    "link",
    "place",
    "details",
    "through",
    "is_case",
)
RECEIVED_HEADERS = {
    "degree": "handover.col.degree",
    "through": "trace.col.through",
    "from": "handover.col.from",
    "quarantine_until": "handover.col.quarantine_until",
    "is_case": "trace.col.is_case",
}


def received_rows(rows: list[dict], lang: str) -> list[dict]:
    """One row per person and case that named them: the contact's own data, and of the case only its province."""
    return [
        {
            **contact,
            "degree": f"F{row['degree']}",
            "from": row["from_province"] or "",
            "quarantine_until": date(row["quarantine_until"], lang) if row.get("quarantine_until") else "",
        }
        for row, contact in zip(rows, contact_rows(rows, lang), strict=True)
    ]


# Wide enough to read each value whole; the grid scrolls sideways rather than cutting names and wards short.
RECEIVED_WIDTHS = {
    "person_id": 110,
    "name": 180,
    "phone": 120,
    "ward": 230,
    "degree": 80,
    "through": 100,
    "link": 190,
    "place": 180,
    "time": 150,
    "details": 170,
    "from": 200,
    "quarantine_until": 120,
    "is_case": 100,
}


def received_fields(personal: bool) -> tuple[str, ...]:
    """The received list's columns: without name and phone for a reader the data layer gave none (a leader)."""
    return RECEIVED_FIELDS if personal else tuple(f for f in RECEIVED_FIELDS if f not in ("name", "phone"))


def received_columns(lang: str, personal: bool = True) -> list[dict]:
    return [
        {
            "field": field,
            "headerName": t(RECEIVED_HEADERS.get(field, f"trace.col.{field}"), lang),
            "minWidth": RECEIVED_WIDTHS[field],
        }
        for field in received_fields(personal)
    ]


def received_workbook(rows: list[dict], heading: str, lang: str, personal: bool = True) -> bytes:
    """The received list as an .xlsx workbook for the ward teams."""
    book = Workbook()
    sheet = book.active
    sheet.title = t("handover.received_sheet", lang)
    sheet.append([heading])
    sheet["A1"].font = Font(bold=True)
    fields = received_fields(personal)
    sheet.append([t(RECEIVED_HEADERS.get(f, f"trace.col.{f}"), lang) for f in fields])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in received_rows(rows, lang):
        sheet.append([row[f] for f in fields])
    for column, field in zip("ABCDEFGHIJKLM", fields, strict=False):
        sheet.column_dimensions[column].width = RECEIVED_WIDTHS[field] / 7
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def flow_rows(flows: list[dict], lang: str) -> list[dict]:
    return [
        {
            "direction": t(f"handover.direction.{f['direction']}", lang),
            "from_area": f["from_name"],
            "to_area": f["to_name"],
            "cases": f["cases"],
            "f1": f["f1"],
            "f2": f["f2"],
            "last_day": date(f["last_day"], lang),
        }
        for f in flows
    ]


def flow_columns(lang: str) -> list[dict]:
    return [
        {"field": "direction", "headerName": t("handover.col.direction", lang), "maxWidth": 150},
        {"field": "from_area", "headerName": t("handover.col.from_area", lang), "minWidth": 210},
        {"field": "to_area", "headerName": t("handover.col.to_area", lang), "minWidth": 210},
        number_column("cases", lang, "handover.col.cases"),
        number_column("f1", lang, "trace.fact.f1"),
        number_column("f2", lang, "trace.fact.f2"),
        {"field": "last_day", "headerName": t("handover.col.last_day", lang)},
    ]
