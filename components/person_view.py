"""Builders for the person page: the card with its reason in words, the register fields, tests, doses, check-ins and
the trace links."""

from __future__ import annotations

import dash_mantine_components as dmc
from dash import dcc, html

from components.i18n import date, t
from components.tables import grid
from components.trace_graph import when

CARD_COLOURS = {"green": "#2b8a3e", "yellow": "#f59f00", "red": "#c92a2a"}


def day_month(value: str | None) -> str:
    """'2021-08-16T…' as 16/08: the short date a tracer says on the phone."""
    return f"{value[8:10]}/{value[5:7]}" if value else "—"


def reason_text(card: dict, lang: str) -> str:
    """The card's colour and why, in one sentence: 'Đỏ: F1 của ca 123, tiếp xúc 02/08 tại Chợ Bình Điền, cách ly đến
    16/08'."""
    if not card.get("colour"):
        return t("person.card_none", lang)
    colour = t(f"card.{card['colour']}", lang)
    reason = card.get("reason") or "unknown"
    values: dict[str, object] = {"colour": colour, "since": day_month(card.get("since"))}
    values["until"] = day_month(card.get("until"))
    if reason in ("quarantine", "close_contact"):
        values["case"] = card.get("case_id") or "?"
        values["exposed"] = day_month(card.get("exposure_ts"))
        via = card.get("via")
        values["how"] = t(f"person.reason.how.{via}", lang, venue=card.get("venue_name") or "") if via else ""
    if reason in ("f0", "vaccinated", "recovered", "first_dose", "negative_test"):
        values["since"] = date(card["since"], lang) if reason in ("vaccinated", "first_dose") else values["since"]
    return t(f"person.reason.{reason}", lang, **values)


def card_panel(card: dict, lang: str) -> dmc.Paper:
    """The colour as a band with the reason, the rule version that decided it and, for an F1, the quarantine rule."""
    colour = CARD_COLOURS.get(card.get("colour") or "", "#868e96")
    lines = [
        dmc.Text(t("person.card_title", lang, day=date(card.get("day"), lang)), size="sm", c="dimmed"),
        dmc.Text(reason_text(card, lang), fw=700, fz=22, className="person-card-reason"),
        dmc.Text(
            t("person.rule", lang, rule=card.get("rule_version") or "—", source=card.get("rule_source") or ""),
            size="xs",
            c="dimmed",
            className="person-card-rule",
        ),
    ]
    if card.get("quarantine_rule"):
        lines.append(dmc.Text(t("person.quarantine_rule", lang, rule=card["quarantine_rule"]), size="xs", c="dimmed"))
    return dmc.Paper(
        lines,
        withBorder=True,
        p="md",
        className=f"person-card person-card-{card.get('colour') or 'none'}",
        style={"borderLeft": f"10px solid {colour}"},
        **{"data-colour": card.get("colour") or ""},
    )


def person_fields(person: dict, lang: str) -> dmc.SimpleGrid:
    """Identity number, phone, date of birth, sex, home address and household."""
    address = ", ".join(x for x in (person["ward_name"], person["district_name"], person["province_name"]) if x)
    fields = [
        ("citizen_id", person.get("citizen_id") or "—"),
        ("phone", person.get("phone") or "—"),
        ("birth_date", date(person.get("birth_date"), lang)),
        ("sex", t(f"person.sex.{person['sex']}", lang) if person.get("sex") else "—"),
        ("address", address),
        ("household", str(person["household_id"])),
    ]
    return dmc.SimpleGrid(
        [
            dmc.Paper(
                [dmc.Text(t(f"person.field.{key}", lang), size="xs", c="dimmed"), dmc.Text(value, fw=600)],
                withBorder=True,
                p="xs",
                **{"data-field": key},
            )
            for key, value in fields
        ],
        cols={"base": 2, "sm": 3, "lg": 6},
        spacing="sm",
    )


def link_items(links: list[dict], own_case: dict | None, f1: list[dict], lang: str) -> list:
    """The traces naming the person (F1 or F2 of a case: links to /trace/<case>, and to /person/<id> of the F1 they
    came through), their own trace when they are a case, and their F1 (links to each /person/<id>)."""
    items: list = []
    if own_case is not None:
        items.append(
            dcc.Link(
                t("person.own_trace", lang, confirmed=when(own_case["confirmed_ts"], lang)),
                href=f"/trace/{own_case['case_id']}",
                className="person-own-trace",
            )
        )
    for link in links:
        exposed = when(link["exposure_ts"], lang)
        if not link["case_inside"]:
            text = t(
                "person.link.elsewhere", lang, degree=link["degree"], province=link["case_province"], exposed=exposed
            )
            items.append(html.Span(text))
            continue
        case = dcc.Link(str(link["case_id"]), href=f"/trace/{link['case_id']}")
        if link["degree"] == 1:
            via = t(f"trace.via.{link['via']}", lang)
            items.append(_linked("person.link.f1", lang, {"case": case}, "person-link-f1", via=via, exposed=exposed))
        elif link["through_inside"]:
            through = dcc.Link(str(link["through"]), href=f"/person/{link['through']}")
            parts = {"case": case, "through": through}
            items.append(_linked("person.link.f2", lang, parts, "person-link-f2", exposed=exposed))
        else:
            items.append(_linked("person.link.f2_elsewhere", lang, {"case": case}, "person-link-f2", exposed=exposed))
    if f1:
        items.append(
            html.Span(
                [t("person.own_f1", lang) + ": "]
                + [
                    part
                    for i, row in enumerate(f1)
                    for part in (
                        (", " if i else ""),
                        dcc.Link(row.get("full_name") or str(row["person_id"]), href=f"/person/{row['person_id']}"),
                    )
                ],
                className="person-own-f1",
            )
        )
    if not items:
        return [dmc.Text(t("person.none", lang), size="sm")]
    return [dmc.List([dmc.ListItem(item) for item in items], size="sm", spacing=4)]


def _linked(key: str, lang: str, links: dict, class_name: str, **values: object) -> html.Span:
    """A translated sentence whose placeholders named in `links` are links: each is formatted as a marker, and the
    text is cut at the markers (the word order differs between languages)."""
    markers = {name: f"\x00{name}\x00" for name in links}
    pieces = t(key, lang, **values, **markers).split("\x00")
    return html.Span(
        [links.get(piece, piece) if i % 2 else piece for i, piece in enumerate(pieces)], className=class_name
    )


def test_rows(tests: list[dict], lang: str) -> list[dict]:
    return [
        {
            "sample": when(r["sample_ts"], lang),
            "result_time": when(r["result_ts"], lang),
            "kind": t(f"person.test.{r['kind']}", lang),
            "result": t(f"person.result.{r['result']}", lang),
        }
        for r in tests
    ]


def dose_rows(doses: list[dict], lang: str) -> list[dict]:
    return [{"dose": r["dose"], "vaccine": r["vaccine"], "dose_time": when(r["ts"], lang)} for r in doses]


def checkin_rows(checkins: list[dict], lang: str) -> list[dict]:
    return [
        {
            "time": when(r["ts"], lang),
            "venue": r["venue_name"],
            "area": r["ward_name"] or r["province_name"] or "",
            "direction": t(f"person.direction.{r['direction'] or 'in'}", lang),
        }
        for r in checkins
    ]


def small_grid(grid_id: str, fields: tuple[str, ...], rows: list[dict], lang: str, file_name: str):
    """A short table of the person's events (or a line saying there are none)."""
    if not rows:
        return dmc.Text(t("person.none", lang), size="sm")
    columns = [{"field": f, "headerName": t(f"person.col.{f}", lang)} for f in fields]
    return grid(grid_id, columns, rows, lang, file_name=file_name, height="300px")
