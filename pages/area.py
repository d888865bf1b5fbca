"""An area (/area/<code>): its figures, its child areas in a sortable table, and its curve over time."""

from __future__ import annotations

import dash
import dash_mantine_components as dmc
from dash import Input, Output, State, dcc, html

from components import ids
from components.figures import card_colours_figure, daily_cases_figure, graph_config, level_history_figure
from components.i18n import current_language, date, number, numeric, t
from components.inputs import AreaCode, Count, UrlValue, read, typed, url_text
from components.stat_card import change_text, day_card, stat_card
from components.tables import grid, number_column
from data.access import current_viewer
from data.areas import CHILD_LEVEL, area, child_areas
from data.disclosure import export
from data.levels import card_colours, child_area_levels, level_history
from data.maps import area_measure, last_day
from data.overview import PROVISIONAL_DAYS, daily_counts, weekly_summary

dash.register_page(__name__, path_template="/area/<code>", title="Khu vực — PC-Covid", name="area")

CODE = "area-code"
FIGURES = "area-figures"
CHILDREN = "area-children"
CURVE = "area-curve"
EXPORT = "area-export"
LEVELS = "area-levels"
CARDS = "area-cards"
LEVEL_TABLE = "area-level-table"


def layout(code: UrlValue = None, **_query: UrlValue) -> html.Div:
    lang, viewer = current_language(), current_viewer()
    code = url_text(code)
    found = area(viewer, code) if read(AreaCode, code) else None
    if not found:
        return html.Div(
            [
                dmc.Title(t("area.not_found_title", lang), order=2),
                dmc.Text(t("area.not_found", lang, code=(code or "")[:12])),
            ],
            className="page page-area",
        )
    day = last_day(viewer)
    child_level = CHILD_LEVEL[found["level"]]
    rows = area_measure(viewer, child_level, found["code"], "new_cases_7d_per_100k", day) if child_level and day else []
    levels = {r["area_code"]: r for r in child_area_levels(viewer, found["code"]).to_pylist()} if child_level else {}
    for row in rows:
        now, before = numeric(row["new_cases_7d"]), numeric(row["new_cases_prev_7d"])
        row["change"] = None if now is None or before is None else now - before  # none beside a "<5"
        row["link"] = f"/area/{row['code']}"
        row["level"] = (levels.get(row["code"]) or {}).get("level_in_force")
        row["new_cases_7d_per_100k"] = row["value"]
    columns = [
        {
            "field": "name",
            "headerName": t(f"area.level.{child_level}", lang) if child_level else "",
            "cellRenderer": "markdown",
            "valueGetter": {"function": "'[' + params.data.name + '](' + params.data.link + ')'"},
            "minWidth": 200,
        },
        number_column("population", lang, "area.col.population"),
        number_column("new_cases_7d", lang, "area.col.cases_7d"),
        number_column("change", lang, "area.col.change"),
        number_column("new_cases_7d_per_100k", lang, "area.col.rate", digits=1),
        {
            **number_column("level", lang, "area.col.level"),
            "cellClassRules": {f"level-{i}": f"x == {i}" for i in range(1, 5)},
        },
    ]
    history = level_history(viewer, found["code"]).to_pylist()
    history_columns = [
        {
            "field": "week_start",
            "headerName": t("area.col.week", lang),
            "valueFormatter": {"function": "d3.timeFormat('%d/%m/%Y')(d3.isoParse(params.value))"},
        },
        number_column("cases_7d", lang, "area.col.community_cases"),
        number_column("rate_per_100k", lang, "area.col.rate", digits=1),
        {
            **number_column("adults_first_dose_share", lang, "coverage.first_dose_18", digits=1),
            "valueGetter": {
                "function": "params.data.adults_first_dose_share == null ? null : 100 * params.data.adults_first_dose_share"
            },
        },
        {
            **number_column("older_fully_share", lang, "coverage.fully_50", digits=1),
            "valueGetter": {
                "function": "params.data.older_fully_share == null ? null : 100 * params.data.older_fully_share"
            },
        },
        {"field": "capacity_met", "headerName": t("area.col.capacity", lang)},
        number_column("proposed_level", lang, "area.col.proposed"),
        {
            **number_column("level_in_force", lang, "area.col.level"),
            "cellClassRules": {f"level-{i}": f"x == {i}" for i in range(1, 5)},
        },
        {"field": "rule_version", "headerName": t("area.col.rule", lang)},
    ]
    for row in history:
        row["week_start"] = row["week_start"].isoformat()
        for key in ("computed_ts", "effective_ts"):
            row[key] = row[key].isoformat() if row[key] else None
    return html.Div(
        [
            dcc.Store(id=CODE, data=found["code"]),
            dmc.Breadcrumbs(_trail(found), separator="›", mb=4),
            dmc.Group(
                [
                    dmc.Title(found["name"], order=2),
                    dmc.Anchor(t("area.on_map", lang), href=_map_link(found), size="sm"),
                ],
                justify="space-between",
            ),
            dmc.Text(
                t("area.as_of", lang, day=date(day, lang))
                + (" · " + t("area.population_estimated", lang) if found["population_estimated"] else ""),
                c="dimmed",
                size="sm",
                mb="md",
            ),
            dmc.SimpleGrid(id=FIGURES, cols={"base": 2, "sm": 3, "lg": 5}, spacing="md"),
            dmc.SimpleGrid(
                [
                    dmc.Paper(
                        dcc.Graph(id=graph_id, config=graph_config(lang), style={"height": "320px"}),
                        withBorder=True,
                        p="xs",
                    )
                    for graph_id in (CURVE, LEVELS, CARDS)
                ],
                cols={"base": 1, "lg": 3},
                mt="md",
            ),
            dmc.Title(t("area.level_history", lang), order=4, mt="lg", mb="xs"),
            grid(
                LEVEL_TABLE,
                history_columns,
                history[::-1],
                lang,
                file_name=f"pccovid-levels-{found['code']}.csv",
                height="320px",
                grow=False,
            ),
            *(
                [
                    dmc.Group(
                        [
                            dmc.Title(t(f"area.children.{child_level}", lang), order=4),
                            dmc.Button(t("area.export_csv", lang), id=EXPORT, variant="light", size="xs"),
                        ],
                        justify="space-between",
                        mt="lg",
                        mb="xs",
                    ),
                    grid(CHILDREN, columns, rows, lang, file_name=f"pccovid-{found['code']}-{day}.csv"),
                ]
                if child_level
                else []
            ),
        ],
        className="page page-area",
    )


def _trail(found: dict) -> list:
    items = [dcc.Link("Việt Nam", href="/map")]
    if found["level"] != "province":
        items.append(dcc.Link(found["province_name"], href=f"/area/{found['province_code']}"))
    if found["level"] == "ward":
        items.append(dcc.Link(found["district_name"], href=f"/area/{found['district_code']}"))
    items.append(dmc.Text(found["short_name"], size="sm"))
    return items


def _map_link(found: dict) -> str:
    if found["level"] == "province":
        return f"/map?province={found['code']}"
    return f"/map?province={found['province_code']}&district={found['district_code']}"


@dash.callback(Output(LEVELS, "figure"), Output(CARDS, "figure"), Input(ids.DATA_VERSION, "data"), Input(CODE, "data"))
@typed
def show_area_levels_and_cards(version: Count, code: AreaCode):
    lang, viewer = current_language(), current_viewer()
    return (
        level_history_figure(level_history(viewer, code), lang, version),
        card_colours_figure(card_colours(viewer, code), lang, version),
    )


@dash.callback(
    Output(FIGURES, "children"), Output(CURVE, "figure"), Input(ids.DATA_VERSION, "data"), Input(CODE, "data")
)
@typed
def show_area_figures(version: Count, code: AreaCode):
    lang, viewer = current_language(), current_viewer()
    day = last_day(viewer)
    daily = daily_counts(viewer, code)
    if not day:
        return [], daily_cases_figure(daily, lang, version)
    week = weekly_summary(viewer, day, code)

    def change(metric: str) -> tuple[str, str]:
        return change_text(week[metric], week[f"{metric}_before"], lang)

    cards = [
        stat_card(
            "new_cases_7d", number(week["new_cases_7d"], lang), lang, change=change("new_cases_7d"), up_is_bad=True
        ),
        stat_card(
            "active_cases", number(week["active_cases"], lang), lang, change=change("active_cases"), up_is_bad=True
        ),
        stat_card("tests_7d", number(week["tests_7d"], lang), lang, change=change("tests_7d")),
        stat_card("doses_7d", number(week["doses_7d"], lang), lang, change=change("doses_7d"), up_is_bad=False),
        day_card("checkins_today", week, lang, day_open=True),  # `day` is the latest day with data
    ]
    return cards, daily_cases_figure(daily, lang, version, PROVISIONAL_DAYS)


@dash.callback(
    Output(CHILDREN, "exportDataAsCsv"),
    Input(EXPORT, "n_clicks"),
    State(CODE, "data"),
    prevent_initial_call=True,
)
@typed
def export_child_areas(_clicks: Count | None, code: AreaCode) -> bool:
    """The browser writes the CSV from the grid it holds; audited here with the child areas read again."""
    viewer = current_viewer()
    if area(viewer, code) is None:
        return dash.no_update
    export(viewer, "area_children_csv", len(child_areas(viewer, code)), code)
    return True
