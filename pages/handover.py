"""Hand-over (/handover): the F1 and F2 that other areas' cases named among the viewer's residents, and the flows."""

from __future__ import annotations

import dash
import dash_mantine_components as dmc
from dash import Input, Output, dcc, html

from components.handover import flow_columns, flow_rows, received_columns, received_rows, received_workbook
from components.i18n import current_language, t
from components.inputs import Count, UrlValue, typed
from components.tables import grid
from data.access import current_viewer
from data.disclosure import export, personal_view
from data.tracing import handover_flows, received_handovers

dash.register_page(__name__, path="/handover", title="Bàn giao F1, F2 — PC-Covid", name="handover")

RECEIVED_GRID = "handover-received-grid"
RECEIVED_CSV = "handover-received-csv"
RECEIVED_XLSX = "handover-received-xlsx"
FLOWS_GRID = "handover-flows-grid"
DOWNLOAD = "handover-download"
LIMIT = 5000  # the newest exposures; a province's list is far shorter, the national one is not


def layout(**_query: UrlValue) -> html.Div:
    lang, viewer = current_language(), current_viewer()
    received, flows = received_handovers(viewer, LIMIT), handover_flows(viewer)
    personal_view(viewer, "view_handover", viewer.cache_key, {"rows": len(received)})
    return html.Div(
        [
            dcc.Download(id=DOWNLOAD),
            dmc.Title(t("handover.title", lang), order=2),
            dmc.Text(t("handover.subtitle", lang), c="dimmed", size="sm", mb="md"),
            dmc.Group(
                [
                    dmc.Title(t("handover.received_title", lang), order=4),
                    dmc.Group(
                        [
                            dmc.Button(t("trace.export_csv", lang), id=RECEIVED_CSV, variant="light", size="xs"),
                            dmc.Button(
                                t("trace.export_xlsx", lang),
                                id=RECEIVED_XLSX,
                                variant="light",
                                size="xs",
                                color="green",
                            ),
                        ],
                        gap="xs",
                    ),
                ],
                justify="space-between",
                mb="xs",
            ),
            *(
                [dmc.Text(t("handover.received_more", lang, shown=LIMIT), size="xs", c="dimmed")]
                if len(received) >= LIMIT
                else []
            ),
            grid(
                RECEIVED_GRID,
                received_columns(lang, viewer.personal),
                received_rows(received, lang),
                lang,
                file_name="pccovid-handover.csv",
            )
            if received
            else dmc.Alert(t("handover.received_none", lang), color="gray"),
            dmc.Title(t("handover.flows_title", lang), order=4, mt="lg", mb="xs"),
            grid(FLOWS_GRID, flow_columns(lang), flow_rows(flows, lang), lang, file_name="pccovid-handover-flows.csv")
            if flows
            else dmc.Alert(t("handover.flows_none", lang), color="gray"),
        ],
        className="page page-handover",
    )


@dash.callback(Output(RECEIVED_GRID, "exportDataAsCsv"), Input(RECEIVED_CSV, "n_clicks"), prevent_initial_call=True)
@typed
def export_received_csv(_clicks: Count | None) -> bool:
    viewer = current_viewer()
    export(viewer, "handover_csv", len(received_handovers(viewer, LIMIT)))
    return True


@dash.callback(Output(DOWNLOAD, "data"), Input(RECEIVED_XLSX, "n_clicks"), prevent_initial_call=True)
@typed
def export_received_xlsx(_clicks: Count | None):
    """The received list as a workbook for the ward teams, read again inside the viewer's jurisdiction."""
    lang, viewer = current_language(), current_viewer()
    rows = received_handovers(viewer, LIMIT)
    export(viewer, "handover_xlsx", len(rows))
    workbook = received_workbook(rows, t("handover.received_title", lang), lang, viewer.personal)
    return dcc.send_bytes(workbook, "pccovid-handover.xlsx")
