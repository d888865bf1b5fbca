"""One person (/person/<id>) for tracers: the card today and why, the register fields, tests, doses, check-ins and the
traces linking them (data/person.py refuses anyone else and audits every view)."""

from __future__ import annotations

import dash
import dash_mantine_components as dmc
from dash import html

from components.i18n import current_language, t
from components.inputs import Id, UrlValue, url_value
from components.person_view import (
    card_panel,
    checkin_rows,
    dose_rows,
    link_items,
    person_fields,
    small_grid,
    test_rows,
)
from data.access import AccessDenied, current_viewer
from data.person import CHECKINS_SHOWN, person_file

dash.register_page(__name__, path_template="/person/<person_id>", title="Hồ sơ cá nhân — PC-Covid", name="person")

TESTS_GRID = "person-tests"
DOSES_GRID = "person-doses"
CHECKINS_GRID = "person-checkins"


def layout(person_id: UrlValue = None, **_query: UrlValue) -> html.Div:
    lang, viewer = current_language(), current_viewer()
    number = url_value(Id, person_id)
    if number is None:
        raise AccessDenied("no such person")  # never "not found": whether someone exists is not told
    found = person_file(viewer, number)
    person, card = found["person"], found["card"]
    checkins = found["checkins"]
    return html.Div(
        [
            dmc.Title(t("person.title", lang, name=person["full_name"], person=number), order=2),
            dmc.Space(h="sm"),
            card_panel(card, lang),
            dmc.Space(h="md"),
            person_fields(person, lang),
            dmc.Title(t("person.links_title", lang), order=4, mt="lg", mb="xs"),
            *link_items(found["links"], found["own_case"], found["f1"], lang),
            dmc.Title(t("person.tests_title", lang), order=4, mt="lg", mb="xs"),
            small_grid(
                TESTS_GRID,
                ("sample", "result_time", "kind", "result"),
                test_rows(found["tests"], lang),
                lang,
                f"pccovid-person-{number}-tests.csv",
            ),
            dmc.Title(t("person.doses_title", lang), order=4, mt="lg", mb="xs"),
            small_grid(
                DOSES_GRID,
                ("dose", "vaccine", "dose_time"),
                dose_rows(found["doses"], lang),
                lang,
                f"pccovid-person-{number}-doses.csv",
            ),
            dmc.Group(
                [
                    dmc.Title(t("person.checkins_title", lang), order=4),
                    *(
                        [dmc.Text(t("person.checkins_more", lang, shown=CHECKINS_SHOWN), size="xs", c="dimmed")]
                        if len(checkins) >= CHECKINS_SHOWN
                        else []
                    ),
                ],
                mt="lg",
                mb="xs",
            ),
            small_grid(
                CHECKINS_GRID,
                ("time", "venue", "area", "direction"),
                checkin_rows(checkins, lang),
                lang,
                f"pccovid-person-{number}-checkins.csv",
            ),
        ],
        className="page page-person",
    )
