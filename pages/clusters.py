"""Clusters of linked cases (/clusters): on a map and in a table with their growth; a cluster opens its cases and links."""

from __future__ import annotations

import math

import dash
import dash_leaflet as dl
import dash_mantine_components as dmc
from dash import ALL, Input, Output, State, ctx, dcc, html

from components import ids
from components.figures import graph_config
from components.i18n import current_language, numeric, t
from components.inputs import CellClick, Clicks, ClusterRows, Count, Id, UrlValue, read, typed, url_value
from components.tables import grid
from components.trace_graph import (
    CASE_RED,
    cluster_case_columns,
    cluster_case_rows,
    cluster_columns,
    cluster_growth_figure,
    cluster_rows,
    clusters_workbook,
    elsewhere_text,
    focus_text,
    recent_trace_columns,
    recent_trace_rows,
)
from data.access import current_viewer
from data.disclosure import export, personal_view
from data.tracing import cluster_cases, cluster_links, clusters, recent_traces
from web.endpoints import geometry_url

dash.register_page(__name__, path="/clusters", title="Chùm ca bệnh — PC-Covid", name="clusters")

SELECTED = "clusters-selected"
MAP = "clusters-map"
MARKER = "clusters-marker"
TABLE = "clusters-table"
DETAIL = "clusters-detail"
CASES = "clusters-cases"
RECENT = "clusters-recent"
LIST_CSV = "clusters-csv"
LIST_XLSX = "clusters-xlsx"
DOWNLOAD = "clusters-download"
VIETNAM_BOUNDS = [[8.2, 102.1], [23.4, 109.5]]
MAP_LIMIT = 500  # the busiest clusters on the map (the table lists them all)


def layout(cluster: UrlValue = None, **_query: UrlValue) -> html.Div:
    lang, viewer = current_language(), current_viewer()
    found = clusters(viewer)
    selected = url_value(Id, cluster)
    return html.Div(
        [
            dcc.Store(id=SELECTED, data=selected),
            dmc.Title(t("clusters.title", lang), order=2),
            dmc.Text(t("clusters.subtitle", lang), c="dimmed", size="sm", mb="md"),
            dmc.Grid(
                [
                    dmc.GridCol(
                        dmc.Paper(
                            [
                                dl.Map(
                                    [
                                        dl.GeoJSON(
                                            url=geometry_url("province"),
                                            style={
                                                "color": "#adb5bd",
                                                "weight": 1,
                                                "fillColor": "#f8f9fa",
                                                "fillOpacity": 1,
                                            },
                                        ),
                                        # Above the boundaries, which arrive later and would cover them.
                                        dl.Pane(_markers(found, lang), name="clusters", style={"zIndex": 450}),
                                    ],
                                    id=MAP,
                                    bounds=VIETNAM_BOUNDS,
                                    zoomSnap=0.25,
                                    trackViewport=False,
                                    attributionControl=False,
                                    # static-boundaries: the shapes are background, only the circles take clicks
                                    # (dash-leaflet's GeoJSON makes every feature interactive).
                                    className="command-map static-boundaries",
                                    style={"height": "520px"},
                                ),
                                dmc.Text(t("clusters.map_hint", lang), size="xs", c="dimmed", mt=4),
                            ],
                            withBorder=True,
                            p="xs",
                        ),
                        span={"base": 12, "lg": 5},
                    ),
                    dmc.GridCol(
                        [
                            dmc.Group(
                                [
                                    dmc.Button(t("trace.export_csv", lang), id=LIST_CSV, variant="light", size="xs"),
                                    dmc.Button(
                                        t("trace.export_xlsx", lang),
                                        id=LIST_XLSX,
                                        variant="light",
                                        size="xs",
                                        color="green",
                                    ),
                                ],
                                gap="xs",
                                justify="flex-end",
                                mb="xs",
                            ),
                            dcc.Download(id=DOWNLOAD),
                            grid(
                                TABLE,
                                cluster_columns(lang),
                                cluster_rows(found, lang),
                                lang,
                                file_name="pccovid-clusters.csv",
                            )
                            if found
                            else dmc.Alert(t("clusters.none", lang), color="gray"),
                        ],
                        span={"base": 12, "lg": 7},
                    ),
                ]
            ),
            html.Div(id=DETAIL, className="clusters-detail", style={"marginTop": "1rem"}),
            *_recent(viewer, lang),
        ],
        className="page page-clusters",
    )


def _recent(viewer, lang: str) -> list:
    """The latest traced cases, each opening its trace: not for a reader of aggregates only (the press)."""
    if viewer.aggregates_only:
        return []
    traces = recent_traces(viewer)
    personal_view(viewer, "view_traces", viewer.cache_key, {"rows": len(traces)})
    return [
        dmc.Title(t("traces.title", lang), order=4, mt="lg", mb="xs"),
        grid(
            RECENT,
            recent_trace_columns(lang, viewer.personal),
            recent_trace_rows(traces, lang),
            lang,
            file_name="pccovid-traces.csv",
        ),
    ]


def _markers(found: list[dict], lang: str) -> list:
    return [
        dl.CircleMarker(
            id={"type": MARKER, "index": c["cluster_ref"]},
            center=[c["lat"], c["lon"]],
            radius=6 + 4 * math.sqrt(numeric(c["own_size"]) or 2),  # "<5" (the press) drawn as 2
            color=CASE_RED,
            fillColor=CASE_RED,
            fillOpacity=0.45,
            weight=2,
            children=dl.Tooltip(f"{c['cluster_ref']} · {focus_text(c, lang)} · {c['own_size']}"),
        )
        for c in found[:MAP_LIMIT]
        if c["lat"] is not None
    ]


@dash.callback(
    Output(SELECTED, "data"),
    Input({"type": MARKER, "index": ALL}, "n_clicks"),
    Input(TABLE, "cellClicked"),
    State(TABLE, "rowData"),
    prevent_initial_call=True,
)
@typed
def select_cluster(_marker_clicks: Clicks | None, cell: CellClick | None, rows: ClusterRows | None):
    """The cluster picked on the map or in the table."""
    if isinstance(ctx.triggered_id, dict):
        if not any(_marker_clicks or []):
            return dash.no_update
        return read(Id, ctx.triggered_id.get("index")) or dash.no_update
    if cell and cell.get("rowIndex") is not None and rows:
        row_id = cell.get("rowId")
        if row_id is not None and str(row_id).isdigit() and int(row_id) < len(rows):
            return rows[int(row_id)]["cluster_id"]
        return rows[cell["rowIndex"]]["cluster_id"] if cell["rowIndex"] < len(rows) else dash.no_update
    return dash.no_update


@dash.callback(Output(DETAIL, "children"), Input(SELECTED, "data"), Input(ids.DATA_VERSION, "data"))
@typed
def show_cluster(cluster_id: Id | None, _version: Count):
    """The picked cluster: its growth and its cases with their links, each opening its trace."""
    lang, viewer = current_language(), current_viewer()
    if cluster_id is None:
        return dmc.Text(t("clusters.pick", lang), c="dimmed", size="sm")
    found = next((c for c in clusters(viewer) if c["cluster_ref"] == cluster_id), None)
    cases = [] if viewer.aggregates_only else cluster_cases(viewer, cluster_id)  # the press: the growth only
    if found is None or not (cases or viewer.aggregates_only):
        return dmc.Text(t("clusters.pick", lang), c="dimmed", size="sm")
    rows = cluster_case_rows(cases, cluster_links(viewer, cluster_id), lang) if cases else []
    personal_view(viewer, "view_cluster", str(cluster_id), {"rows": len(rows)})
    listed = (
        [
            grid(
                CASES,
                cluster_case_columns(lang, viewer.personal),
                rows,
                lang,
                file_name=f"pccovid-cluster-{cluster_id}.csv",
            )
        ]
        if rows
        else []
    )
    return dmc.Grid(
        [
            dmc.GridCol(
                dmc.Paper(
                    dcc.Graph(figure=cluster_growth_figure(found, lang), config=graph_config(lang)),
                    withBorder=True,
                    p="xs",
                ),
                span={"base": 12, "lg": 5},
            ),
            dmc.GridCol(
                [
                    dmc.Title(t("clusters.cases_title", lang, cluster=cluster_id), order=4),
                    dmc.Text(focus_text(found, lang), c="dimmed", size="sm", mb="xs", className="clusters-focus"),
                    *_elsewhere_note(found, lang),
                    *listed,
                ],
                span={"base": 12, "lg": 7},
            ),
        ]
    )


@dash.callback(Output(TABLE, "exportDataAsCsv"), Input(LIST_CSV, "n_clicks"), prevent_initial_call=True)
@typed
def export_clusters_csv(_clicks: Count | None) -> bool:
    viewer = current_viewer()
    export(viewer, "clusters_csv", len(clusters(viewer)))
    return True


@dash.callback(Output(DOWNLOAD, "data"), Input(LIST_XLSX, "n_clicks"), prevent_initial_call=True)
@typed
def export_clusters_xlsx(_clicks: Count | None):
    """The cluster list, each with its focus, as a workbook for the tracing teams."""
    lang, viewer = current_language(), current_viewer()
    found = clusters(viewer)
    export(viewer, "clusters_xlsx", len(found))
    return dcc.send_bytes(clusters_workbook(found, lang), "pccovid-clusters.xlsx")


def _elsewhere_note(cluster: dict, lang: str) -> list:
    """A cluster crossing the jurisdiction's boundary: the other provinces' cases as counts, never listed."""
    if not cluster["elsewhere"]:
        return []
    text = t("clusters.elsewhere_note", lang, counts=elsewhere_text(cluster, lang))
    return [dmc.Alert(text, color="gray", variant="light", mb="xs", className="clusters-elsewhere")]
