"""A case's trace (/trace/<case_id>): the F0 → F1 → F2 graph, the timeline of its points, the F1 and F2 lists."""

from __future__ import annotations

import dash
import dash_cytoscape as cyto
import dash_mantine_components as dmc
from dash import Input, Output, Patch, State, dcc, html

from components.i18n import current_language, t
from components.inputs import CaseIds, Count, Id, TappedContact, UrlValue, typed, url_text, url_value
from components.tables import grid
from components.trace_graph import (
    GRAPH_STYLESHEET,
    contact_columns,
    contact_rows,
    contacts_workbook,
    expansion_elements,
    graph_elements,
    graph_legend,
    handover_columns,
    handover_rows,
    points_timeline,
    trace_facts,
    when,
)
from data.access import current_viewer
from data.disclosure import export, personal_view
from data.tracing import case_contacts, case_handovers, case_points, case_trace, case_watch
from rules.tracing import watch_rule

dash.register_page(__name__, path_template="/trace/<case_id>", title="Truy vết — PC-Covid", name="trace")

CASE = "trace-case"
EXPANDED = "trace-expanded"
GRAPH = "trace-graph"
TIMELINE = "trace-timeline"
F1_GRID = "trace-f1-grid"
F2_GRID = "trace-f2-grid"
F1_CSV = "trace-f1-csv"
F2_CSV = "trace-f2-csv"
XLSX = "trace-xlsx"
WATCH_GRID = "trace-watch-grid"
WATCH_CSV = "trace-watch-csv"
HANDOVER_GRID = "trace-handover-grid"
DOWNLOAD = "trace-download"


def layout(case_id: UrlValue = None, **_query: UrlValue) -> html.Div:
    lang, viewer = current_language(), current_viewer()
    number, case_id = url_value(Id, case_id), url_text(case_id)
    case = case_trace(viewer, number) if number is not None else None
    if case is None:
        return html.Div(
            [
                dmc.Title(t("trace.not_found_title", lang), order=2),
                dmc.Text(t("trace.not_found", lang, case=(case_id or "")[:20])),
            ],
            className="page page-trace",
        )
    contacts = case_contacts(viewer, number)
    f1 = [c for c in contacts if c["degree"] == 1]
    f2 = [c for c in contacts if c["degree"] == 2]
    points = case_points(viewer, number)
    handovers = case_handovers(viewer, number)
    watch = case_watch(viewer, number)
    personal_view(viewer, "view_trace", str(number), {"f1": len(f1), "f2": len(f2), "watch": len(watch)})
    name = f" — {case['full_name']}" if case.get("full_name") else ""
    subtitle = t(
        "trace.subtitle",
        lang,
        ward=case["ward_name"],
        district=case["district_name"] or "",
        province=case["province_name"] or "",
        confirmed=when(case["confirmed_ts"], lang),
        start=when(case["window_start_ts"], lang),
    )
    cluster = (
        [
            dmc.Anchor(
                t("trace.cluster", lang, cluster=case["cluster_ref"]), href=f"/clusters?cluster={case['cluster_ref']}"
            )
        ]
        if (case.get("cluster_size") or 0) >= 2
        else []
    )
    return html.Div(
        [
            dcc.Store(id=CASE, data=number),
            dcc.Store(id=EXPANDED, data=[]),
            dcc.Download(id=DOWNLOAD),
            dmc.Group(
                [dmc.Title(t("trace.title", lang, case=number) + name, order=2), *cluster], justify="space-between"
            ),
            dmc.Text(subtitle, c="dimmed", size="sm"),
            dmc.Text(t("trace.rule", lang, rule=case["rule_version"]), c="dimmed", size="xs", mb="md"),
            dmc.SimpleGrid(trace_facts(case, lang), cols={"base": 2, "sm": 3, "lg": 5}, spacing="md"),
            dmc.Grid(
                [
                    dmc.GridCol(
                        dmc.Paper(
                            [
                                dmc.Title(t("trace.graph_title", lang), order=4),
                                graph_legend(lang),
                                cyto.Cytoscape(
                                    id=GRAPH,
                                    elements=graph_elements(case, f1, lang, {c["through"] for c in f2}, handovers),
                                    stylesheet=GRAPH_STYLESHEET,
                                    layout={"name": "concentric", "animate": False, "minNodeSpacing": 50},
                                    style={"width": "100%", "height": "440px"},
                                    userZoomingEnabled=True,
                                    maxZoom=1.4,  # a case with few contacts is not blown up to giant names
                                    minZoom=0.2,
                                ),
                            ],
                            withBorder=True,
                            p="sm",
                        ),
                        span={"base": 12, "lg": 6},
                    ),
                    dmc.GridCol(
                        dmc.Paper(
                            dcc.Graph(
                                id=TIMELINE,
                                figure=points_timeline(points, case, lang),
                                config={"displaylogo": False},
                                style={"height": "480px"},
                            )
                            if points
                            else dmc.Text(t("trace.points_none", lang), p="md"),
                            withBorder=True,
                            p="xs",
                        ),
                        span={"base": 12, "lg": 6},
                    ),
                ],
                mt="md",
            ),
            _list_header("trace.f1_list", F1_CSV, lang, xlsx=True),
            dmc.Text(t("trace.f1_order", lang), size="sm", c="dimmed", mb="xs", className="trace-f1-order"),
            grid(
                F1_GRID,
                contact_columns(lang, with_through=False, personal=viewer.personal),
                contact_rows(f1, lang),
                lang,
                file_name=f"pccovid-f1-{number}.csv",
            ),
            _list_header("trace.f2_list", F2_CSV, lang),
            grid(
                F2_GRID,
                contact_columns(lang, with_through=True, personal=viewer.personal),
                contact_rows(f2, lang),
                lang,
                file_name=f"pccovid-f2-{number}.csv",
            ),
            *_watch_list(watch, number, lang, viewer.personal),
            *_handed_over(handovers, number, lang),
        ],
        className="page page-trace",
    )


def _watch_list(watch: list[dict], number: int, lang: str, personal: bool) -> list:
    """Below the F1 and F2 lists, apart from them: people met just before the window, to follow up, never F1."""
    days = watch_rule().days_before_window
    if not days:
        return []
    note = dmc.Text(
        t("trace.watch_note", lang, days=days), size="sm", c="dimmed", mb="xs", className="trace-watch-note"
    )
    if not watch:  # no grid, so no CSV button whose download would have nothing to export
        return [
            dmc.Title(t("trace.watch_list", lang), order=4, mt="lg", mb="xs"),
            note,
            dmc.Text(t("trace.watch_none", lang), size="sm"),
        ]
    return [
        _list_header("trace.watch_list", WATCH_CSV, lang),
        note,
        grid(
            WATCH_GRID,
            contact_columns(lang, with_through=False, personal=personal),
            contact_rows(watch, lang),
            lang,
            file_name=f"pccovid-watch-{number}.csv",
        ),
    ]


def _handed_over(handovers: list[dict], number: int, lang: str) -> list:
    """Contacts living outside the jurisdiction: how many went to which area, never who."""
    if not handovers:
        return []
    return [
        dmc.Title(t("handover.on_trace_title", lang), order=4, mt="lg", mb=4),
        dmc.Text(t("handover.on_trace_note", lang), size="sm", c="dimmed", mb="xs"),
        grid(
            HANDOVER_GRID,
            handover_columns(lang),
            handover_rows(handovers, lang),
            lang,
            file_name=f"pccovid-handover-{number}.csv",
        ),
    ]


def _list_header(title_key: str, csv_id: str, lang: str, *, xlsx: bool = False) -> dmc.Group:
    buttons = [dmc.Button(t("trace.export_csv", lang), id=csv_id, variant="light", size="xs")]
    if xlsx:
        buttons.append(dmc.Button(t("trace.export_xlsx", lang), id=XLSX, variant="light", size="xs", color="green"))
    return dmc.Group(
        [dmc.Title(t(title_key, lang), order=4), dmc.Group(buttons, gap="xs")],
        justify="space-between",
        mt="lg",
        mb="xs",
    )


@dash.callback(
    Output(GRAPH, "elements"),
    Output(EXPANDED, "data"),
    Input(GRAPH, "tapNodeData"),
    State(CASE, "data"),
    State(EXPANDED, "data"),
    prevent_initial_call=True,
)
@typed
def expand_contact(node: TappedContact | None, case_id: Id, expanded: CaseIds):
    """Adds the F2s found through the clicked F1 to the graph, without redrawing what is there."""
    if not node or node.get("degree") != 1 or node.get("person") in expanded:
        return dash.no_update, dash.no_update
    through = int(node["person"])
    f2 = case_contacts(current_viewer(), case_id, degree=2, through=through)
    elements = Patch()
    elements.extend(expansion_elements(through, f2, current_language()))
    return elements, [*expanded, through]


def _export_list(what: str, case_id: int, degree: int | None) -> bool:
    """Audits a list's CSV (the browser writes it from the grid it holds) with its rows read again here, then lets the
    grid export; nothing when the case is not the viewer's."""
    viewer = current_viewer()
    if case_trace(viewer, case_id) is None:
        return dash.no_update
    rows = case_watch(viewer, case_id) if degree is None else case_contacts(viewer, case_id, degree=degree)
    export(viewer, what, len(rows), str(case_id))
    return True


@dash.callback(
    Output(F1_GRID, "exportDataAsCsv"), Input(F1_CSV, "n_clicks"), State(CASE, "data"), prevent_initial_call=True
)
@typed
def export_f1_csv(_clicks: Count | None, case_id: Id) -> bool:
    return _export_list("trace_f1_csv", case_id, 1)


@dash.callback(
    Output(F2_GRID, "exportDataAsCsv"), Input(F2_CSV, "n_clicks"), State(CASE, "data"), prevent_initial_call=True
)
@typed
def export_f2_csv(_clicks: Count | None, case_id: Id) -> bool:
    return _export_list("trace_f2_csv", case_id, 2)


@dash.callback(
    Output(WATCH_GRID, "exportDataAsCsv"), Input(WATCH_CSV, "n_clicks"), State(CASE, "data"), prevent_initial_call=True
)
@typed
def export_watch_csv(_clicks: Count | None, case_id: Id) -> bool:
    return _export_list("trace_watch_csv", case_id, None)


@dash.callback(Output(DOWNLOAD, "data"), Input(XLSX, "n_clicks"), State(CASE, "data"), prevent_initial_call=True)
@typed
def export_lists_xlsx(_clicks: Count | None, case_id: Id):
    """The F1 and F2 lists (and the watch list) as one workbook for the ward teams."""
    lang, viewer = current_language(), current_viewer()
    case = case_trace(viewer, case_id)
    if case is None:
        return dash.no_update
    contacts = case_contacts(viewer, case_id)
    f1 = [c for c in contacts if c["degree"] == 1]
    f2 = [c for c in contacts if c["degree"] == 2]
    watch = case_watch(viewer, case_id)
    workbook = contacts_workbook(case, f1, f2, lang, case_handovers(viewer, case_id), watch, viewer.personal)
    export(viewer, "trace_xlsx", len(f1) + len(f2) + len(watch), str(case_id))
    return dcc.send_bytes(workbook, f"pccovid-f1-f2-{case_id}.xlsx")
