"""The directives (/directives): what the committee received and issued, live, with the buttons to acknowledge, report
progress, close or cancel, each one's history, and the form to issue a new one (wards chosen, or drawn on the map)."""

from __future__ import annotations

import datetime as dt

import dash
import dash_leaflet as dl
import dash_mantine_components as dmc
from dash import ALL, Input, Output, State, ctx, dcc, html
from dash_extensions.javascript import Namespace

from components.directive_notice import SEQ
from components.directives_view import (
    ACT,
    NOTE,
    PROGRESS,
    VIET_NAM,
    box_label,
    committee,
    directive_lists,
    kind_label,
    problem_messages,
    recipient_options,
    target_options,
)
from components.i18n import current_language, t
from components.inputs import (
    AreaCodes,
    Clicks,
    Count,
    DrawnShapes,
    Id,
    Ignored,
    LongText,
    LongTexts,
    Percents,
    Text,
    UrlValue,
    or_none,
    read,
    typed,
)
from components.redraw import Drawn, digest, only_changed
from data.access import AccessDenied, current_principal
from data.areas import area, bounds
from data.audit import AuditUnavailable
from data.directives import DirectiveRefused, act, areas_under, issue, recipient_choices, wards_in_shape
from rules.directives import LEVELS, directive_rules
from web.endpoints import geometry_url

dash.register_page(__name__, path="/directives", title="Chỉ đạo điều hành — PC-Covid", name="directives")

CHANGED = "directives-changed"
DRAWN = "directives-drawn"  # digests of the boxes as drawn (components/redraw.py)
TICK = "directives-tick"
TICK_MS = 60_000
FEEDBACK = "directives-feedback"
TABS = "directives-tabs"
BOXES = ("inbox", "outbox", "others")
KIND = "directive-kind"
RECIPIENTS = "directive-recipients"
TARGETS = "directive-targets"
LEVEL = "directive-level"
CLUSTER = "directive-cluster"
TEXT = "directive-text"
DEADLINE = "directive-deadline"
OWNER = "directive-owner"
SUBMIT = "directive-submit"
DRAW = "directive-draw"
DRAW_MAP = "directive-draw-map"
DRAW_HINT = "directive-draw-hint"
WARD_POINTS = "directive-ward-points"
MAX_WARD_POINTS = 3_000
ns = Namespace("pccovid", "map")  # wards drawn as points on the form's map (a province has at most a few hundred)


Level = or_none(Count)
ClusterCase = or_none(Id)


def layout(**_query: UrlValue):
    lang, principal = current_language(), current_principal()
    if principal is None or not (principal.role.issue or principal.role.receive):
        return html.Div(
            [
                dmc.Title(t("directives.title", lang), order=2),
                dmc.Alert(t("directives.not_allowed", lang), color="gray"),
            ],
            className="page page-directives",
        )
    viewer = principal.viewer
    place = area(viewer, viewer.codes[0]) if viewer.codes else None
    who = committee(viewer.level, place["short_name"] if place else None, lang)
    lists = directive_lists(viewer, lang, dt.datetime.now(dt.UTC))
    # Others: directives inside the jurisdiction between other committees (a province's to its districts, as the
    # national committee sees them).
    shown = {"inbox": principal.role.receive, "outbox": principal.role.issue, "others": viewer.level == "national"}
    first = next(box for box in BOXES if shown[box])
    tabs = dmc.Tabs(
        [
            dmc.TabsList(
                [
                    dmc.TabsTab(
                        box_label(box, lists[box], lang),
                        value=box,
                        id=f"directives-tab-{box}",
                        style=None if shown[box] else {"display": "none"},
                    )
                    for box in BOXES
                ]
            ),
            *[
                dmc.TabsPanel(html.Div(_cards(lists[box], lang), id=f"directives-{box}"), value=box, pt="sm")
                for box in BOXES
            ],
        ],
        id=TABS,
        value=first,
    )
    columns = [dmc.GridCol(tabs, span={"base": 12, "lg": 7 if principal.role.issue else 12})]
    if principal.role.issue:
        columns.append(dmc.GridCol(_issue_form(viewer, lang), span={"base": 12, "lg": 5}))
    return html.Div(
        [
            dmc.Stack(
                [
                    dmc.Title(t("directives.title", lang), order=2),
                    dmc.Text(f"{who} · {principal.username}", c="dimmed", size="sm"),
                ],
                gap=2,
                mb="sm",
            ),
            dcc.Store(id=CHANGED, data=0),
            dcc.Store(id=DRAWN, data=[digest(part) for part in _parts(lists, lang)]),
            dcc.Interval(id=TICK, interval=TICK_MS),
            html.Div(id=FEEDBACK),
            dmc.Grid(columns, gutter="lg"),
        ],
        className="page page-directives",
    )


def _parts(lists: dict[str, list], lang: str) -> list:
    """What show_directives draws: each box's cards, then each tab's title."""
    return [_cards(lists[box], lang) for box in BOXES] + [box_label(box, lists[box], lang) for box in BOXES]


def _cards(cards: list, lang: str) -> list:
    return cards or [dmc.Text(t("directives.empty", lang), c="dimmed", className="directives-empty")]


def _issue_form(viewer, lang: str) -> dmc.Paper:
    rules = directive_rules()
    now_vn = dt.datetime.now(VIET_NAM)
    default_deadline = (now_vn + dt.timedelta(days=2)).replace(hour=17, minute=0, second=0, microsecond=0)
    focus = viewer.codes[0] if viewer.level == "province" else None
    return dmc.Paper(
        [
            dmc.Title(t("directives.issue.title", lang), order=4, mb="xs"),
            dmc.Stack(
                [
                    dmc.Select(
                        id=KIND,
                        label=t("directives.field.kind", lang),
                        data=[{"value": name, "label": kind_label(name, lang)} for name in rules.kinds],
                        value="mass_testing",
                        allowDeselect=False,
                    ),
                    dmc.MultiSelect(
                        id=RECIPIENTS,
                        label=t("directives.field.recipients", lang),
                        data=recipient_options(recipient_choices(viewer), lang),
                        searchable=True,
                        clearable=True,
                        maxDropdownHeight=320,
                        nothingFoundMessage="—",
                    ),
                    dmc.MultiSelect(
                        id=TARGETS,
                        label=t("directives.field.targets", lang),
                        description=t("directives.field.targets_hint", lang),
                        data=[],
                        searchable=True,
                        clearable=True,
                        maxDropdownHeight=320,
                        limit=200,
                    ),
                    html.Div(
                        [
                            dl.Map(
                                [
                                    dl.GeoJSON(
                                        url=geometry_url("district" if focus else "province"),
                                        filter=ns("filter"),
                                        hideout={"province": focus},
                                        style={"color": "#868e96", "weight": 1, "fillOpacity": 0.05},
                                        interactive=False,
                                    ),
                                    dl.GeoJSON(id=WARD_POINTS, data=_no_features(), pointToLayer=ns("wardDot")),
                                    dl.FeatureGroup(
                                        dl.EditControl(
                                            id=DRAW,
                                            draw={
                                                "polyline": False,
                                                "marker": False,
                                                "circlemarker": False,
                                                "polygon": True,
                                                "rectangle": True,
                                                "circle": True,
                                            },
                                            position="topright",
                                        )
                                    ),
                                ],
                                id=DRAW_MAP,
                                bounds=bounds(focus),
                                zoomSnap=0.25,
                                trackViewport=False,
                                attributionControl=False,
                                className="command-map directive-draw-map",
                                style={"height": "260px"},
                            ),
                            dmc.Text(t("directives.draw", lang), id=DRAW_HINT, size="xs", c="dimmed"),
                        ],
                        id="directive-draw-holder",
                    ),
                    dmc.Select(
                        id=LEVEL,
                        label=t("directives.field.level", lang),
                        data=[{"value": str(level), "label": str(level)} for level in LEVELS],
                        clearable=True,
                        style={"display": "none"},
                    ),
                    dmc.NumberInput(
                        id=CLUSTER,
                        label=t("directives.field.cluster", lang),
                        min=1,
                        allowDecimal=False,
                        allowNegative=False,
                        hideControls=True,
                        style={"display": "none"},
                    ),
                    dmc.Textarea(id=TEXT, label=t("directives.field.text", lang), autosize=True, minRows=3, maxRows=8),
                    dmc.DateTimePicker(
                        id=DEADLINE,
                        label=t("directives.field.deadline", lang),
                        value=default_deadline.strftime("%Y-%m-%d %H:%M:%S"),
                        minDate=now_vn.date().isoformat(),
                        valueFormat="DD/MM/YYYY HH:mm",
                    ),
                    dmc.TextInput(
                        id=OWNER,
                        label=t("directives.field.owner", lang),
                        placeholder=t("directives.field.owner_hint", lang),
                    ),
                    dmc.Button(t("directives.submit", lang), id=SUBMIT, color="red"),
                ],
                gap="xs",
            ),
        ],
        withBorder=True,
        p="md",
        className="directive-form",
    )


def _no_features() -> dict:
    return {"type": "FeatureCollection", "features": []}


def _feedback(lang: str, *, ok: str | None = None, problems: list[str] | None = None, error: str | None = None):
    if ok:
        return dmc.Alert(ok, color="green", mb="sm", className="directive-feedback ok", withCloseButton=True)
    if problems:
        return dmc.Alert(
            html.Ul([html.Li(p) for p in problems]),
            title=t("directives.refused", lang),
            color="red",
            mb="sm",
            className="directive-feedback refused",
            withCloseButton=True,
        )
    return dmc.Alert(error, color="red", mb="sm", className="directive-feedback refused", withCloseButton=True)


def _refusal(exc: Exception, lang: str):
    if isinstance(exc, DirectiveRefused):
        return _feedback(lang, problems=problem_messages(exc.problems, lang))
    if isinstance(exc, AuditUnavailable):
        return _feedback(lang, error=t("directives.audit_unavailable", lang))
    return _feedback(lang, error=t("directives.denied", lang))


@dash.callback(
    [Output(f"directives-{box}", "children") for box in BOXES]
    + [Output(f"directives-tab-{box}", "children") for box in BOXES]
    + [Output(DRAWN, "data")],
    Input(SEQ, "data"),
    Input(CHANGED, "data"),
    Input(TICK, "n_intervals"),
    State(DRAWN, "data"),
    prevent_initial_call=True,
)
@typed
def show_directives(_seq: Count, _changed: Ignored, _tick: Ignored, drawn: Drawn):
    """Drawn again when a directive action is announced (pushed to the page) or taken on this page, and looked at
    every minute so that a directive passing its deadline turns red; only the boxes that changed go back (a note
    being typed in another card stays)."""
    principal, lang = current_principal(), current_language()
    if principal is None or not (principal.role.issue or principal.role.receive):
        raise dash.exceptions.PreventUpdate
    lists = directive_lists(principal.viewer, lang, dt.datetime.now(dt.UTC))
    sent, digests = only_changed(_parts(lists, lang), drawn)
    return [*sent, digests]


@dash.callback(
    Output(TARGETS, "data"),
    Output(WARD_POINTS, "data"),
    Output("directive-draw-holder", "style"),
    Output(LEVEL, "style"),
    Output(CLUSTER, "style"),
    Output(TARGETS, "style"),
    Output(DRAW_MAP, "bounds"),
    Input(KIND, "value"),
    Input(RECIPIENTS, "value"),
)
@typed
def shape_issue_form(kind: Text | None, recipients: AreaCodes | None):
    """The fields the kind needs, and the areas it may act on inside the chosen recipients."""
    principal = current_principal()
    spec = directive_rules().kinds.get(kind or "")
    if principal is None or not principal.role.issue or spec is None:
        raise dash.exceptions.PreventUpdate
    hidden = {"display": "none"}
    areas = areas_under(principal.viewer, recipients or [])
    options = target_options(areas, spec.targets) if spec.chooses_areas else []
    wards = [a for a in areas if a["level"] == "ward"][:MAX_WARD_POINTS] if "ward" in spec.targets else []
    points = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [a["lon"], a["lat"]]},
                "properties": {"code": a["code"], "tooltip": a["name"]},
            }
            for a in wards
            if a.get("lat") is not None
        ],
    }
    # The map shows the first recipient (a ward's district), where the lockdown is to be drawn.
    first = next((a for a in areas if recipients and a["code"] == recipients[0]), None)
    view = dash.no_update if first is None else bounds(first["district_code"] or first["province_code"])
    return (
        options,
        points,
        None if "ward" in spec.targets else hidden,
        None if spec.level else hidden,
        None if spec.cluster else hidden,
        None if spec.chooses_areas else hidden,
        view,
    )


@dash.callback(
    Output(TARGETS, "value", allow_duplicate=True),
    Output(DRAW_HINT, "children"),
    Input(DRAW, "geojson"),
    State(TARGETS, "value"),
    State(RECIPIENTS, "value"),
    prevent_initial_call=True,
)
@typed
def add_drawn_wards(drawn: DrawnShapes | None, chosen: AreaCodes | None, recipients: AreaCodes | None):
    """The wards whose point falls inside what was drawn join the chosen areas (inside the recipients when chosen)."""
    principal, lang = current_principal(), current_language()
    if principal is None or not principal.role.issue or not drawn or not drawn["features"]:
        raise dash.exceptions.PreventUpdate
    wards = wards_in_shape(principal.viewer, drawn["features"])
    if recipients:
        allowed = {a["code"] for a in areas_under(principal.viewer, recipients)}
        wards = [code for code in wards if code in allowed]
    merged = list(dict.fromkeys([*(chosen or []), *wards]))
    return merged, t("directives.drawn", lang, n=len(wards))


@dash.callback(
    Output(FEEDBACK, "children", allow_duplicate=True),
    Output(CHANGED, "data", allow_duplicate=True),
    Output(TEXT, "value"),
    Output(TARGETS, "value", allow_duplicate=True),
    Input(SUBMIT, "n_clicks"),
    State(KIND, "value"),
    State(RECIPIENTS, "value"),
    State(TARGETS, "value"),
    State(LEVEL, "value"),
    State(CLUSTER, "value"),
    State(TEXT, "value"),
    State(DEADLINE, "value"),
    State(OWNER, "value"),
    State(CHANGED, "data"),
    prevent_initial_call=True,
)
@typed
def issue_directive(
    _clicks: Count | None,
    kind: Text | None,
    recipients: AreaCodes | None,
    targets: AreaCodes | None,
    level: Level,
    cluster: ClusterCase,
    text: LongText | None,
    deadline: Text | None,
    owner: Text | None,
    changed: Count | None,
):
    """Issues the directive to each chosen recipient, or says every problem at once."""
    lang = current_language()
    keep = dash.no_update
    try:
        ids = issue(
            kind,
            recipients or [],
            text,
            _deadline(deadline),
            targets=targets or [],
            level=level,
            cluster_case=cluster,
            owner=(owner or "").strip() or None,
        )
    except (DirectiveRefused, AccessDenied, AuditUnavailable) as exc:
        return _refusal(exc, lang), keep, keep, keep
    ok = t("directives.issued", lang, n=len(ids)) + " " + ", ".join(f"#{i}" for i in ids)
    return _feedback(lang, ok=ok), (changed or 0) + 1, "", []


def _deadline(value: str | None) -> dt.datetime | None:
    """The picker's local time (Viet Nam's), as an instant; None when it does not read as one."""
    if not value:
        return None
    try:
        local = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return local.replace(tzinfo=VIET_NAM) if local.tzinfo is None else local


@dash.callback(
    Output(FEEDBACK, "children", allow_duplicate=True),
    Output(CHANGED, "data", allow_duplicate=True),
    Input({"type": ACT, "action": ALL, "directive": ALL}, "n_clicks"),
    State({"type": PROGRESS, "directive": ALL}, "value"),
    State({"type": NOTE, "directive": ALL}, "value"),
    State(CHANGED, "data"),
    prevent_initial_call=True,
)
@typed
def act_on_directive(clicks: Clicks, progresses: Percents, notes: LongTexts, changed: Count | None):
    """The button pressed on a directive: acknowledge, report progress, close or cancel, with its note."""
    lang, pressed = current_language(), ctx.triggered_id
    if not isinstance(pressed, dict) or not any(clicks) or not (ctx.triggered and ctx.triggered[0]["value"]):
        raise dash.exceptions.PreventUpdate
    directive_id, action = read(Id, pressed.get("directive")), pressed.get("action")
    if directive_id is None or action not in directive_rules().actions:
        raise dash.exceptions.PreventUpdate
    progress = _state_of(ctx.states_list[0], directive_id, progresses)
    note = _state_of(ctx.states_list[1], directive_id, notes)
    try:
        act(directive_id, action, note=note, progress=progress)
    except (DirectiveRefused, AccessDenied, AuditUnavailable) as exc:
        return _refusal(exc, lang), dash.no_update
    done = t("directives.done_action", lang, action=t(f"directives.action.{action}", lang), id=directive_id)
    return _feedback(lang, ok=done), (changed or 0) + 1


def _state_of(states: list[dict], directive_id: int, values: list):
    """The value of the field (progress or note) of this directive among the page's pattern-matched fields."""
    for state, value in zip(states, values, strict=False):
        if isinstance(state.get("id"), dict) and state["id"].get("directive") == directive_id:
            return value
    return None
