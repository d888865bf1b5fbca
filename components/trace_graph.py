"""Builders for the tracer pages: the F0 → F1 → F2 graph, the points timeline, the contact lists and their exports."""

from __future__ import annotations

import datetime as dt
import io
import math

import dash_mantine_components as dmc
import plotly.graph_objects as go
from openpyxl import Workbook
from openpyxl.styles import Font

from components.figures import base_layout
from components.i18n import date, number, numeric, t
from components.tables import number_column

LINK_COLOURS = {"household": "#e8590c", "proximity": "#1971c2", "venue": "#2b8a3e", "point": "#868e96"}
CASE_RED = "#c92a2a"


def when(value: str | None, lang: str) -> str:
    """'2021-07-21T09:00' as 21/07/2021 09:00."""
    if not value:
        return "—"
    return f"{date(value[:10], lang)} {value[11:16]}".strip()


def person_label(row: dict, lang: str) -> str:
    """The person's name (only people living inside the jurisdiction are listed)."""
    return row.get("full_name") or ""


def through_label(row: dict, lang: str) -> int | str | None:
    """The F1 an F2 was found through: its id, or the province it was handed over to when it lives elsewhere."""
    if row.get("through") is None and row.get("through_province"):
        return t("trace.through_elsewhere", lang, province=row["through_province"])
    return row.get("through")


def handover_text(handovers: list[dict], lang: str) -> str:
    """'Hà Nội: 3 F1, 5 F2 · Bình Dương: 1 F1' for the areas a case's contacts were handed over to."""
    return " · ".join(
        t(
            "handover.area_counts",
            lang,
            area=area_name(h, lang),
            f1=number(h["f1"], lang),
            f2=number(h["f2"], lang),
        )
        for h in handovers
    )


def area_name(row: dict, lang: str) -> str:
    """A receiving area: the province, or a district with its province."""
    name, province = row["area_name"], row.get("province_name")
    return name if not province or province == name else f"{name} ({province})"


def link_details(row: dict, lang: str) -> str:
    """Why the contact ranks where it does in the call list: the household, the encounter's distance and minutes, or
    the kind of place and the minutes spent there together."""
    if row["via"] == "proximity":
        return t(
            "trace.detail.proximity",
            lang,
            distance=number(row["distance_m"], lang, 1),
            minutes=number((row["duration_s"] or 0) / 60, lang, 0),
        )
    if row["via"] == "venue":
        kind = row.get("venue_kind")
        return t(
            "trace.detail.venue",
            lang,
            kind=t(f"venue_kind.{kind}", lang) if kind else t("trace.via.venue", lang),
            minutes=number((row["overlap_s"] or 0) / 60, lang, 0),
        )
    return t("trace.detail.household", lang)


# The graph (dash-cytoscape): nodes carry their degree and link; edges their link type.

GRAPH_STYLESHEET = [
    {
        "selector": "node",
        "style": {
            "label": "data(label)",
            "font-size": 10,
            "text-valign": "bottom",
            "text-margin-y": 4,
            # a light box behind each name: on a small graph the names met the edges and each other
            "text-background-color": "#ffffff",
            "text-background-opacity": 0.85,
            "text-background-padding": "2px",
            "text-background-shape": "roundrectangle",
            "width": 22,
            "height": 22,
            "background-color": "#adb5bd",
            "border-width": 2,
            "border-color": "#fff",
        },
    },
    {"selector": ".f0", "style": {"background-color": CASE_RED, "width": 36, "height": 36, "font-weight": "bold"}},
    {"selector": ".f1", "style": {"width": 26, "height": 26}},
    {"selector": ".f2", "style": {"width": 16, "height": 16, "opacity": 0.85}},
    {"selector": ".case", "style": {"border-color": CASE_RED, "border-width": 3}},
    {"selector": ".expandable", "style": {"shape": "round-rectangle"}},
    {"selector": "edge", "style": {"width": 2, "curve-style": "bezier", "target-arrow-shape": "triangle"}},
    # contacts handed over to another area: one grey diamond per area, a dashed edge
    {
        "selector": "node.handover",
        "style": {"shape": "diamond", "background-color": "#868e96", "width": 24, "height": 24},
    },
    {
        "selector": "edge.handover",
        "style": {"line-style": "dashed", "line-color": "#adb5bd", "target-arrow-color": "#adb5bd"},
    },
    *[
        rule
        for via, colour in LINK_COLOURS.items()
        for rule in (
            {"selector": f"node.{via}", "style": {"background-color": colour}},
            {"selector": f"edge.{via}", "style": {"line-color": colour, "target-arrow-color": colour}},
        )
    ],
]


def _node(row: dict, degree: int, lang: str, expandable: bool = False) -> dict:
    classes = [f"f{degree}", row["via"]]
    if row.get("is_case"):
        classes.append("case")
    if expandable:
        classes.append("expandable")
    label = row.get("full_name") or row.get("ward_name") or ""
    return {
        "data": {"id": f"p{row['person_id']}", "label": label, "person": row["person_id"], "degree": degree},
        "classes": " ".join(classes),
    }


def _edge(source: int, row: dict) -> dict:
    return {
        "data": {"id": f"e{source}-{row['person_id']}", "source": f"p{source}", "target": f"p{row['person_id']}"},
        "classes": row["via"],
    }


def graph_elements(
    case: dict, f1: list[dict], lang: str, f2_sources: set[int] | None = None, handovers: list[dict] | None = None
) -> list[dict]:
    """F0 and its F1s; an F1 through whom F2s were found is drawn so that a click can expand it. Contacts living
    outside the jurisdiction are one node per area they were handed over to, with their counts."""
    f2_sources = f2_sources or set()
    elements = [
        {
            "data": {"id": f"p{case['case_id']}", "label": case.get("full_name") or str(case["case_id"]), "degree": 0},
            "classes": "f0",
        }
    ]
    for row in f1:
        elements.append(_node(row, 1, lang, expandable=row["person_id"] in f2_sources))
        elements.append(_edge(case["case_id"], row))
    for area in handovers or []:
        label = t("handover.node", lang, area=area_name(area, lang), f1=number(area["f1"], lang))
        if area["f2"]:
            label += t("handover.node_f2", lang, f2=number(area["f2"], lang))
        elements.append({"data": {"id": f"a{area['area_code']}", "label": label, "degree": -1}, "classes": "handover"})
        elements.append(
            {
                "data": {
                    "id": f"e{case['case_id']}-a{area['area_code']}",
                    "source": f"p{case['case_id']}",
                    "target": f"a{area['area_code']}",
                },
                "classes": "handover",
            }
        )
    return elements


def expansion_elements(through: int, f2: list[dict], lang: str) -> list[dict]:
    """The F2 nodes and edges found through one F1, to append to the graph."""
    out = []
    for row in f2:
        out.append(_node(row, 2, lang))
        out.append(_edge(through, row))
    return out


def graph_legend(lang: str) -> dmc.Group:
    return dmc.Group(
        [
            dmc.Badge(t(f"trace.via.{via}", lang), color=colour, variant="filled", size="sm")
            for via, colour in LINK_COLOURS.items()
            if via != "point"
        ]
        + [dmc.Text(t("trace.graph_hint", lang), size="xs", c="dimmed")],
        gap="xs",
    )


def points_timeline(points: list[dict], case: dict, lang: str) -> go.Figure:
    """One bar per visit to an epidemiological point, across the infectious window."""
    figure = go.Figure()
    if points:
        first = [dt.datetime.fromisoformat(p["first_ts"]) for p in points]
        # a day without its time (a reader without personal data) spans the whole day
        last = [_end_of(p["last_ts"]) for p in points]
        names = [p["venue_name"] for p in points]
        figure.add_trace(
            go.Bar(
                y=names,
                base=[f.isoformat() for f in first],
                x=[max((b - a).total_seconds() * 1000, 60_000) for a, b in zip(first, last, strict=True)],
                orientation="h",
                marker={"color": CASE_RED},
                customdata=[
                    [when(p["first_ts"], lang), when(p["last_ts"], lang), number(p["people_exposed"], lang)]
                    for p in points
                ],
                hovertemplate="%{y}<br>%{customdata[0]} – %{customdata[1]}<br>"
                + t("trace.col.exposed", lang)
                + ": %{customdata[2]}<extra></extra>",
                name=t("trace.points", lang),
            )
        )
    layout = base_layout(lang, t("trace.timeline_title", lang), t("trace.source", lang))
    # two-line time ticks (day, then hour) need room under them for the source line
    layout.update(hovermode="closest", showlegend=False, margin={"l": 180, "r": 20, "t": 72, "b": 95})
    figure.update_layout(**layout)
    figure.update_xaxes(
        type="date",
        range=[case["window_start_ts"], case["confirmed_ts"]],
        tickformat="%d/%m\n%H:%M",
        gridcolor="#f1f3f5",
    )
    figure.update_yaxes(autorange="reversed")
    return figure


def _end_of(value: str) -> dt.datetime:
    """A local ISO time, or the end of a local ISO day."""
    instant = dt.datetime.fromisoformat(value)
    return instant + dt.timedelta(days=1) if len(value) == 10 else instant


# The contact lists: one row per person for the grid, the CSV and the workbook.


def contact_rows(rows: list[dict], lang: str) -> list[dict]:
    return [
        {
            "rank": row.get("risk_rank"),
            "person_id": row["person_id"],
            "name": person_label(row, lang),
            "phone": row.get("phone") or "",
            "ward": ", ".join(x for x in (row.get("ward_name"), row.get("district_name")) if x),
            "link": t(f"trace.via.{row['via']}", lang),
            "place": row.get("venue_name") or "",
            "time": when(row["exposure_ts"], lang),
            "details": link_details(row, lang),
            "through": through_label(row, lang),
            "is_case": t("trace.yes", lang) if row.get("is_case") else "",
        }
        for row in rows
    ]


CONTACT_FIELDS = ("person_id", "name", "phone", "ward", "link", "place", "time", "details")


def contact_columns(lang: str, *, with_through: bool, personal: bool = True) -> list[dict]:
    """The F1 list opens with its call order (the rows come in that order); the F2 list with the F1 each came
    through. For a reader of personal data each person links to their page (/person/<id>); for others, whose rows
    carry no name or phone, those columns are left out."""
    person = {"field": "person_id", "headerName": t("trace.col.person_id", lang), "maxWidth": 120}
    if personal:
        person["cellRenderer"] = "PersonLink"  # assets/pccovid_grid.js: a link, while the CSV keeps the id
    fields = CONTACT_FIELDS[1:] if personal else tuple(f for f in CONTACT_FIELDS[1:] if f not in ("name", "phone"))
    columns = [person] + [{"field": f, "headerName": t(f"trace.col.{f}", lang)} for f in fields]
    columns[1]["minWidth"] = 180
    columns[-1].update(minWidth=190, flex=1.6)  # the reason for the rank: "quán cà phê · cùng 40 phút"
    if with_through:
        columns.insert(1, {"field": "through", "headerName": t("trace.col.through", lang), "maxWidth": 130})
    else:
        columns.insert(0, {**number_column("rank", lang, "trace.col.rank"), "maxWidth": 110, "filter": False})
    columns.append({"field": "is_case", "headerName": t("trace.col.is_case", lang), "maxWidth": 110})
    return columns


_SHEET_WIDTHS = {"rank": 10, "person_id": 12, "name": 26, "phone": 14, "ward": 34, "link": 14, "place": 28}
_SHEET_WIDTHS |= {"time": 18, "details": 34, "through": 12}


def contacts_workbook(
    case: dict,
    f1: list[dict],
    f2: list[dict],
    lang: str,
    handovers: list[dict] | None = None,
    watch: list[dict] | None = None,
    personal: bool = True,
) -> bytes:
    """The F1 and F2 lists of a case as an .xlsx workbook (one sheet each) for the ward teams, the F1 in call order;
    then the watch list when there is one (not F1), and a sheet counting the contacts handed over to other areas."""
    book = Workbook()
    sheets = [(t("trace.f1_list", lang), f1, False), (t("trace.f2_list", lang), f2, True)]
    if watch:
        sheets.append((t("trace.watch_sheet", lang), watch, False))
    for sheet_index, (title, rows, through) in enumerate(sheets):
        sheet = book.active if sheet_index == 0 else book.create_sheet()
        sheet.title = title[:31]
        fields = [f for f in CONTACT_FIELDS if personal or f not in ("name", "phone")] + (
            ["through"] if through else []
        )
        if not through:
            fields.insert(0, "rank")  # the F1 sheet in call order, with its place
        sheet.append([t("trace.export_heading", lang, case=case["case_id"], day=when(case["confirmed_ts"], lang))])
        sheet["A1"].font = Font(bold=True)
        sheet.append([t(f"trace.col.{f}", lang) for f in fields])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in contact_rows(rows, lang):
            sheet.append([row[f] for f in fields])
        for column, field in zip("ABCDEFGHIJ", fields, strict=False):
            sheet.column_dimensions[column].width = _SHEET_WIDTHS[field]
    if handovers:
        sheet = book.create_sheet(t("handover.sheet", lang)[:31])
        sheet.append([t("handover.sheet_heading", lang, case=case["case_id"])])
        sheet["A1"].font = Font(bold=True)
        sheet.append([t("handover.col.area", lang), "F1", "F2"])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for area in handovers:
            sheet.append([area_name(area, lang), area["f1"], area["f2"]])
        sheet.column_dimensions["A"].width = 36
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def handover_rows(handovers: list[dict], lang: str) -> list[dict]:
    return [{"area": area_name(h, lang), "f1": h["f1"], "f2": h["f2"]} for h in handovers]


def handover_columns(lang: str) -> list[dict]:
    return [
        {"field": "area", "headerName": t("handover.col.area", lang), "minWidth": 220},
        number_column("f1", lang, "trace.fact.f1"),
        number_column("f2", lang, "trace.fact.f2"),
    ]


def trace_facts(case: dict, lang: str) -> list:
    """The headline of a trace: counts and the time from positive result received to list visible."""
    visible = "—" if case["visible_s"] is None else t("trace.seconds", lang, value=number(case["visible_s"], lang, 1))
    facts = [
        ("f1", number(case["f1_count"], lang)),
        ("f2", number(case["f2_count"], lang)),
        ("points", number(case["points_count"], lang)),
        ("visible", visible),
        ("elapsed", t("trace.ms", lang, value=number(case["elapsed_ms"], lang, 1))),
    ]
    return [
        dmc.Paper(
            [
                dmc.Text(t(f"trace.fact.{key}", lang), size="sm", c="dimmed"),
                dmc.Text(value, fw=700, fz=24, className=f"figure figure-{key}"),
            ],
            withBorder=True,
            p="sm",
            **{"data-fact": key},
        )
        for key, value in facts
    ]


def tracing_cards(summary: dict, lang: str) -> list[dmc.Tooltip]:
    """The overview's tracing cards: speed from positive result received to list visible (median, p95) and F1 found
    per case, each with what it measures on hover."""
    if not summary or not summary.get("cases_traced"):
        speed, per_case = "—", "—"
    else:
        speed = "—"
        if summary["visible_median_s"] is not None:
            speed = t(
                "tracing.speed_value",
                lang,
                median=number(summary["visible_median_s"], lang, 1),
                p95=number(summary["visible_p95_s"], lang, 1),
            )
        per_case = number(summary["f1_per_case"], lang, 1)
    note = t("tracing.cases_traced", lang, n=number((summary or {}).get("cases_traced") or 0, lang))
    return [
        dmc.Tooltip(
            dmc.Paper(
                [
                    dmc.Text(t(f"tracing.{metric}", lang), size="sm", c="dimmed"),
                    dmc.Text(
                        value,
                        fw=700,
                        fz=28,
                        className=f"figure figure-{metric}",
                        style={"fontVariantNumeric": "tabular-nums"},
                    ),
                    dmc.Text(note, size="xs", c="dimmed"),
                ],
                withBorder=True,
                p="md",
                className="tracing-card",
                **{"data-metric": metric},
            ),
            label=t(f"tracing.{metric}_meaning", lang),
            multiline=True,
            w=320,
            withArrow=True,
        )
        for metric, value in (("tracing_speed", speed), ("f1_per_case", per_case))
    ]


# Clusters.

SPARK = "▁▂▃▄▅▆▇█"


def sparkline(days: list[str], counts: list[int]) -> str:
    """Cases per day from the cluster's first to its last day as a bar of block characters (gaps are ▁)."""
    if not days:
        return ""
    by_day = dict(zip(days, counts, strict=True))
    first, last = dt.date.fromisoformat(days[0]), dt.date.fromisoformat(days[-1])
    span = [(first + dt.timedelta(d)).isoformat() for d in range((last - first).days + 1)][-30:]
    top = max((n for n in counts if n is not None), default=0) or 1
    # a day whose count is suppressed for the reader (None) is drawn as the lowest non-empty bar
    return "".join(
        SPARK[min(len(SPARK) - 1, round((by_day.get(d, 0) if by_day.get(d, 0) is not None else 1) / top * 7))]
        for d in span
    )


def elsewhere_text(cluster: dict, lang: str, most: int = 6) -> str:
    """'Hà Nội 300 · Bình Dương 3 · 4 more provinces 9': a cluster's cases living outside the jurisdiction, counted by
    province, the `most` largest by name."""
    elsewhere = cluster.get("elsewhere") or []
    named = [f"{e['province']} {number(e['cases'], lang)}" for e in elsewhere[:most]]
    rest = elsewhere[most:]
    if rest:
        named.append(t("clusters.more_provinces", lang, n=len(rest), cases=_total([e["cases"] for e in rest], lang)))
    return " · ".join(named)


def _total(values: list, lang: str) -> str:
    """The sum of counts; with a suppressed one among them ("<5", the press), at least the rest plus one."""
    known = [numeric(v) for v in values]
    if None not in known:
        return number(sum(known), lang)
    hidden = next(v for v in values if numeric(v) is None)
    rest = sum(v for v in known if v is not None)
    return hidden if rest == 0 else "≥ " + number(rest + 1, lang)


def focus_text(cluster: dict, lang: str) -> str:
    """A cluster's name, its focus: 'Chợ Bình Tây · Phường 2, Quận 6', or 'Hộ gia đình · Phường 2, Quận 6'."""
    place = cluster["focus_name"] if cluster["focus_kind"] == "venue" else t("clusters.focus.household", lang)
    return " · ".join(x for x in (place, cluster["focus_area"]) if x)


def cluster_rows(clusters: list[dict], lang: str) -> list[dict]:
    """One row per cluster, as the viewer sees it: its own cases, the others counted by province."""
    return [
        {
            "cluster_id": c["cluster_ref"],
            "focus": focus_text(c, lang),
            "size": c["own_size"],
            "new_7d": c["new_7d"],
            "provinces": c["provinces"] or "",
            "elsewhere": elsewhere_text(c, lang),
            "first_day": date(c["first_day"], lang),
            "last_day": date(c["last_day"], lang),
            "growth": sparkline(c["days"], c["daily_cases"]),
        }
        for c in clusters
    ]


def cluster_columns(lang: str) -> list[dict]:
    return [
        {"field": "cluster_id", "headerName": t("clusters.col.cluster", lang), "maxWidth": 130},
        {"field": "focus", "headerName": t("clusters.col.focus", lang), "minWidth": 240},
        number_column("size", lang, "clusters.col.size"),
        number_column("new_7d", lang, "clusters.col.new_7d"),
        {"field": "provinces", "headerName": t("clusters.col.provinces", lang), "minWidth": 160},
        {"field": "elsewhere", "headerName": t("clusters.col.elsewhere", lang), "minWidth": 160},
        {"field": "first_day", "headerName": t("clusters.col.first_day", lang)},
        {"field": "last_day", "headerName": t("clusters.col.last_day", lang)},
        {
            "field": "growth",
            "headerName": t("clusters.col.growth", lang),
            "cellStyle": {"fontFamily": "monospace", "color": CASE_RED, "letterSpacing": "1px"},
            "sortable": False,
            "filter": False,
            "minWidth": 160,
        },
    ]


CLUSTER_FIELDS = ("cluster_id", "focus", "size", "new_7d", "provinces", "elsewhere", "first_day", "last_day")


def clusters_workbook(clusters: list[dict], lang: str) -> bytes:
    """The cluster list as the viewer sees it (each named by its focus) as an .xlsx workbook."""
    book = Workbook()
    sheet = book.active
    sheet.title = t("clusters.title", lang)[:31]
    sheet.append([t(f"clusters.col.{'cluster' if f == 'cluster_id' else f}", lang) for f in CLUSTER_FIELDS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in cluster_rows(clusters, lang):
        sheet.append([row[f] for f in CLUSTER_FIELDS])
    for column, width in zip("ABCDEFGH", (12, 48, 10, 12, 28, 28, 14, 14), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _whole_step(top: int) -> int:
    """A tick step in whole cases giving about five ticks."""
    return max(1, math.ceil(top / 5))


def cluster_growth_figure(cluster: dict, lang: str) -> go.Figure:
    """Cases per day and in total of one cluster."""
    days, counts = cluster["days"], cluster["daily_cases"]
    running, total = [], 0
    for n in counts:  # a suppressed day (None, the press) stops the running total: it would give the count back
        total = None if total is None or n is None else total + n
        running.append(total)
    figure = go.Figure(
        [
            go.Bar(x=days, y=counts, name=t("clusters.daily", lang), marker={"color": CASE_RED}),
            go.Scatter(x=days, y=running, name=t("clusters.total", lang), mode="lines+markers", yaxis="y2"),
        ]
    )
    layout = base_layout(
        lang, t("clusters.growth_title", lang, cluster=cluster["cluster_ref"]), t("trace.source", lang)
    )
    layout["yaxis2"] = {
        "overlaying": "y",
        "side": "right",
        "rangemode": "tozero",
        "showgrid": False,
        "tickformat": ",d",
        "title": {"text": t("clusters.total", lang)},
    }
    figure.update_layout(**layout)
    # a tick per day reads well for a few weeks; a cluster of months gets Plotly's own spacing (daily ticks overlapped)
    daily_ticks = len(days) < 2 or (dt.date.fromisoformat(days[-1]) - dt.date.fromisoformat(days[0])).days <= 21
    figure.update_xaxes(type="date", tickformat="%d/%m", dtick=86_400_000 if daily_ticks else None)
    figure.update_yaxes(
        rangemode="tozero",
        gridcolor="#f1f3f5",
        tickformat=",d",
        dtick=_whole_step(max((n for n in counts if n is not None), default=1)),  # a suppressed day is None
    )
    figure.update_layout(yaxis2={"dtick": _whole_step(max((n for n in running if n is not None), default=1))})
    return figure


def cluster_case_rows(cases: list[dict], links: list[dict], lang: str) -> list[dict]:
    """The cluster's cases, each with the other cases it is linked to and how."""
    linked: dict[int, set[str]] = {}
    for link in links:
        text = t(f"trace.via.{link['via']}", lang)
        if link["case_b"] is None:  # a case living elsewhere: its province only
            linked.setdefault(link["case_a"], set()).add(f"{link['province_b']} ({text})")
            continue
        linked.setdefault(link["case_a"], set()).add(f"{link['case_b']} ({text})")
        linked.setdefault(link["case_b"], set()).add(f"{link['case_a']} ({text})")
    return [
        {
            "case_id": c["case_id"],
            "trace": f"/trace/{c['case_id']}",
            "name": c["full_name"],
            "ward": ", ".join(x for x in (c["ward_name"], c["district_name"]) if x),
            "confirmed": when(c["confirmed_ts"], lang),
            "f1_count": c["f1_count"],
            "links": "; ".join(sorted(linked.get(c["case_id"], ()))),
        }
        for c in cases
    ]


def _named(columns: list[dict], personal: bool) -> list[dict]:
    """Without the name column for a reader the data layer gave no names (a leader)."""
    return columns if personal else [c for c in columns if c["field"] != "name"]


def cluster_case_columns(lang: str, personal: bool = True) -> list[dict]:
    return _named(
        [
            {
                "field": "case_id",
                "headerName": t("clusters.col.case", lang),
                "cellRenderer": "markdown",
                "valueGetter": {"function": "'[' + params.data.case_id + '](' + params.data.trace + ')'"},
                "maxWidth": 120,
            },
            {"field": "name", "headerName": t("trace.col.name", lang), "minWidth": 170},
            {"field": "ward", "headerName": t("trace.col.ward", lang), "minWidth": 200},
            {"field": "confirmed", "headerName": t("clusters.col.confirmed", lang)},
            number_column("f1_count", lang, "clusters.col.f1"),
            {"field": "links", "headerName": t("clusters.col.links", lang), "minWidth": 220},
        ],
        personal,
    )


def recent_trace_rows(traces: list[dict], lang: str) -> list[dict]:
    return [
        {
            "case_id": r["case_id"],
            "trace": f"/trace/{r['case_id']}",
            "name": r["full_name"],
            "ward": ", ".join(x for x in (r["ward_name"], r["district_name"]) if x),
            "confirmed": when(r["confirmed_ts"], lang),
            "f1_count": r["f1_count"],
            "f2_count": r["f2_count"],
            "points_count": r["points_count"],
            "visible_s": r["visible_s"],
            "cluster_id": r["cluster_ref"],
        }
        for r in traces
    ]


def recent_trace_columns(lang: str, personal: bool = True) -> list[dict]:
    return _named(
        [
            cluster_case_columns(lang)[0],
            {"field": "name", "headerName": t("trace.col.name", lang), "minWidth": 170},
            {"field": "ward", "headerName": t("trace.col.ward", lang), "minWidth": 200},
            {"field": "confirmed", "headerName": t("clusters.col.confirmed", lang)},
            number_column("f1_count", lang, "clusters.col.f1"),
            number_column("f2_count", lang, "trace.fact.f2"),
            number_column("points_count", lang, "trace.fact.points"),
            number_column("visible_s", lang, "traces.col.visible_s", digits=1),
            {"field": "cluster_id", "headerName": t("clusters.col.cluster", lang), "maxWidth": 120},
        ],
        personal,
    )
