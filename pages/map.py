"""The map (/map): a measure by province, district or ward, drilling down on click; the URL carries the selection."""

from __future__ import annotations

import dash
import dash_leaflet as dl
import dash_mantine_components as dmc
from dash import Input, Output, State, clientside_callback, ctx, dcc, html
from dash_extensions.javascript import Namespace

from components import ids
from components.area_filter import url_params
from components.directive_notice import SEQ as DIRECTIVE_SEQ
from components.directive_notice import takes_part
from components.directives_view import measures_layer
from components.i18n import current_language, date, t
from components.inputs import Count, Day, DistrictClick, Measure, ProvinceClick, Text, UrlValue, WardClick, typed
from components.map_view import MapSelection, hideout, legend, measure_csv, read_selection, view_rows, ward_points
from components.measures import STYLES, format_measure
from data.access import current_viewer
from data.areas import bounds
from data.disclosure import export
from data.maps import day_range
from web.endpoints import geometry_url

dash.register_page(__name__, path="/map", title="Bản đồ — PC-Covid", name="map")

PROVINCES = "map-provinces"
DISTRICTS = "map-districts"
WARDS = "map-wards"
DISTRICT_PANE, WARD_PANE = (
    "districts",
    "wards",
)  # Leaflet panes (CSS classes leaflet-districts-pane, leaflet-wards-pane)
MEASURE = "map-measure"
DAY = "map-day"
INFO = "map-info"
RANKING = "map-ranking"
RANKING_CAPTION = "map-ranking-caption"
EXPORT = "map-export"
DOWNLOAD = "map-download"
MEASURES = "map-measures"

ns = Namespace("pccovid", "map")


def layout(
    province: UrlValue = None,
    district: UrlValue = None,
    measure: UrlValue = None,
    day: UrlValue = None,
    **_: UrlValue,
):
    lang, viewer = current_language(), current_viewer()
    selection = read_selection(viewer, lang, province, district, measure, day)
    rows = view_rows(selection, viewer)
    focus = selection.district or selection.province
    first_day, latest_day = day_range(viewer)
    return html.Div(
        [
            dmc.Group(
                [
                    dmc.Stack([dmc.Title(t("map.title", lang), order=2), _breadcrumb(selection, lang)], gap=2),
                    dmc.Group(
                        [
                            dmc.Select(
                                id=MEASURE,
                                label=t("map.measure", lang),
                                value=selection.measure,
                                data=[{"value": key, "label": t(f"measure.{key}", lang)} for key in STYLES],
                                allowDeselect=False,
                                w=300,
                            ),
                            dmc.DatePickerInput(
                                id=DAY,
                                label=t("map.day", lang),
                                value=selection.day,
                                minDate=first_day,
                                maxDate=latest_day,
                                valueFormat="DD/MM/YYYY",
                                w=150,
                            ),
                        ],
                        align="flex-end",
                    ),
                ],
                justify="space-between",
                align="flex-end",
                mb="sm",
            ),
            *[dmc.Alert(n, color="yellow", mb="xs", className="map-notice") for n in selection.notices],
            dmc.Grid(
                [
                    dmc.GridCol(
                        html.Div(
                            [
                                dl.Map(
                                    [
                                        dl.GeoJSON(
                                            id=PROVINCES,
                                            url=geometry_url("province"),
                                            style=ns("style"),
                                            hideout=hideout(rows, selection, lang, layer="province"),
                                            hoverStyle={"weight": 2, "color": "#495057"},
                                        ),
                                        # Each level in its own pane, stacked province < district < ward whatever
                                        # order their boundaries arrive in (a click lands on the finest level).
                                        dl.Pane(
                                            dl.GeoJSON(
                                                id=DISTRICTS,
                                                url=geometry_url("district"),
                                                style=ns("style"),
                                                filter=ns("filter"),
                                                hideout=hideout(rows, selection, lang, layer="district"),
                                                hoverStyle={"weight": 2, "color": "#495057"},
                                            ),
                                            name=DISTRICT_PANE,
                                            style={"zIndex": 410},
                                        ),
                                        dl.Pane(
                                            dl.GeoJSON(
                                                id=WARDS,
                                                data=ward_points(rows, selection),
                                                pointToLayer=ns("point"),
                                                hideout=hideout(rows, selection, lang, layer="ward"),
                                            ),
                                            name=WARD_PANE,
                                            style={"zIndex": 420},
                                        ),
                                        dl.ScaleControl(position="bottomleft", imperial=False),
                                        *_measures_control(viewer, lang),
                                    ],
                                    bounds=bounds(focus["code"] if focus else None),
                                    zoomSnap=0.25,
                                    trackViewport=False,
                                    attributionControl=False,
                                    className="command-map",
                                    style={"height": "72vh"},
                                ),
                                html.Div(legend(selection.measure, lang), className="map-legend-holder"),
                                dmc.Paper(t("map.hover", lang), id=INFO, className="map-info", p="xs", withBorder=True),
                            ],
                            className="map-holder",
                        ),
                        span={"base": 12, "lg": 9},
                    ),
                    dmc.GridCol(_ranking(rows, selection, lang), span={"base": 12, "lg": 3}),
                ]
            ),
            dcc.Store(id="map-empty-info", data=t("map.hover", lang)),
        ],
        className="page page-map",
    )


def _measures_control(viewer, lang: str) -> list:
    """The measures in force (active directives) as a layer the reader can switch off, for the committees."""
    if not takes_part():
        return []
    layer = dl.GeoJSON(
        id=MEASURES, data=measures_layer(viewer, lang), style=ns("measureStyle"), pointToLayer=ns("measurePoint")
    )
    return [
        dl.LayersControl(
            [dl.Overlay(dl.LayerGroup(layer), name=t("map.measures_layer", lang), checked=True)],
            position="topleft",
            collapsed=False,
        )
    ]


def _breadcrumb(selection: MapSelection, lang: str) -> dmc.Breadcrumbs:
    items = [dcc.Link(t("map.country", lang), href="/map" + selection.query(province=None, district=None))]
    if selection.province:
        items.append(dcc.Link(selection.province["short_name"], href="/map" + selection.query(district=None)))
    if selection.district:
        items.append(dmc.Text(selection.district["short_name"], size="sm"))
    return dmc.Breadcrumbs(items, separator="›")


def _ranking_rows(rows: list[dict], selection: MapSelection, lang: str) -> html.Tbody:
    top = sorted((r for r in rows if r["value"]), key=lambda r: -r["value"])[:12]
    body = [
        html.Tr(
            [html.Td(r["short_name"]), html.Td(format_measure(selection.measure, r["value"], lang), className="num")],
            className="ranking-row",
        )
        for r in top
    ] or [html.Tr(html.Td(t("map.none", lang), colSpan=2))]
    return html.Tbody(body)


def _ranking_caption(selection: MapSelection, lang: str) -> str:
    return t(f"measure.{selection.measure}", lang) + " · " + date(selection.day, lang)


def _ranking(rows: list[dict], selection: MapSelection, lang: str) -> dmc.Paper:
    return dmc.Paper(
        [
            dmc.Group(
                [
                    dmc.Text(t("map.ranking", lang), fw=600),
                    dmc.Button(t("map.export_csv", lang), id=EXPORT, variant="light", size="xs"),
                ],
                justify="space-between",
            ),
            dcc.Download(id=DOWNLOAD),
            dmc.Text(_ranking_caption(selection, lang), id=RANKING_CAPTION, size="xs", c="dimmed", mb="xs"),
            dmc.Table(
                _ranking_rows(rows, selection, lang),
                id=RANKING,
                striped=True,
                highlightOnHover=True,
                className="ranking",
            ),
        ],
        withBorder=True,
        p="sm",
    )


@dash.callback(
    Output(ids.URL, "search", allow_duplicate=True),
    Input(PROVINCES, "clickData"),
    Input(DISTRICTS, "clickData"),
    Input(WARDS, "clickData"),
    Input(MEASURE, "value"),
    Input(DAY, "value"),
    State(ids.URL, "search"),
    prevent_initial_call=True,
)
@typed
def open_selected_area(
    province_click: ProvinceClick | None,
    district_click: DistrictClick | None,
    ward_click: WardClick | None,
    measure: Measure | None,
    day: Day | None,
    search: Text | None,
):
    """A click drills down (province → its districts → its wards); a new measure or day keeps the place."""
    clicks = {PROVINCES: province_click, DISTRICTS: district_click, WARDS: ward_click}
    return next_map_query(ctx.triggered_id, clicks.get(ctx.triggered_id), measure, search, day) or dash.no_update


def next_map_query(
    trigger: str | None, clicked: dict | None, measure: str | None, search: str | None, day: str | None = None
) -> str | None:
    """The URL query after a click on a layer, a new measure or a new day; None when nothing changes."""
    current = url_params(search)
    viewer, lang = current_viewer(), current_language()
    place = (current.get("province"), current.get("district"))
    if trigger == DAY:
        shown = read_selection(viewer, lang, *place, current.get("measure"), current.get("day"))
        chosen = read_selection(viewer, lang, *place, current.get("measure"), (day or "")[:10] or None)
        return None if chosen.day == shown.day else chosen.query()
    selection = read_selection(viewer, lang, *place, measure, current.get("day"))
    if trigger == PROVINCES and clicked:
        return selection.query(province=clicked["properties"]["code"], district=None)
    if trigger == DISTRICTS and clicked:
        return selection.query(province=clicked["properties"]["province_code"], district=clicked["properties"]["code"])
    if trigger == MEASURE:
        # The measure list reports its value when it mounts: the measure already shown changes nothing (a new
        # URL would draw the whole page again).
        shown = read_selection(viewer, lang, *place, current.get("measure"), current.get("day"))
        return None if shown.measure == selection.measure else selection.query()
    return None


def _url_view(search: str | None, viewer, lang: str) -> tuple[MapSelection, list[dict]]:
    """The selection the URL's query names, read again inside the viewer's jurisdiction, and the areas it shows."""
    current = url_params(search)
    place = (current.get("province"), current.get("district"))
    selection = read_selection(viewer, lang, *place, current.get("measure"), current.get("day"))
    return selection, view_rows(selection, viewer)


@dash.callback(
    Output(PROVINCES, "hideout"),
    Output(DISTRICTS, "hideout"),
    Output(WARDS, "hideout"),
    Output(WARDS, "data"),
    Output(RANKING, "children"),
    Output(RANKING_CAPTION, "children"),
    Output(DAY, "value"),
    Output(DAY, "maxDate"),
    Input(ids.DATA_VERSION, "data"),
    State(ids.URL, "search"),
    prevent_initial_call=True,
)
@typed
def redraw_on_new_data(_version: Count, search: Text | None):
    """A new data version (a load, the live feed) colours the map and ranks the areas again for the selection in the
    URL, without a reload: the latest day moves on when the URL names none, as opening the page would show."""
    lang, viewer = current_language(), current_viewer()
    selection, rows = _url_view(search, viewer, lang)
    return (
        *(hideout(rows, selection, lang, layer=layer) for layer in ("province", "district", "ward")),
        ward_points(rows, selection),
        _ranking_rows(rows, selection, lang),
        _ranking_caption(selection, lang),
        selection.day,
        day_range(viewer)[1],
    )


@dash.callback(Output(MEASURES, "data"), Input(DIRECTIVE_SEQ, "data"), prevent_initial_call=True)
@typed
def update_measures_layer(_seq: Count):
    """A directive issued, closed or cancelled changes the measures in force: the layer follows at once."""
    if not takes_part():
        raise dash.exceptions.PreventUpdate
    return measures_layer(current_viewer(), current_language())


@dash.callback(Output(DOWNLOAD, "data"), Input(EXPORT, "n_clicks"), State(ids.URL, "search"), prevent_initial_call=True)
@typed
def export_map_csv(_clicks: Count | None, search: Text | None) -> dict:
    """Every area of the view as CSV, read again from the URL inside the viewer's jurisdiction."""
    lang, viewer = current_language(), current_viewer()
    selection, rows = _url_view(search, viewer, lang)
    place = selection.parent_code or "vn"
    export(viewer, "map_csv", len(rows), f"{selection.measure}:{place}:{selection.day}")
    return dcc.send_string(
        measure_csv(rows, selection, lang), f"pccovid-{selection.measure}-{place}-{selection.day}.csv"
    )


clientside_callback(
    """
    function(provinceHover, districtHover, wardHover, ph, dh, wh, empty) {
        const t = window.dash_clientside.callback_context.triggered_id;
        if (t === "map-wards") { return window.pccovid.map.info(wardHover, wh, empty); }
        if (t === "map-districts") { return window.pccovid.map.info(districtHover, dh, empty); }
        return window.pccovid.map.info(provinceHover, ph, empty);
    }
    """,
    Output(INFO, "children"),
    Input(PROVINCES, "hoverData"),
    Input(DISTRICTS, "hoverData"),
    Input(WARDS, "hoverData"),
    State(PROVINCES, "hideout"),
    State(DISTRICTS, "hideout"),
    State(WARDS, "hideout"),
    State("map-empty-info", "data"),
    prevent_initial_call=True,
)
