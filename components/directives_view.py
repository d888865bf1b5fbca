"""The directives' building blocks: a directive as a card (status, overdue, targets, progress, the buttons its reader
may press, its history), the messages of a refused directive, Viet Nam times, and the choices of the issue form."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import dash_mantine_components as dmc
from dash import html

from components.i18n import t
from data.directives import active_measures, directives, histories, is_issuer, is_recipient, overdue_seconds
from data.viewer import Viewer
from rules.directives import ACTIVE, Problem, directive_rules

VIET_NAM = ZoneInfo("Asia/Ho_Chi_Minh")
ACT = "directive-act"  # pattern-matched ids: {"type": ACT, "action": ..., "directive": id}
PROGRESS = "directive-progress"
NOTE = "directive-note"
STATUS_COLOURS = {
    "issued": "blue",
    "acknowledged": "cyan",
    "in_progress": "yellow",
    "done": "green",
    "cancelled": "gray",
}


def when(instant: dt.datetime | None, lang: str) -> str:
    """02/08/2021 17:00 in Viet Nam's time, in both languages."""
    if instant is None:
        return "—"
    return instant.astimezone(VIET_NAM).strftime("%d/%m/%Y %H:%M")


def kind_label(kind: str, lang: str) -> str:
    found = directive_rules().kinds.get(kind)
    return found.label.get(lang, found.label["vi"]) if found else kind


def overdue_text(seconds: float, lang: str) -> str | None:
    """ "Quá hạn 3 ngày" (or hours within the first day), None when not overdue."""
    if seconds <= 0:
        return None
    if seconds < 86_400:
        return t("directives.overdue_hours", lang, n=max(1, int(seconds // 3600)))
    return t("directives.overdue_days", lang, n=int(seconds // 86_400))


def status_badge(status: str, lang: str) -> dmc.Badge:
    return dmc.Badge(
        t(f"directives.status.{status}", lang),
        color=STATUS_COLOURS.get(status, "gray"),
        variant="filled" if status in ACTIVE else "light",
        className=f"directive-status status-{status}",
    )


def committee(level: str, area_name: str | None, lang: str) -> str:
    if level == "national":
        return t("directives.national_committee", lang)
    return t("directives.committee_of", lang, name=area_name or "")


def owner_text(owner: str, lang: str) -> str:
    return t("directives.owner.role", lang) if owner.startswith("role:") else owner.removeprefix("user:")


def problem_messages(problems: list[Problem], lang: str) -> list[str]:
    """One sentence per problem, in the reader's language; a status is named as the page shows it."""
    messages = []
    for problem in problems:
        values = dict(problem.values)
        if "status" in values:
            values["status"] = t(f"directives.status.{values['status']}", lang)
        messages.append(t(f"directives.error.{problem.code}", lang, **values))
    return messages


def history_line(step: dict, row: dict, lang: str) -> str:
    """ "07/12/2026 09:30 · province79 (Ban chỉ đạo Hồ Chí Minh) báo cáo tiến độ 60%: «note»": who acted for which
    committee (the issuer issues and cancels, the recipient does the rest)."""
    what = t(f"directives.history.{step['action']}", lang, n=step["progress"] or 0)
    if step["action"] in ("issue", "cancel"):
        where = committee(row["issuer_level"], row["issuer_area_name"], lang)
    else:
        where = committee(row["recipient_level"], row["recipient_name"], lang)
    line = t(
        "directives.history.line",
        lang,
        when=when(step["acted_at"], lang),
        who=step["username"],
        where=where,
        what=what,
    )
    return line + (f": «{step['note']}»" if step["note"] else "")


def directive_card(row: dict, steps: list[dict], viewer: Viewer, lang: str, now: dt.datetime) -> dmc.Paper:
    """A directive as its reader sees it: what, from whom to whom, until when, how far, and what they may do."""
    directive_id = row["directive_id"]
    late = overdue_text(overdue_seconds(row, now), lang)
    header = [
        dmc.Text(f"#{directive_id}", c="dimmed", size="sm"),
        dmc.Text(kind_label(row["kind"], lang), fw=700),
        status_badge(row["status"], lang),
    ]
    if late:
        header.append(dmc.Badge(late, color="red", variant="filled", className="directive-overdue"))
    facts = [
        t("directives.from", lang, who=committee(row["issuer_level"], row["issuer_area_name"], lang))
        + f" ({row['issuer']})",
        t("directives.to", lang, who=_recipient_name(row)),
        t("directives.deadline", lang, when=when(row["deadline"], lang)),
        t("directives.owner", lang, who=owner_text(row["owner"], lang)),
    ]
    if row["level"]:
        facts.append(t("directives.level_to", lang, level=row["level"]))
    if row["cluster_id"]:
        facts.append(t("directives.cluster", lang, id=row["cluster_id"]))
    if row["targets"] and [x["code"] for x in row["targets"]] != [row["recipient_code"]]:
        names = ", ".join(x["name"] for x in row["targets"][:12])
        more = len(row["targets"]) - 12
        facts.append(t("directives.targets", lang, areas=names + (f" (+{more})" if more > 0 else "")))
    body = [
        dmc.Group(header, gap="xs"),
        dmc.Text(row["text"], className="directive-text", my=6),
        dmc.Group([dmc.Text(fact, size="sm", c="dimmed") for fact in facts], gap="lg"),
        dmc.Group(
            [
                dmc.Progress(value=row["progress"], w=220, color="red" if late else "teal"),
                dmc.Text(t("directives.progress", lang, n=row["progress"]), size="sm"),
            ],
            gap="xs",
            mt=6,
        ),
    ]
    controls = _controls(row, viewer, lang)
    if controls:
        body.append(controls)
    body.append(
        dmc.Accordion(
            dmc.AccordionItem(
                [
                    dmc.AccordionControl(t("directives.history", lang, n=len(steps))),
                    dmc.AccordionPanel(
                        html.Ol(
                            [html.Li(history_line(step, row, lang)) for step in steps], className="directive-history"
                        )
                    ),
                ],
                value="history",
            ),
            variant="contained",
            mt="xs",
        )
    )
    return dmc.Paper(
        body,
        withBorder=True,
        p="sm",
        mb="sm",
        className="directive-card overdue" if late else "directive-card",
        **{"data-directive": str(directive_id), "data-status": row["status"]},
    )


def _recipient_name(row: dict) -> str:
    if row["recipient_level"] == "province":
        return row["recipient_name"]
    return f"{row['recipient_name']} ({row['recipient_province_name']})"


def _controls(row: dict, viewer: Viewer, lang: str) -> dmc.Group | None:
    """The buttons this reader may press now: the recipient moves it on, the issuer may cancel it."""
    rules = directive_rules()
    allowed = []
    for name, action in rules.actions.items():
        if row["status"] not in action.from_statuses:
            continue
        if (action.by == "recipient" and is_recipient(viewer, row)) or (
            action.by == "issuer" and is_issuer(viewer, row)
        ):
            allowed.append(name)
    if not allowed:
        return None
    directive_id = row["directive_id"]
    parts: list = [
        dmc.TextInput(
            id={"type": NOTE, "directive": directive_id}, placeholder=t("directives.note", lang), w=260, size="xs"
        )
    ]
    if "progress" in allowed:
        parts.append(
            dmc.NumberInput(
                id={"type": PROGRESS, "directive": directive_id},
                value=row["progress"],
                min=0,
                max=100,
                step=10,
                suffix=" %",
                w=100,
                size="xs",
                **{"aria-label": t("directives.progress_input", lang)},
            )
        )
    colours = {"acknowledge": "blue", "progress": "yellow", "close": "green", "cancel": "gray"}
    for name in allowed:
        parts.append(
            dmc.Button(
                t(f"directives.action.{name}", lang),
                id={"type": ACT, "action": name, "directive": directive_id},
                size="xs",
                color=colours[name],
                variant="outline" if name == "cancel" else "filled",
                className=f"directive-action action-{name}",
            )
        )
    return dmc.Group(parts, gap="xs", mt="xs", align="flex-end")


def recipient_options(choices: list[dict], lang: str) -> list[dict]:
    """The issue form's recipients: provinces as they are; a province's districts, each with its wards."""
    groups: dict[str, list[dict]] = {}
    for area in choices:
        group = area["short_name"] if area["level"] == "district" else area["district_name"] or ""
        if area["level"] == "province":
            group = t("directives.field.recipients", lang)
        groups.setdefault(group, []).append({"value": area["code"], "label": area["name"]})
    return [{"group": name, "items": items} for name, items in groups.items()]


def target_options(areas: list[dict], levels: tuple[str, ...]) -> list[dict]:
    """The areas a directive may act on inside its recipients, at the kind's levels, grouped by province or district."""
    groups: dict[str, list[dict]] = {}
    for area in areas:
        if area["level"] not in levels:
            continue
        group = area["district_name"] or area["province_name"] or ""
        groups.setdefault(group, []).append({"value": area["code"], "label": area["name"]})
    return [{"group": name, "items": items} for name, items in groups.items()]


def directive_lists(viewer: Viewer, lang: str, now: dt.datetime) -> dict[str, list]:
    """The reader's directives as cards in three lists: addressed to their committee (inbox), issued by it (outbox),
    and the others inside their jurisdiction; active and overdue ones first, then the newest."""
    rows = directives(viewer)
    steps = histories(viewer, [row["directive_id"] for row in rows])
    boxes: dict[str, list] = {"inbox": [], "outbox": [], "others": []}

    def order(row: dict) -> tuple:
        return (row["status"] not in ACTIVE, -overdue_seconds(row, now), -row["issued_at"].timestamp())

    for row in sorted(rows, key=order):
        box = "inbox" if is_recipient(viewer, row) else "outbox" if is_issuer(viewer, row) else "others"
        boxes[box].append(directive_card(row, steps.get(row["directive_id"], []), viewer, lang, now))
    return boxes


def box_label(name: str, cards: list, lang: str) -> list:
    """A tab's title with how many it holds, and how many of those are overdue in red."""
    overdue = sum(1 for card in cards if "overdue" in (card.className or ""))
    label: list = [
        t(f"directives.{name}", lang),
        dmc.Badge(str(len(cards)), variant="light", color="gray", ml=6, size="sm"),
    ]
    if overdue:
        label.append(dmc.Badge(t("wall.directives_overdue", lang) + f" {overdue}", color="red", ml=4, size="sm"))
    return label


def wall_directives(summary: dict, lang: str) -> list:
    """The wall's directives block: how many are active in the jurisdiction, how many overdue (red), the newest."""
    overdue = summary["overdue"]
    parts: list = [
        html.Div(t("wall.directives", lang), className="label"),
        html.Div(
            [
                html.Span(str(summary["active"]), className="big"),
                html.Span(" " + t("wall.directives_active", lang)),
                html.Span(
                    f" · {overdue} " + t("wall.directives_overdue", lang),
                    className="overdue" if overdue else "none-overdue",
                ),
            ]
        ),
    ]
    if summary["newest"]:
        newest = summary["newest"][0]
        parts.append(
            html.Div(
                t(
                    "wall.directives_newest",
                    lang,
                    kind=kind_label(newest["kind"], lang),
                    recipient=_recipient_name(newest),
                ),
                className="newest",
            )
        )
    return parts


def measures_layer(viewer: Viewer, lang: str) -> dict:
    """The map's layer of measures in force (data/directives.active_measures), each with its tooltip."""
    layer = active_measures(viewer)
    for feature in layer["features"]:
        p = feature["properties"]
        what = kind_label(p["kind"], lang)
        if p.get("level"):
            what += " · " + t("directives.level_to", lang, level=p["level"])
        p["tooltip"] = f"{p['name']}: {what} (#{p['directive_id']}, {t('directives.status.' + p['status'], lang)})"
    return layer
