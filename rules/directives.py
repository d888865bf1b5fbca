"""The steering committees' directives as rules (rules/directives.toml): the kinds, who directs whom, the limits a
directive keeps and the actions that move it from status to status. Pure: the areas are checked by data/directives.py."""

from __future__ import annotations

import datetime as dt
import functools
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from rules.area_level import MAX_LEVEL

_FILE = Path(__file__).with_name("directives.toml")

STATUSES = ("issued", "acknowledged", "in_progress", "done", "cancelled")
ACTIVE = ("issued", "acknowledged", "in_progress")
LEVELS = tuple(range(1, MAX_LEVEL + 1))  # the epidemic levels of rules/area_level.toml


@dataclass(frozen=True)
class Kind:
    name: str
    label: dict[str, str]
    targets: tuple[str, ...]  # area levels the directive acts on, or ("recipient",): the recipients' own areas
    level: bool = False  # a level 1-4 must be given
    cluster: bool = False  # a cluster must be named

    @property
    def chooses_areas(self) -> bool:
        return self.targets != ("recipient",)


@dataclass(frozen=True)
class Action:
    name: str
    by: str  # "recipient" or "issuer"
    from_statuses: tuple[str, ...]
    to: str


@dataclass(frozen=True)
class DirectiveRules:
    name: str
    source: str
    effective: dt.date
    text_min: int
    text_max: int
    note_max: int
    deadline_max_days: int
    areas_max: int
    chain: dict[str, tuple[str, ...]]
    kinds: dict[str, Kind]
    actions: dict[str, Action]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a directive or an action: the field, a message key and the values the message names."""

    field: str
    code: str
    values: dict[str, object] = field(default_factory=dict)


@functools.cache
def directive_rules() -> DirectiveRules:
    data = tomllib.loads(_FILE.read_text(encoding="utf-8"))
    limits = data["limits"]
    return DirectiveRules(
        name=data["name"],
        source=data["source"],
        effective=data["effective"],
        text_min=int(limits["text_min"]),
        text_max=int(limits["text_max"]),
        note_max=int(limits["note_max"]),
        deadline_max_days=int(limits["deadline_max_days"]),
        areas_max=int(limits["areas_max"]),
        chain={level: tuple(down) for level, down in data["chain"].items()},
        kinds={
            name: Kind(name, dict(k["label"]), tuple(k["targets"]), bool(k.get("level")), bool(k.get("cluster")))
            for name, k in data["kind"].items()
        },
        actions={name: Action(name, a["by"], tuple(a["from"]), a["to"]) for name, a in data["action"].items()},
    )


def check_directive(
    kind: str | None,
    text: str | None,
    deadline: dt.datetime | None,
    now: dt.datetime,
    *,
    level: int | None,
    cluster_id: int | None,
    recipients: int,
    targets: int,
) -> list[Problem]:
    """Everything about a new directive that needs no store: one problem per field that is wrong."""
    rules = directive_rules()
    problems: list[Problem] = []
    found = rules.kinds.get(kind or "")
    if found is None:
        problems.append(Problem("kind", "kind_unknown", {"kind": (kind or "")[:40]}))
    text = (text or "").strip()
    if len(text) < rules.text_min:
        problems.append(Problem("text", "text_short", {"min": rules.text_min}))
    elif len(text) > rules.text_max:
        problems.append(Problem("text", "text_long", {"max": rules.text_max, "length": len(text)}))
    if deadline is None:
        problems.append(Problem("deadline", "deadline_missing"))
    elif deadline.tzinfo is None:
        problems.append(Problem("deadline", "deadline_missing"))
    elif deadline <= now:
        problems.append(Problem("deadline", "deadline_past"))
    elif deadline - now > dt.timedelta(days=rules.deadline_max_days):
        problems.append(Problem("deadline", "deadline_far", {"days": rules.deadline_max_days}))
    if recipients == 0:
        problems.append(Problem("recipients", "recipients_missing"))
    if found is not None:
        if found.level and level not in LEVELS:
            problems.append(Problem("level", "level_missing"))
        if found.cluster and cluster_id is None:
            problems.append(Problem("cluster", "cluster_missing"))
        if found.chooses_areas and targets == 0:
            problems.append(Problem("targets", "targets_missing"))
    if targets > rules.areas_max:
        problems.append(Problem("targets", "targets_many", {"max": rules.areas_max}))
    return problems


def check_action(action: str, status: str, progress: int | None, note: str | None) -> list[Problem]:
    """Whether `action` may follow a directive's `status`, with a progress 0-100 when reporting progress."""
    rules = directive_rules()
    found = rules.actions.get(action)
    if found is None:
        return [Problem("action", "action_unknown", {"action": action[:40]})]
    problems = []
    if status not in found.from_statuses:
        problems.append(Problem("status", f"cannot_{action}", {"status": status}))
    if action == "progress" and (progress is None or not 0 <= progress <= 100):
        problems.append(Problem("progress", "progress_range"))
    if note is not None and len(note) > rules.note_max:
        problems.append(Problem("note", "note_long", {"max": rules.note_max}))
    return problems
