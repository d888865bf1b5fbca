"""Directives in the store (data/directives.py) on the seeded store and real Redis, acting as each role: who may issue
to whom and act on what, one message per problem, the history of every action, overdue ones, the audit of each action
and the sequence announced to open pages."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import redis

from data import directives as d
from data import events, runtime, users
from data.access import AccessDenied, Principal, acting_as, role
from data.audit import AuditUnavailable, stream_key
from data.viewer import NATIONAL, Viewer
from tests.seed import BEN_NGHE, PHUC_XA, TAN_DINH

NOW = dt.datetime(2026, 12, 6, 8, 0, tzinfo=dt.UTC)
TOMORROW = NOW + dt.timedelta(days=1)

NATIONAL_USER = Principal("bcdqg", role("national"), NATIONAL)
HCM = Principal("bcd-hcm", role("province"), Viewer("province", ("79",)))
HANOI = Principal("bcd-hanoi", role("province"), Viewer("province", ("01",)))
QUAN_1 = Principal("bcd-q1", role("district"), Viewer("district", ("760",)))
BA_DINH = Principal("bcd-badinh", role("district"), Viewer("district", ("001",)))
TRACER = Principal("truyvet", role("tracer"), Viewer("province", ("79",)))
PRESS = Principal("baochi", role("press"), NATIONAL)
TEXT = "Tổ chức xét nghiệm toàn bộ người dân trong khu vực trong 48 giờ."


def problems(refused: pytest.ExceptionInfo) -> set[tuple[str, str]]:
    return {(p.field, p.code) for p in refused.value.problems}


def audit_entries(store_runtime) -> list[dict]:
    client = runtime.redis_client()
    return [
        {k.decode(): v.decode() for k, v in fields.items()}
        for _id, fields in client.xrange(stream_key())
        if fields[b"action"].decode().startswith("directive_")
    ]


@pytest.fixture
def store(seeded_runtime):
    runtime.redis_client().delete(stream_key())
    return seeded_runtime


def issue_to_hcm(**changes) -> list[int]:
    args = {"kind": "mass_testing", "recipients": ["79"], "text": TEXT, "deadline": TOMORROW, "targets": ["79"]}
    args.update(changes)
    kind, recipients, text, deadline = (args.pop(k) for k in ("kind", "recipients", "text", "deadline"))
    with acting_as(NATIONAL_USER):
        return d.issue(kind, recipients, text, deadline, now=NOW, **args)


def test_national_issues_to_a_province_which_alone_of_the_provinces_sees_it(store) -> None:
    (directive_id,) = issue_to_hcm()
    for viewer, sees in ((NATIONAL, True), (HCM.viewer, True), (HANOI.viewer, False), (QUAN_1.viewer, False)):
        found = d.directive(viewer, directive_id)
        assert (found is not None) is sees, viewer
    row = d.directive(HCM.viewer, directive_id)
    assert (row["kind"], row["status"], row["progress"], row["recipient_code"]) == ("mass_testing", "issued", 0, "79")
    assert (row["issuer"], row["issuer_level"], row["issuer_area"], row["owner"]) == (
        "bcdqg",
        "national",
        None,
        "role:province",
    )
    assert [t["code"] for t in row["targets"]] == ["79"]
    assert d.is_recipient(HCM.viewer, row) and not d.is_recipient(HANOI.viewer, row)
    assert d.is_issuer(NATIONAL, row) and not d.is_issuer(HCM.viewer, row)
    assert [h["action"] for h in d.history(HCM.viewer, directive_id)] == ["issue"]
    assert d.history(HANOI.viewer, directive_id) == []
    assert d.directives(HANOI.viewer) == []


def test_one_directive_per_recipient_each_seeing_only_its_own(store) -> None:
    ids = issue_to_hcm(recipients=["79", "01"], targets=["79", "01"])
    assert len(ids) == 2
    rows = {r["recipient_code"]: r for r in d.directives(NATIONAL)}
    assert rows["79"]["batch_id"] == rows["01"]["batch_id"] == ids[0]
    assert [r["recipient_code"] for r in d.directives(HCM.viewer)] == ["79"]
    assert [t["code"] for t in d.directives(HANOI.viewer)[0]["targets"]] == ["01"]


def test_every_problem_of_a_directive_is_named_once(store) -> None:
    with acting_as(NATIONAL_USER), pytest.raises(d.DirectiveRefused) as refused:
        d.issue("curfew", ["760", "99"], "ngắn", NOW - dt.timedelta(hours=1), now=NOW)
    assert problems(refused) == {
        ("kind", "kind_unknown"),
        ("text", "text_short"),
        ("deadline", "deadline_past"),
        ("recipients", "recipient_level"),  # a district: the national committee directs provinces
        ("recipients", "area_unknown"),
    }
    with acting_as(NATIONAL_USER), pytest.raises(d.DirectiveRefused) as refused:
        d.issue("raise_level", ["79"], "x" * 2001, NOW + dt.timedelta(days=200), targets=[PHUC_XA], now=NOW)
    assert problems(refused) == {
        ("text", "text_long"),
        ("deadline", "deadline_far"),
        ("level", "level_missing"),
        ("targets", "target_outside"),  # a ward of Hà Nội in a directive to Hồ Chí Minh
    }
    with acting_as(NATIONAL_USER), pytest.raises(d.DirectiveRefused) as refused:
        d.issue("lockdown", ["79", "01"], TEXT, TOMORROW, targets=[TAN_DINH], now=NOW)
    assert problems(refused) == {("targets", "recipient_without_targets")}  # nothing to lock down in Hà Nội
    with acting_as(HCM), pytest.raises(d.DirectiveRefused) as refused:
        d.issue("lockdown", ["001", "760"], TEXT, TOMORROW, targets=["760"], owner="everyone", now=NOW)
    assert problems(refused) == {
        ("recipients", "recipient_outside"),  # Ba Đình lies in Hà Nội
        ("targets", "target_level"),  # a lockdown takes wards
        ("owner", "owner_invalid"),
    }
    level_in_force = store.rows("directives/levels_in_force", codes=["79"])[0][1]
    with acting_as(NATIONAL_USER), pytest.raises(d.DirectiveRefused) as refused:
        d.issue("lower_level", ["79"], TEXT, TOMORROW, targets=["79"], level=level_in_force, now=NOW)
    assert problems(refused) == {("level", "level_not_lower")}
    assert refused.value.problems[0].values == {"name": "Hồ Chí Minh", "current": level_in_force}
    with acting_as(NATIONAL_USER), pytest.raises(d.DirectiveRefused) as refused:
        d.issue("raise_level", ["79"], TEXT, TOMORROW, targets=["79"], level=level_in_force, now=NOW)
    assert problems(refused) == {("level", "level_not_higher")}
    with acting_as(NATIONAL_USER), pytest.raises(d.DirectiveRefused) as refused:
        d.issue("tracing_team", ["01"], TEXT, TOMORROW, now=NOW)
    assert problems(refused) == {("cluster", "cluster_missing")}
    with acting_as(NATIONAL_USER), pytest.raises(d.DirectiveRefused) as refused:
        d.issue("lockdown", [], TEXT, None, now=NOW)
    assert problems(refused) == {
        ("deadline", "deadline_missing"),
        ("recipients", "recipients_missing"),
        ("targets", "targets_missing"),
    }
    assert d.directives(NATIONAL) == [] and audit_entries(store) == []


def test_an_owner_named_by_user_name_is_a_user_of_the_recipient(store) -> None:
    client = runtime.redis_client()
    for name, role_name, scope in (("q1-truong", "district", "district:760"), ("hn-pho", "province", "province:01")):
        if users.get(client, name) is None:
            users.add(client, name, role_name, scope, "mat-khau-rat-dai-123")
    with acting_as(HCM), pytest.raises(d.DirectiveRefused) as refused:
        d.issue("mass_testing", ["760"], TEXT, TOMORROW, targets=["760"], owner="user:hn-pho", now=NOW)
    assert problems(refused) == {("owner", "owner_elsewhere")}
    with acting_as(HCM), pytest.raises(d.DirectiveRefused) as refused:
        d.issue("mass_testing", ["760"], TEXT, TOMORROW, targets=["760"], owner="user:nobody", now=NOW)
    assert problems(refused) == {("owner", "owner_unknown")}
    with acting_as(HCM):
        (directive_id,) = d.issue(
            "mass_testing", ["760"], TEXT, TOMORROW, targets=["760"], owner="user:q1-truong", now=NOW
        )
    assert d.directive(QUAN_1.viewer, directive_id)["owner"] == "user:q1-truong"


def test_who_may_issue_from_the_roles_and_to_whom_from_the_chain(store) -> None:
    for principal in (QUAN_1, TRACER, PRESS):
        with acting_as(principal), pytest.raises(AccessDenied):
            d.issue("mass_testing", ["26734"], TEXT, TOMORROW, targets=["26734"], now=NOW)
    with acting_as(HCM):
        ids = d.issue("lockdown", ["760"], TEXT, TOMORROW, targets=[TAN_DINH, BEN_NGHE], level=None, now=NOW)
    row = d.directive(QUAN_1.viewer, ids[0])
    assert (row["issuer_level"], row["issuer_area"], row["recipient_level"], row["owner"]) == (
        "province",
        "79",
        "district",
        "role:district",
    )
    assert sorted(t["code"] for t in row["targets"]) == sorted([TAN_DINH, BEN_NGHE])
    assert d.directive(BA_DINH.viewer, ids[0]) is None and d.directive(HANOI.viewer, ids[0]) is None
    with acting_as(HCM), pytest.raises(d.DirectiveRefused) as refused:
        d.issue("mass_testing", ["79"], TEXT, TOMORROW, targets=["79"], now=NOW)
    assert problems(refused) == {("recipients", "recipient_level")}  # a province directs its districts and wards


def test_the_recipient_acknowledges_reports_and_closes_and_the_history_keeps_every_step(store) -> None:
    (directive_id,) = issue_to_hcm()
    with acting_as(HANOI), pytest.raises(d.DirectiveRefused) as refused:
        d.act(directive_id, "acknowledge", now=NOW)
    assert problems(refused) == {("directive", "directive_unknown")}  # another province's: not even there
    with acting_as(NATIONAL_USER), pytest.raises(AccessDenied):
        d.act(directive_id, "acknowledge", now=NOW)
    with acting_as(HCM), pytest.raises(d.DirectiveRefused) as refused:
        d.act(directive_id, "progress", progress=30, now=NOW)
    assert problems(refused) == {("status", "cannot_progress")}
    with acting_as(HCM):
        assert d.act(directive_id, "acknowledge", note="Đã nhận", now=NOW)["status"] == "acknowledged"
        with pytest.raises(d.DirectiveRefused) as refused:
            d.act(directive_id, "progress", progress=140, note="y" * 1001, now=NOW)
        assert problems(refused) == {("progress", "progress_range"), ("note", "note_long")}
        row = d.act(directive_id, "progress", progress=40, note="Đã lấy 40.000 mẫu", now=NOW)
        assert (row["status"], row["progress"]) == ("in_progress", 40)
        with pytest.raises(AccessDenied):
            d.act(directive_id, "cancel", now=NOW)  # the issuer's alone
        row = d.act(directive_id, "close", note="Hoàn thành", now=NOW)
        assert (row["status"], row["progress"]) == ("done", 100)
        with pytest.raises(d.DirectiveRefused) as refused:
            d.act(directive_id, "close", now=NOW)
        assert problems(refused) == {("status", "cannot_close")}
    with acting_as(NATIONAL_USER), pytest.raises(d.DirectiveRefused) as refused:
        d.act(directive_id, "cancel", now=NOW)
    assert problems(refused) == {("status", "cannot_cancel")}
    steps = [
        (h["action"], h["username"], h["role"], h["jurisdiction"], h["status"], h["progress"], h["note"])
        for h in d.history(NATIONAL, directive_id)
    ]
    assert steps == [
        ("issue", "bcdqg", "national", "national", "issued", 0, None),
        ("acknowledge", "bcd-hcm", "province", "province:79", "acknowledged", 0, "Đã nhận"),
        ("progress", "bcd-hcm", "province", "province:79", "in_progress", 40, "Đã lấy 40.000 mẫu"),
        ("close", "bcd-hcm", "province", "province:79", "done", 100, "Hoàn thành"),
    ]
    seqs = [h["seq"] for h in d.history(NATIONAL, directive_id)]
    assert seqs == sorted(seqs) and d.last_seq() == seqs[-1]


def test_the_issuer_cancels_and_a_district_answers_for_its_wards(store) -> None:
    (directive_id,) = issue_to_hcm()
    with acting_as(NATIONAL_USER):
        assert d.act(directive_id, "cancel", note="Đã có chỉ đạo khác", now=NOW)["status"] == "cancelled"
    with acting_as(HCM):
        (ward_directive,) = d.issue("publish_points", [TAN_DINH], TEXT, TOMORROW, now=NOW)
    with acting_as(HCM), pytest.raises(AccessDenied):
        d.act(ward_directive, "acknowledge", now=NOW)  # the province issued it: its district answers
    with acting_as(QUAN_1):
        assert d.act(ward_directive, "acknowledge", now=NOW)["status"] == "acknowledged"


def test_overdue_is_an_active_directive_past_its_deadline(store) -> None:
    (late,) = issue_to_hcm(deadline=NOW + dt.timedelta(hours=2))
    (closed,) = issue_to_hcm(deadline=NOW + dt.timedelta(hours=2))
    with acting_as(HCM):
        d.act(closed, "acknowledge", now=NOW)
        d.act(closed, "close", now=NOW)
    later = NOW + dt.timedelta(days=3)
    rows = {r["directive_id"]: r for r in d.directives(HCM.viewer)}
    assert d.overdue_seconds(rows[late], later) == pytest.approx((3 * 24 - 2) * 3600)
    assert d.overdue_seconds(rows[late], NOW) == 0 and d.overdue_seconds(rows[closed], later) == 0
    summary = d.wall_summary(HCM.viewer, later)
    assert (summary["active"], summary["overdue"], [r["directive_id"] for r in summary["newest"]]) == (1, 1, [late])
    assert d.wall_summary(HANOI.viewer, later)["active"] == 0


def test_every_action_is_audited_with_who_and_what(store) -> None:
    (directive_id,) = issue_to_hcm()
    with acting_as(HCM):
        d.act(directive_id, "acknowledge", now=NOW)
        d.act(directive_id, "progress", progress=50, now=NOW)
        d.act(directive_id, "close", now=NOW)
    (other,) = issue_to_hcm()
    with acting_as(NATIONAL_USER):
        d.act(other, "cancel", now=NOW)
    entries = [(e["action"], e["target"], e["username"], e["role"]) for e in audit_entries(store)]
    assert entries == [
        ("directive_issue", str(directive_id), "bcdqg", "national"),
        ("directive_ack", str(directive_id), "bcd-hcm", "province"),
        ("directive_progress", str(directive_id), "bcd-hcm", "province"),
        ("directive_close", str(directive_id), "bcd-hcm", "province"),
        ("directive_issue", str(other), "bcdqg", "national"),
        ("directive_cancel", str(other), "bcdqg", "national"),
    ]
    issued = json.loads(audit_entries(store)[0]["detail"])
    assert (issued["kind"], issued["recipient"], issued["targets"]) == ("mass_testing", "79", ["79"])
    assert json.loads(audit_entries(store)[2]["detail"])["progress"] == 50


def test_an_action_the_audit_log_cannot_hold_is_refused_and_not_stored(store, monkeypatch) -> None:
    (directive_id,) = issue_to_hcm()
    # A real client to a port nobody listens on: the audit stream cannot be written.
    monkeypatch.setattr(runtime, "_redis", redis.Redis(port=1, socket_connect_timeout=0.2))
    with acting_as(HCM), pytest.raises(AuditUnavailable):
        d.act(directive_id, "acknowledge", now=NOW)
    with acting_as(NATIONAL_USER), pytest.raises(AuditUnavailable):
        d.issue("mass_testing", ["01"], TEXT, TOMORROW, targets=["01"], now=NOW)
    assert d.directive(HCM.viewer, directive_id)["status"] == "issued"
    assert [h["action"] for h in d.history(NATIONAL, directive_id)] == ["issue"]
    assert [r["directive_id"] for r in d.directives(NATIONAL)] == [directive_id]


def test_wards_drawn_on_the_map_are_those_whose_point_falls_inside(store) -> None:
    ward = store.rows("directives/areas_by_code", codes=[TAN_DINH])[0]
    lat, lon = ward[6], ward[7]
    square = {
        "type": "Feature",
        "geometry": {
            "type": "Polygon",
            "coordinates": [
                [
                    [lon - 0.001, lat - 0.001],
                    [lon + 0.001, lat - 0.001],
                    [lon + 0.001, lat + 0.001],
                    [lon - 0.001, lat + 0.001],
                    [lon - 0.001, lat - 0.001],
                ]
            ],
        },
        "properties": {},
    }
    circle = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": {"radius": 50}}
    assert d.wards_in_shape(HCM.viewer, [square]) == [TAN_DINH]
    assert d.wards_in_shape(HCM.viewer, [circle]) == [TAN_DINH]
    assert d.wards_in_shape(HANOI.viewer, [square, circle]) == []  # outside the jurisdiction
    assert d.wards_in_shape(HCM.viewer, [{"geometry": {"type": "Polygon", "coordinates": "x"}}]) == []


def test_active_measures_show_locked_down_wards_and_set_levels(store) -> None:
    with acting_as(HCM):
        d.issue("lockdown", ["760"], TEXT, TOMORROW, targets=[TAN_DINH], now=NOW)
    issue_to_hcm(kind="raise_level", level=4, targets=["79"])
    layer = d.active_measures(HCM.viewer)
    kinds = {f["properties"]["code"]: (f["properties"]["kind"], f["geometry"]["type"]) for f in layer["features"]}
    assert kinds[TAN_DINH] == ("lockdown", "Point")
    assert kinds["79"][0] == "raise_level" and kinds["79"][1] in ("Polygon", "MultiPolygon")
    assert d.active_measures(HANOI.viewer)["features"] == []


def test_each_action_is_announced_to_the_directive_feed(store) -> None:
    feed = events.directive_feed()
    assert feed is not None
    start = d.last_seq()
    assert feed.wait_newer(None, 10) == start
    (directive_id,) = issue_to_hcm()
    assert feed.wait_newer(start, 10) == d.last_seq() == start + 1
    with acting_as(HCM):
        d.act(directive_id, "acknowledge", now=NOW)
    assert feed.wait_newer(start + 1, 10) == start + 2
    seen = [(a["action"], a["directive_id"]) for a in d.actions_since(HCM.viewer, start)]
    assert seen == [("issue", directive_id), ("acknowledge", directive_id)]
    assert d.actions_since(HANOI.viewer, start) == []
