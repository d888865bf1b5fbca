"""The steering committees' directives: issue, acknowledge, report progress, close and cancel, each checked against
the principal's role and jurisdiction and rules/directives.toml, audited before it is stored, written by the one writer
and announced on Redis so that open pages show it at once; and the reads the pages take (viewer first)."""

from __future__ import annotations

import datetime as dt
import logging
import math
import re
from collections.abc import Iterable, Sequence

import redis
import shapely

from data import audit, runtime, users
from data.access import AccessDenied, current_principal, require
from data.events import directives_channel
from data.geo import district_shapes, province_shapes
from data.sql import sql
from data.store import transaction
from data.viewer import Viewer
from rules.directives import ACTIVE, LEVELS, Problem, check_action, check_directive, directive_rules

log = logging.getLogger(__name__)

# The audit log's action for each directive action (data/audit.py: short snake_case verbs).
AUDIT_ACTIONS = {
    "issue": "directive_issue",
    "acknowledge": "directive_ack",
    "progress": "directive_progress",
    "close": "directive_close",
    "cancel": "directive_cancel",
}
RECIPIENT_ROLE = {"province": "province", "district": "district", "ward": "district"}  # who answers for the area
_OWNER = re.compile(r"(role:(province|district))|(user:[A-Za-z0-9._@-]{1,64})")
LIST_LIMIT = 500
_EARTH_M_PER_DEGREE = 111_320.0


class DirectiveRefused(ValueError):
    """A directive or an action that breaks a rule: every problem found, one each (rules.directives.Problem)."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(f"{p.field}: {p.code} {p.values or ''}".strip() for p in self.problems))


def jurisdiction(viewer: Viewer) -> str:
    return viewer.level if viewer.level == "national" else f"{viewer.level}:{','.join(viewer.codes)}"


# Reads


def directives(viewer: Viewer, *, active_only: bool = False, limit: int = LIST_LIMIT) -> list[dict]:
    """The directives issued by or to the viewer's jurisdiction, newest first (not cached: a directive changes no data
    version)."""
    rows = (
        runtime.store()
        .query(
            "directives/visible_directives", directive_id=None, active_only=active_only, limit=limit, **viewer.params
        )
        .to_pylist()
    )
    return rows


def directive(viewer: Viewer, directive_id: int) -> dict | None:
    rows = (
        runtime.store()
        .query("directives/visible_directives", directive_id=directive_id, active_only=False, limit=1, **viewer.params)
        .to_pylist()
    )
    return rows[0] if rows else None


def history(viewer: Viewer, directive_id: int) -> list[dict]:
    """Every action on the directive, oldest first; nothing when the viewer may not see it."""
    if directive(viewer, directive_id) is None:
        return []
    return runtime.store().query("directives/history", directive_id=directive_id).to_pylist()


def histories(viewer: Viewer, ids: Sequence[int]) -> dict[int, list[dict]]:
    """The histories of several directives at once (a page lists many), by directive id; only those the viewer may
    see."""
    found: dict[int, list[dict]] = {}
    if not ids:
        return found
    for row in runtime.store().query("directives/histories", ids=list(ids), **viewer.params).to_pylist():
        found.setdefault(row.pop("directive_id"), []).append(row)
    return found


def last_seq() -> int:
    """The newest directive action's sequence number: what open pages compare to know whether to read again."""
    return int(runtime.store().rows("directives/last_seq")[0][0])


def actions_since(viewer: Viewer, since: int, limit: int = 20) -> list[dict]:
    """The actions after sequence `since` on directives the viewer may see, oldest first (what a page tells of)."""
    return runtime.store().query("directives/actions_since", since=since, limit=limit, **viewer.params).to_pylist()


def is_recipient(viewer: Viewer, row: dict) -> bool:
    """Whether the viewer is the committee the directive is addressed to (a ward's directive is answered by its
    district)."""
    if viewer.level == "province":
        return row["recipient_level"] == "province" and row["recipient_code"] in viewer.codes
    if viewer.level == "district":
        return row["recipient_district"] is not None and row["recipient_district"] in viewer.codes
    return False


def is_issuer(viewer: Viewer, row: dict) -> bool:
    if viewer.level != row["issuer_level"]:
        return False
    return viewer.level == "national" or row["issuer_area"] in viewer.codes


def overdue_seconds(row: dict, now: dt.datetime) -> float:
    """How long an active directive is past its deadline (0 when it is not, or no longer active)."""
    if row["status"] not in ACTIVE:
        return 0.0
    return max(0.0, (now - row["deadline"]).total_seconds())


def recipient_choices(viewer: Viewer) -> list[dict]:
    """The areas the viewer's committee may direct (rules/directives.toml's chain): none for a level that issues to
    nobody."""
    levels = list(directive_rules().chain.get(viewer.level, ()))
    if not levels:
        return []
    return runtime.store().query("directives/recipient_choices", levels=levels, **viewer.params).to_pylist()


def areas_under(viewer: Viewer, codes: Sequence[str]) -> list[dict]:
    """The areas a directive to `codes` may act on: each of them and every district and ward under them."""
    if not codes:
        return []
    return runtime.store().query("directives/areas_under", codes=list(codes), **viewer.params).to_pylist()


def wards_in_shape(viewer: Viewer, features: Iterable[dict]) -> list[str]:
    """The wards inside the viewer's jurisdiction whose point (wards have no polygons: an estimated centroid) falls
    inside one of the drawn shapes: polygons and rectangles, or circles (a point with a radius in metres)."""
    shapes = []
    for feature in features:
        try:
            geometry = shapely.geometry.shape(feature["geometry"])
            radius = (feature.get("properties") or {}).get("radius")
            if geometry.geom_type == "Point" and isinstance(radius, int | float) and radius > 0:
                # A circle in metres as an ellipse in degrees: fine at a ward's scale.
                lat_scale = math.cos(math.radians(geometry.y))
                geometry = shapely.affinity.scale(
                    geometry.buffer(radius / _EARTH_M_PER_DEGREE, 64), xfact=1 / max(lat_scale, 0.01), yfact=1
                )
            if geometry.geom_type in ("Polygon", "MultiPolygon") and geometry.is_valid and not geometry.is_empty:
                shapes.append(geometry)
        except (KeyError, TypeError, ValueError, AttributeError, shapely.errors.ShapelyError):
            continue
    if not shapes:
        return []
    drawn = shapely.union_all(shapes)
    west, south, east, north = drawn.bounds
    rows = runtime.store().rows(
        "directives/wards_in_box", south=south, north=north, west=west, east=east, **viewer.params
    )
    inside = shapely.contains_xy(drawn, [r[2] for r in rows], [r[1] for r in rows])
    return [row[0] for row, hit in zip(rows, inside, strict=True) if hit]


def active_measures(viewer: Viewer) -> dict:
    """What the active directives inside the jurisdiction put in force, for the map's measures layer: locked-down
    wards (points), and areas whose level a directive sets (outlines for provinces and districts, points for wards)."""
    wards: dict[str, dict] = {}
    outlines: dict[str, dict] = {}
    for row in directives(viewer, active_only=True):
        if row["kind"] not in ("lockdown", "raise_level", "lower_level"):
            continue
        for target in row["targets"]:
            measure = {
                "kind": row["kind"],
                "level": row["level"],
                "directive_id": row["directive_id"],
                "name": target["name"],
                "status": row["status"],
            }
            if target["level"] == "ward":
                wards.setdefault(target["code"], {**measure, "lat": target["lat"], "lon": target["lon"]})
            else:
                outlines.setdefault(target["code"], {**measure, "area_level": target["level"]})
    features = []
    for code, measure in outlines.items():
        shape = (province_shapes() if measure["area_level"] == "province" else district_shapes()).get(code)
        if shape is None:
            continue
        simple = shapely.simplify(shape, 0.005, preserve_topology=True)
        features.append(
            {"type": "Feature", "geometry": shapely.geometry.mapping(simple), "properties": {"code": code, **measure}}
        )
    for code, measure in wards.items():
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [measure["lon"], measure["lat"]]},
                "properties": {"code": code, **{k: v for k, v in measure.items() if k not in ("lat", "lon")}},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def wall_summary(viewer: Viewer, now: dt.datetime) -> dict:
    """The wall's directives panel: how many are active inside the jurisdiction, how many overdue, the newest few."""
    active = directives(viewer, active_only=True)
    overdue = [row for row in active if overdue_seconds(row, now) > 0]
    return {"active": len(active), "overdue": len(overdue), "newest": active[:3]}


# Actions


def issue(
    kind: str | None,
    recipients: Sequence[str],
    text: str | None,
    deadline: dt.datetime | None,
    *,
    targets: Sequence[str] = (),
    level: int | None = None,
    cluster_case: int | None = None,
    owner: str | None = None,
    now: dt.datetime | None = None,
) -> list[int]:
    """Issues a directive to each recipient (one directive each, issued together) as the current principal; returns
    their ids. Refused with every problem found (DirectiveRefused), or AccessDenied, or AuditUnavailable when the
    audit log cannot be written (then nothing is stored)."""
    principal = require("issue")
    viewer = principal.viewer
    now = now or dt.datetime.now(dt.UTC)
    rules = directive_rules()
    recipients = list(dict.fromkeys(recipients))
    targets = list(dict.fromkeys(targets))
    problems = check_directive(
        kind,
        text,
        deadline,
        now,
        level=level,
        cluster_id=cluster_case,
        recipients=len(recipients),
        targets=len(targets),
    )
    chain = rules.chain.get(viewer.level, ())
    if not chain:
        raise AccessDenied(f"a {viewer.level} committee issues no directives")
    store = runtime.store()
    found = {
        row["code"]: row for row in store.query("directives/areas_by_code", codes=recipients + targets).to_pylist()
    }
    recipient_rows = []
    for code in recipients:
        area = found.get(code)
        if area is None:
            problems.append(Problem("recipients", "area_unknown", {"code": code[:12]}))
        elif area["level"] not in chain:
            problems.append(Problem("recipients", "recipient_level", {"code": code, "name": _name_for(viewer, area)}))
        elif not _inside_viewer(viewer, area):
            problems.append(Problem("recipients", "recipient_outside", {"code": code, "name": _name_for(viewer, area)}))
        else:
            recipient_rows.append(area)
    spec = rules.kinds.get(kind or "")
    targets_of: dict[str, list[str]] = {r["code"]: [] for r in recipient_rows}
    if spec is not None and not spec.chooses_areas:
        targets_of = {r["code"]: [r["code"]] for r in recipient_rows}
    elif spec is not None:
        for code in targets:
            area = found.get(code)
            if area is None:
                problems.append(Problem("targets", "area_unknown", {"code": code[:12]}))
                continue
            if area["level"] not in spec.targets:
                problems.append(Problem("targets", "target_level", {"code": code, "name": _name_for(viewer, area)}))
                continue
            holders = [r["code"] for r in recipient_rows if _contains(r, area)]
            # With a wrong recipient the area may be right for the one meant: the recipient's problem is said alone.
            if not holders and len(recipient_rows) == len(recipients):
                problems.append(Problem("targets", "target_outside", {"code": code, "name": _name_for(viewer, area)}))
            for holder in holders:
                targets_of[holder].append(code)
        # Said only when every area given was right: otherwise the problem with that area is the one to fix.
        if targets and not any(p.field == "targets" for p in problems):
            for r in recipient_rows:
                if not targets_of[r["code"]]:
                    problems.append(Problem("targets", "recipient_without_targets", {"name": r["short_name"]}))
    if spec is not None and spec.level and level in LEVELS and not problems:
        problems += _level_problems(spec.name, level, [c for codes in targets_of.values() for c in codes], found)
    cluster_id = None
    if spec is not None and spec.cluster and cluster_case is not None:
        cluster = store.query("directives/cluster_of_case", case_id=cluster_case, **viewer.params).to_pylist()
        if not cluster:
            problems.append(Problem("cluster", "cluster_unknown", {"case": cluster_case}))
        else:
            cluster_id = cluster[0]["cluster_id"]
            reached = [r for r in recipient_rows if _cluster_reaches(cluster[0], r)]
            if recipient_rows and len(reached) < len(recipient_rows):
                problems.append(Problem("cluster", "cluster_outside", {"case": cluster_case}))
    if owner is not None and owner != "" and not _OWNER.fullmatch(owner):
        problems.append(Problem("owner", "owner_invalid"))
    elif owner and owner.startswith("user:"):
        problems += _owner_problems(owner.removeprefix("user:"), recipient_rows)
    if problems:
        raise DirectiveRefused(problems)

    assert spec is not None and deadline is not None and text is not None
    ids = store.writer.run(_next_ids, len(recipient_rows))
    batch_id = ids[0]
    planned = []
    for directive_id, area in zip(ids, recipient_rows, strict=True):
        planned.append(
            {
                "directive_id": directive_id,
                "batch_id": batch_id,
                "kind": spec.name,
                "issuer": principal.username,
                "issuer_role": principal.role.name,
                "issuer_level": viewer.level,
                "issuer_area": None if viewer.level == "national" else area["province_code"],
                "recipient_code": area["code"],
                "text": text.strip(),
                "level": level if spec.level else None,
                "cluster_id": cluster_id,
                "deadline": deadline.astimezone(dt.UTC),
                "owner": owner or f"role:{RECIPIENT_ROLE[area['level']]}",
                "at": now,
                "rule_version": rules.name,
                "targets": targets_of[area["code"]],
            }
        )
    # Audited before it is stored: an action the audit log cannot hold is not taken (AuditUnavailable).
    for row in planned:
        audit.record(
            AUDIT_ACTIONS["issue"],
            str(row["directive_id"]),
            {
                "kind": row["kind"],
                "batch_id": batch_id,
                "recipient": row["recipient_code"],
                "targets": row["targets"],
                "level": row["level"],
                "cluster_id": row["cluster_id"],
                "deadline": row["deadline"].isoformat(),
                "owner": row["owner"],
            },
        )
    seq = store.writer.run(_store_issued, planned, principal.username, principal.role.name, jurisdiction(viewer))
    _announce(seq)
    log.info("directive batch %d issued by %s to %s", batch_id, principal.username, ",".join(targets_of))
    return ids


def act(
    directive_id: int,
    action: str,
    *,
    note: str | None = None,
    progress: int | None = None,
    now: dt.datetime | None = None,
) -> dict:
    """Acknowledges, reports progress on, closes or cancels a directive as the current principal; returns it as it
    now stands. Refused (DirectiveRefused, AccessDenied, AuditUnavailable) without storing anything."""
    principal = current_principal()
    if principal is None:
        raise AccessDenied("not logged in")
    rules = directive_rules()
    spec = rules.actions.get(action)
    if spec is None:
        raise DirectiveRefused([Problem("action", "action_unknown", {"action": action[:40]})])
    row = directive(principal.viewer, directive_id)
    if row is None:
        raise DirectiveRefused([Problem("directive", "directive_unknown", {"id": directive_id})])
    if spec.by == "recipient" and not (principal.role.receive and is_recipient(principal.viewer, row)):
        raise AccessDenied(f"only the committee directive {directive_id} is addressed to may {action} it")
    if spec.by == "issuer" and not (principal.role.issue and is_issuer(principal.viewer, row)):
        raise AccessDenied(f"only the committee that issued directive {directive_id} may {action} it")
    note = (note or "").strip() or None
    problems = check_action(action, row["status"], progress, note)
    if problems:
        raise DirectiveRefused(problems)
    now = now or dt.datetime.now(dt.UTC)
    new_progress = {"close": 100, "progress": progress}.get(action, row["progress"])
    audit.record(
        AUDIT_ACTIONS[action],
        str(directive_id),
        {"from": row["status"], "to": spec.to, "progress": new_progress, "note": note},
    )
    change = {
        "directive_id": directive_id,
        "action": action,
        "expected": row["status"],
        "status": spec.to,
        "progress": new_progress,
        "note": note,
        "at": now,
    }
    seq = runtime.store().writer.run(
        _store_action, change, principal.username, principal.role.name, jurisdiction(principal.viewer)
    )
    if seq is None:
        # Another action came first (both were checked against the same status): the audit holds the attempt.
        raise DirectiveRefused([Problem("status", "changed_meanwhile")])
    _announce(seq)
    return directive(principal.viewer, directive_id) or row


# On the writer thread


def _next_ids(con, count: int) -> list[int]:
    return [con.execute("SELECT nextval('directive_ids')").fetchall()[0][0] for _ in range(count)]


def _next_seq(con) -> int:
    return int(con.execute(sql("directives/last_seq")).fetchall()[0][0]) + 1


def _store_issued(con, planned: list[dict], username: str, role: str, where: str) -> int:
    with transaction(con):
        seq = _next_seq(con)
        for row in planned:
            params = {k: v for k, v in row.items() if k != "targets"}
            con.execute(sql("directives/insert_directive"), params)
            con.execute(
                sql("directives/insert_targets"), {"directive_id": row["directive_id"], "codes": row["targets"]}
            )
            con.execute(
                sql("directives/insert_action"),
                {
                    "seq": seq,
                    "directive_id": row["directive_id"],
                    "action": "issue",
                    "username": username,
                    "role": role,
                    "jurisdiction": where,
                    "at": row["at"],
                    "note": None,
                    "progress": 0,
                    "status": "issued",
                },
            )
            seq += 1
    return seq - 1


def _store_action(con, change: dict, username: str, role: str, where: str) -> int | None:
    with transaction(con):
        moved = con.execute(
            sql("directives/set_status"),
            {k: change[k] for k in ("directive_id", "status", "progress", "at", "expected")},
        ).fetchall()
        if not moved:
            return None
        seq = _next_seq(con)
        con.execute(
            sql("directives/insert_action"),
            {
                "seq": seq,
                "directive_id": change["directive_id"],
                "action": change["action"],
                "username": username,
                "role": role,
                "jurisdiction": where,
                "at": change["at"],
                "note": change["note"],
                "progress": change["progress"],
                "status": change["status"],
            },
        )
    return seq


def _announce(seq: int) -> None:
    """Tells open pages (web/push.py through data/events.py) that directives changed; a page missing it catches up at
    its next event, since each carries the newest sequence number."""
    client = runtime.redis_client()
    if client is None:
        return
    try:
        client.publish(directives_channel(runtime.store().store_id), seq)
    except redis.RedisError as exc:
        log.warning("directive %d stored but not announced: %s", seq, exc)


def _level_problems(kind: str, level: int, codes: list[str], found: dict[str, dict]) -> list[Problem]:
    """Raising sets a level above the one in force, lowering one below (areas never assessed take any level)."""
    rows = runtime.store().rows("directives/levels_in_force", codes=list(dict.fromkeys(codes)))
    problems = []
    for code, current, _week in rows:
        if (kind == "raise_level" and level <= current) or (kind == "lower_level" and level >= current):
            problem = "level_not_higher" if kind == "raise_level" else "level_not_lower"
            problems.append(Problem("level", problem, {"name": found[code]["short_name"], "current": current}))
    return problems


def _owner_problems(username: str, recipient_rows: list[dict]) -> list[Problem]:
    """A user named as owner must exist, be enabled, receive directives, and belong to every recipient."""
    client = runtime.redis_client()
    user = users.get(client, username) if client is not None else None
    principal = users.principal_of(user) if user is not None and not user.disabled else None
    if principal is None or not principal.role.receive:
        return [Problem("owner", "owner_unknown", {"name": username})]
    return [
        Problem("owner", "owner_elsewhere", {"name": username, "recipient": area["short_name"]})
        for area in recipient_rows
        if not is_recipient(principal.viewer, _as_directive(area))
    ]


def _as_directive(area: dict) -> dict:
    """An area as the recipient of a directive (the fields is_recipient reads)."""
    return {
        "recipient_level": area["level"],
        "recipient_code": area["code"],
        "recipient_district": area["district_code"],
    }


def _name_for(viewer: Viewer, area: dict) -> str:
    """An area's name in a refusal, or only its code when it lies outside the issuer's jurisdiction: a forged code
    learns nothing of areas elsewhere (tests/test_access.py)."""
    return area["short_name"] if _inside_viewer(viewer, area) else f"«{area['code']}»"


def _inside_viewer(viewer: Viewer, area: dict) -> bool:
    if viewer.level == "national":
        return True
    if viewer.level == "province":
        return area["province_code"] in viewer.codes
    return area["district_code"] in viewer.codes


def _contains(recipient: dict, area: dict) -> bool:
    """Whether `area` lies inside the recipient's area (or is it)."""
    if recipient["level"] == "province":
        return area["province_code"] == recipient["code"]
    if recipient["level"] == "district":
        return area["district_code"] == recipient["code"] or area["code"] == recipient["code"]
    return area["code"] == recipient["code"]


def _cluster_reaches(cluster: dict, recipient: dict) -> bool:
    if recipient["level"] == "province":
        return recipient["code"] in cluster["province_codes"]
    return recipient["district_code"] in cluster["district_codes"]
