"""The admin page's builders: the users table, a page of the audit log, and the log as CSV and as a workbook."""

from __future__ import annotations

import csv
import datetime as dt
import io

import dash_mantine_components as dmc
import pyarrow as pa
from dash import html
from openpyxl import Workbook

from components.i18n import date, t
from data.access import roles

VN = dt.timezone(dt.timedelta(hours=7))
LOG_COLUMNS = ("logged_at", "username", "role", "action", "target", "address", "detail")


def local_time(value: dt.datetime, lang: str) -> str:
    """02/08/2021 14:05:09, in Viet Nam's time."""
    local = value.astimezone(VN)
    return f"{date(local.date(), lang)} {local:%H:%M:%S}"


def role_label(name: str, lang: str) -> str:
    found = roles().get(name)
    return found.label.get(lang, name) if found else name


def _table(head: list[str], rows: list[list], class_name: str) -> dmc.Table:
    return dmc.Table(
        [
            html.Thead(html.Tr([html.Th(cell) for cell in head])),
            html.Tbody([html.Tr([html.Td(cell) for cell in row]) for row in rows]),
        ],
        striped=True,
        highlightOnHover=True,
        withTableBorder=True,
        className=class_name,
    )


def users_table(users: list[dict], lang: str) -> dmc.Table:
    head = [t(f"admin.user.{key}", lang) for key in ("username", "role", "scope", "state", "created")]
    rows = [
        [
            user["username"],
            role_label(str(user["role"]), lang),
            user["scope"],
            t("admin.disabled" if user["disabled"] else "admin.active", lang),
            local_time(dt.datetime.fromisoformat(str(user["created"])), lang) if user["created"] else "—",
        ]
        for user in users
    ]
    return _table(head, rows, "admin-users")


def audit_table(entries: list[dict], lang: str) -> dmc.Table | dmc.Text:
    if not entries:
        return dmc.Text(t("admin.log.empty", lang), c="dimmed", className="admin-log-empty")
    head = [t(f"admin.log.{column}", lang) for column in LOG_COLUMNS]
    rows = [
        [
            local_time(entry["logged_at"], lang),
            entry["username"],
            role_label(entry["role"], lang) if entry["role"] else "—",
            entry["action"],
            entry["target"],
            entry["address"],
            "" if entry["detail"] == "{}" else entry["detail"],
        ]
        for entry in entries
    ]
    return _table(head, rows, "admin-log")


def _export_rows(entries: pa.Table) -> list[list[str]]:
    return [
        [entry["logged_at"].astimezone(VN).isoformat(timespec="milliseconds")]
        + [entry[column] for column in LOG_COLUMNS[1:]]
        for entry in entries.to_pylist()
    ]


def audit_csv(entries: pa.Table) -> bytes:
    """The entries as CSV (UTF-8 with a BOM, which spreadsheet programs need to read Vietnamese), ISO times +07:00."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(LOG_COLUMNS)
    writer.writerows(_export_rows(entries))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def audit_workbook(entries: pa.Table, lang: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = t("admin.log.sheet", lang)
    sheet.append([t(f"admin.log.{column}", lang) for column in LOG_COLUMNS])
    for row in _export_rows(entries):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
