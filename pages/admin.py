"""The administrator's page (/admin): the users (never their hashes) and the audit log, filtered and paged in SQL,
exported as CSV or XLSX (each export audited). Only the `admin` role reads it; the data layer refuses anyone else."""

from __future__ import annotations

import math

import dash
import dash_mantine_components as dmc
from dash import Input, Output, State, dcc, html

from components.admin_view import audit_csv, audit_table, audit_workbook, users_table
from components.i18n import current_language, number, t
from components.inputs import Count, Day, Text, UrlValue, typed
from data import audit
from data.access import current_principal
from data.audit_log import PAGE_ROWS, audit_actions, audit_entries, audit_export
from data.users import users_for_admin

dash.register_page(__name__, path="/admin", title="Quản trị — PC-Covid", name="admin")

USER = "admin-filter-user"
ACTION = "admin-filter-action"
DAY = "admin-filter-day"
PAGER = "admin-pager"
LOG = "admin-log-holder"
TOTAL = "admin-log-total"
CSV = "admin-csv"
XLSX = "admin-xlsx"
DOWNLOAD = "admin-download"
REFRESH = "admin-refresh"
REFRESH_MS = 10_000  # the log grows as people work; the drain copies it within a second


def layout(**_query: UrlValue) -> html.Div:
    lang = current_language()
    principal = current_principal()
    if principal is None or not principal.role.admin:
        return dmc.Alert(t("admin.denied", lang), color="red", className="admin-denied")
    return html.Div(
        [
            dmc.Title(t("admin.title", lang), order=2),
            dmc.Title(t("admin.users", lang), order=4, mt="md", mb="xs"),
            users_table(users_for_admin(), lang),
            dmc.Title(t("admin.log", lang), order=4, mt="xl", mb="xs"),
            dmc.Group(
                [
                    dmc.TextInput(id=USER, label=t("admin.filter.user", lang), debounce=400, w=200),
                    dmc.Select(
                        id=ACTION,
                        label=t("admin.filter.action", lang),
                        placeholder=t("admin.filter.any", lang),
                        data=audit_actions(),
                        clearable=True,
                        searchable=True,
                        w=220,
                    ),
                    dmc.DatePickerInput(
                        id=DAY,
                        label=t("admin.filter.day", lang),
                        placeholder=t("admin.filter.any", lang),
                        valueFormat="DD/MM/YYYY",
                        clearable=True,
                        w=180,
                    ),
                    dmc.Button(t("admin.export_csv", lang), id=CSV, variant="light"),
                    dmc.Button(t("admin.export_xlsx", lang), id=XLSX, variant="light"),
                ],
                align="flex-end",
                mb="sm",
            ),
            dmc.Text(id=TOTAL, size="sm", c="dimmed", mb="xs"),
            html.Div(id=LOG),
            dmc.Pagination(id=PAGER, total=1, value=1, mt="sm"),
            dcc.Download(id=DOWNLOAD),
            dcc.Interval(id=REFRESH, interval=REFRESH_MS),
        ],
        className="page admin-page",
    )


@dash.callback(
    Output(LOG, "children"),
    Output(PAGER, "total"),
    Output(TOTAL, "children"),
    Input(USER, "value"),
    Input(ACTION, "value"),
    Input(DAY, "value"),
    Input(PAGER, "value"),
    Input(REFRESH, "n_intervals"),
)
@typed
def show_audit_log(
    username: Text | None, action: Text | None, day: Day | None, page: Count | None, _tick: Count | None
) -> tuple:
    """One page of the log, newest first (the filters and the page are applied in SQL)."""
    lang = current_language()
    entries, total = audit_entries(username, action, day, page=page or 1)
    pages = max(1, math.ceil(total / PAGE_ROWS))
    return audit_table(entries, lang), pages, t("admin.log.total", lang, total=number(total, lang))


def _export(kind: str, username: str | None, action: str | None, day: str | None):
    lang = current_language()
    entries = audit_export(username, action, day)
    filters = {"username": username, "action": action, "day": day}
    # The export is itself audited, before it is sent; if that cannot be written, nothing is sent.
    audit.record("export", "audit_log", {"format": kind, "rows": entries.num_rows, "filters": filters})
    if kind == "csv":
        return dcc.send_bytes(audit_csv(entries), "pccovid-audit-log.csv")
    return dcc.send_bytes(audit_workbook(entries, lang), "pccovid-audit-log.xlsx")


@dash.callback(
    Output(DOWNLOAD, "data"),
    Input(CSV, "n_clicks"),
    State(USER, "value"),
    State(ACTION, "value"),
    State(DAY, "value"),
    prevent_initial_call=True,
)
@typed
def export_audit_csv(_clicks: Count | None, username: Text | None, action: Text | None, day: Day | None):
    return _export("csv", username, action, day)


@dash.callback(
    Output(DOWNLOAD, "data", allow_duplicate=True),
    Input(XLSX, "n_clicks"),
    State(USER, "value"),
    State(ACTION, "value"),
    State(DAY, "value"),
    prevent_initial_call=True,
)
@typed
def export_audit_xlsx(_clicks: Count | None, username: Text | None, action: Text | None, day: Day | None):
    return _export("xlsx", username, action, day)
