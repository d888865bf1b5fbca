"""Who sees what (issue 13), in the data layer, as each role: personal columns only for tracers and the national cell,
the press refused every case, person and work list, the person page's card and reason, and its audit entries."""

from __future__ import annotations

import io
import json

import pytest
import redis
from openpyxl import load_workbook

from components.figures import daily_cases_figure
from components.i18n import number
from components.person_view import link_items, reason_text
from components.stat_card import change_text
from components.trace_graph import (
    cluster_rows,
    contact_columns,
    contact_rows,
    contacts_workbook,
    graph_elements,
    points_timeline,
)
from data import audit, levels, maps, overview, runtime, tracing, wall
from data.access import AccessDenied, Principal, acting_as, current_viewer, role
from data.audit import AuditUnavailable
from data.person import person_file
from data.store import Store
from data.viewer import parse_viewer
from tests import seed
from tests.conftest import free_port


def principal(role_name: str, scope: str = "national") -> Principal:
    return Principal(f"{role_name}-{scope}", role(role_name), parse_viewer(scope))


NATIONAL = principal("national")
TRACER_HCMC = principal("tracer", "province:79")
TRACER_HANOI = principal("tracer", "province:01")
PROVINCE_HCMC = principal("province", "province:79")
DISTRICT_Q1 = principal("district", "district:760")
PRESS = principal("press")
ADMIN = principal("admin")


def read_as(who: Principal, read):
    with acting_as(who):
        return read(current_viewer())


def audit_entries(action: str) -> list[dict]:
    entries = runtime.redis_client().xrange(audit.stream_key())
    found = [{k.decode(): v.decode() for k, v in fields.items()} for _id, fields in entries]
    return [e for e in found if e["action"] == action]


@pytest.mark.parametrize("who", [PROVINCE_HCMC, DISTRICT_Q1], ids=["province", "district"])
def test_leaders_read_ids_counts_and_days_never_names_phones_or_times(seeded_runtime: Store, who: Principal) -> None:
    case = read_as(who, lambda v: tracing.case_trace(v, 1))
    assert case["case_id"] == 1 and case["f1_count"] == 4 and case["full_name"] is None
    contacts = read_as(who, lambda v: tracing.case_contacts(v, 1))
    assert {c["person_id"] for c in contacts} == {2, 3, 4, 5, 7}
    assert all(c["full_name"] is None and c["phone"] is None for c in contacts)
    assert {c["exposure_ts"] for c in contacts if c["person_id"] == 7} == {"2021-07-21"}  # the day, not 09:45
    points = read_as(who, lambda v: tracing.case_points(v, 1))
    assert points and all(len(p["first_ts"]) == 10 and len(p["last_ts"]) == 10 for p in points)
    assert all(r["full_name"] is None for r in read_as(who, lambda v: tracing.recent_traces(v)))
    assert all(w["full_name"] is None for w in read_as(who, lambda v: tracing.case_watch(v, 1)))


def test_tracers_and_the_national_cell_read_names_phones_and_times(seeded_runtime: Store) -> None:
    for who in (TRACER_HCMC, NATIONAL):
        assert read_as(who, lambda v: tracing.case_trace(v, 1))["full_name"] == "Nguyễn Văn An"
        contacts = {c["person_id"]: c for c in read_as(who, lambda v: tracing.case_contacts(v, 1))}
        assert contacts[7]["full_name"] == "Huỳnh Thị Hoa" and contacts[7]["phone"] == "0779876543"
        assert contacts[7]["exposure_ts"] == "2021-07-21T09:45"
    # a tracer's scope is its jurisdiction: Hà Nội's tracer opens no HCMC case
    assert read_as(TRACER_HANOI, lambda v: tracing.case_trace(v, 1)) is None


def test_one_roles_cached_answer_never_reaches_another(seeded_runtime: Store) -> None:
    assert runtime.data_cache() is not None  # the Redis cache is on: the second read would hit the first's entry
    national = read_as(NATIONAL, lambda v: tracing.recent_traces(v))
    leader = read_as(PROVINCE_HCMC, lambda v: tracing.recent_traces(v))
    assert {r["full_name"] for r in national} >= {"Nguyễn Văn An"}
    assert {r["full_name"] for r in leader} == {None}
    # the same jurisdiction read by two roles: two cache keys
    tracer, province = TRACER_HCMC.viewer, PROVINCE_HCMC.viewer
    assert tracer.params == province.params and tracer.cache_key != province.cache_key
    assert [r["full_name"] for r in read_as(TRACER_HCMC, lambda v: tracing.recent_traces(v))] == ["Nguyễn Văn An"]


@pytest.mark.parametrize(
    "read",
    [
        lambda v: tracing.case_trace(v, 1),
        lambda v: tracing.case_contacts(v, 1),
        lambda v: tracing.case_points(v, 1),
        lambda v: tracing.case_watch(v, 1),
        lambda v: tracing.received_handovers(v),
        lambda v: tracing.handover_flows(v),
        lambda v: tracing.recent_traces(v),
        lambda v: tracing.cluster_cases(v, 11),
        lambda v: tracing.cluster_links(v, 11),
        lambda v: person_file(v, 7),
    ],
    ids=["trace", "contacts", "points", "watch", "handover", "flows", "recent", "cluster_cases", "links", "person"],
)
def test_the_press_reads_no_case_person_or_work_list(seeded_runtime: Store, read) -> None:
    with pytest.raises(AccessDenied):
        read_as(PRESS, read)


def test_the_person_page_of_a_known_f1_says_why_the_card_is_red(seeded_runtime: Store) -> None:
    # Huỳnh Thị Hoa (7) scanned in at the café at 09:45 on 21/07, 45 minutes after case 1 (Nguyễn Văn An, confirmed
    # 23/07 21:00): F1 by the venue, quarantined 14 days from the confirmation.
    found = read_as(TRACER_HCMC, lambda v: person_file(v, 7))
    person, card = found["person"], found["card"]
    assert person["full_name"] == "Huỳnh Thị Hoa" and person["citizen_id"] == "079199003333"
    assert card["colour"] == "red" and card["reason"] == "quarantine" and card["day"] == "2021-07-24"
    assert card["rule_version"] == "HCMC card 2021-10" and card["quarantine_rule"] == "3638/QD-BYT 2021-07-30"
    assert reason_text(card, "vi") == "Đỏ: F1 của ca 1, tiếp xúc 21/07 tại Quán cà phê Bến Nghé, cách ly đến 06/08"
    assert reason_text(card, "en") == "Red: F1 of case 1, exposed 21/07 at Quán cà phê Bến Nghé, quarantine until 06/08"
    assert [(c["venue_name"], c["ts"]) for c in found["checkins"]] == [("Quán cà phê Bến Nghé", "2021-07-21T09:45")]
    assert [(k["case_id"], k["degree"], k["via"], k["case_inside"]) for k in found["links"]] == [(1, 1, "venue", True)]
    assert found["own_case"] is None and found["f1"] == []


def test_the_person_page_of_cases_and_of_the_vaccinated(seeded_runtime: Store) -> None:
    case = read_as(NATIONAL, lambda v: person_file(v, 1))
    assert case["card"]["reason"] == "f0" and case["own_case"]["case_id"] == 1
    assert {c["person_id"] for c in case["f1"]} == {2, 3, 4, 7}
    assert reason_text(case["card"], "vi") == "Đỏ: ca F0 xác nhận 23/07, cách ly điều trị đến 06/08"
    assert [t["result"] for t in case["tests"]] == ["positive"]
    # Phạm Văn Em (5): one dose of Sinopharm on 10/07, 14 days before: yellow
    dosed = read_as(TRACER_HCMC, lambda v: person_file(v, 5))
    assert (
        dosed["card"]["colour"] == "yellow" and reason_text(dosed["card"], "vi") == "Vàng: tiêm mũi 1 ngày 10/07/2021"
    )
    assert [(d["dose"], d["vaccine"]) for d in dosed["doses"]] == [(1, "Sinopharm")]


@pytest.mark.parametrize(
    "who",
    [PROVINCE_HCMC, DISTRICT_Q1, PRESS, ADMIN, TRACER_HANOI],
    ids=["province", "district", "press", "admin", "other_tracer"],
)
def test_anyone_else_is_refused_the_person_page(seeded_runtime: Store, who: Principal) -> None:
    before = len(audit_entries("view_person"))
    with pytest.raises(AccessDenied):
        read_as(who, lambda v: person_file(v, 7))
    assert len(audit_entries("view_person")) == before  # nothing was shown, nothing to audit


def test_an_unknown_person_is_refused_like_one_outside_the_scope(seeded_runtime: Store) -> None:
    with pytest.raises(AccessDenied):
        read_as(NATIONAL, lambda v: person_file(v, 999_999))


def test_every_view_of_a_person_is_audited_with_who_and_what(seeded_runtime: Store) -> None:
    before = len(audit_entries("view_person"))
    read_as(TRACER_HCMC, lambda v: person_file(v, 7))
    read_as(NATIONAL, lambda v: person_file(v, 7))
    entries = audit_entries("view_person")[before:]
    assert [(e["username"], e["role"], e["target"]) for e in entries] == [
        ("tracer-province:79", "tracer", "7"),
        ("national-national", "national", "7"),
    ]
    assert json.loads(entries[0]["detail"])["card"] == "red"


def test_the_person_page_is_refused_when_the_audit_cannot_be_written(
    seeded_runtime: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a real client of a port nobody listens on: the audit's append fails, so nothing is returned
    monkeypatch.setattr(runtime, "_redis", redis.Redis(port=free_port(), socket_connect_timeout=1))
    with pytest.raises(AuditUnavailable):
        read_as(TRACER_HCMC, lambda v: person_file(v, 7))


def test_the_press_reads_counts_of_one_to_four_as_under_five_and_zero_as_zero(seeded_runtime: Store) -> None:
    def as_press(read):
        return read_as(PRESS, read)

    totals = as_press(lambda v: overview.headline_figures(v))
    assert totals["cases"] == "<5" and totals["people"] == 12  # 3 cases; 12 people is no small count
    ward = as_press(lambda v: overview.headline_figures(v, seed.BEN_NGHE))
    assert ward["cases"] == 0 and ward["people"] == "<5"  # zero stays zero
    week = as_press(lambda v: overview.weekly_summary(v, "2021-07-24"))
    assert (
        week["new_cases_7d"] == "<5"
        and read_as(NATIONAL, lambda v: overview.weekly_summary(v, "2021-07-24"))["new_cases_7d"] == 3
    )
    daily = as_press(lambda v: overview.daily_counts(v)).to_pylist()
    assert {r["new_cases"] for r in daily} <= {0, None} and None in {r["new_cases"] for r in daily}
    assert {r["new_cases"] for r in read_as(NATIONAL, lambda v: overview.daily_counts(v)).to_pylist()} >= {1}
    status = as_press(lambda v: overview.status_today(v, "2021-07-24"))
    assert status["f1_quarantined"] == 6  # 6 in quarantine nationally, 4 of them in HCMC
    assert as_press(lambda v: overview.status_today(v, "2021-07-24", "79"))["f1_quarantined"] == "<5"
    provinces = {
        r["code"]: r
        for r in as_press(lambda v: maps.area_measure(v, "province", None, "new_cases_7d_per_100k", "2021-07-24"))
    }
    assert provinces["79"]["new_cases_7d"] == "<5" and provinces["79"]["value"] is None  # the rate gives the count back
    assert provinces["01"]["new_cases_7d"] == 0 and provinces["01"]["value"] == 0
    cases = {
        r["code"]: r["value"]
        for r in as_press(lambda v: maps.area_measure(v, "province", None, "new_cases_7d", "2021-07-24"))
    }
    assert cases["79"] == "<5" and cases["01"] == 0
    found = as_press(lambda v: tracing.clusters(v))
    assert found and all(c["own_size"] == "<5" and None in c["daily_cases"] for c in found)
    levels_table = as_press(lambda v: levels.child_area_levels(v, None)).to_pylist()
    assert all(
        r["cases_7d"] in (0, None) and (r["cases_7d"] is not None or r["rate_per_100k"] is None) for r in levels_table
    )
    assert as_press(lambda v: wall.newest_cases(v)) == []  # each row is a case
    assert read_as(NATIONAL, lambda v: wall.newest_cases(v))


def test_the_press_sees_under_five_in_figures_tables_and_cards(seeded_runtime: Store) -> None:
    daily = read_as(PRESS, lambda v: overview.daily_counts(v))
    figure = daily_cases_figure(daily, "vi", 1)
    labels = [trace for trace in figure.data if getattr(trace, "mode", None) == "text"]
    assert labels and set(labels[0].text) == {"<5"}
    assert number("<5", "vi") == "<5" and change_text("<5", 3, "vi") == ("", "flat")
    rows = cluster_rows(read_as(PRESS, lambda v: tracing.clusters(v)), "vi")
    assert {r["size"] for r in rows} == {"<5"} and all(r["growth"] for r in rows)


def test_a_leaders_trace_lists_and_timeline_show_ids_and_days(seeded_runtime: Store) -> None:
    case = read_as(PROVINCE_HCMC, lambda v: tracing.case_trace(v, 1))
    contacts = read_as(PROVINCE_HCMC, lambda v: tracing.case_contacts(v, 1))
    f1 = [c for c in contacts if c["degree"] == 1]
    fields = [c["field"] for c in contact_columns("vi", with_through=False, personal=False)]
    assert "name" not in fields and "phone" not in fields and "person_id" in fields
    rows = {r["person_id"]: r for r in contact_rows(f1, "vi")}
    assert rows[7]["name"] == "" and rows[7]["time"] == "21/07/2021" and rows[7]["place"] == "Quán cà phê Bến Nghé"
    points = read_as(PROVINCE_HCMC, lambda v: tracing.case_points(v, 1))
    bars = points_timeline(points, case, "vi").data[0]
    assert all(width >= 86_400_000 for width in bars.x)  # whole days, not the minutes of a visit
    book = load_workbook(io.BytesIO(contacts_workbook(case, f1, [], "vi", personal=False)))
    assert "Họ tên" not in [cell.value for cell in book.active[2]]
    assert "Nguyễn Văn An" not in str([e["data"].get("label") for e in graph_elements(case, f1, "vi")])


def test_an_f2_links_to_the_case_and_to_the_f1_it_came_through(seeded_runtime: Store) -> None:
    found = read_as(TRACER_HCMC, lambda v: person_file(v, 5))  # Phạm Văn Em: F2 of case 1 through Lê Thị Dung (4)
    (items,) = link_items(found["links"], found["own_case"], found["f1"], "vi")
    (sentence,) = [item.children for item in items.children]
    hrefs = [part.href for part in sentence.children if hasattr(part, "href")]
    texts = "".join(part if isinstance(part, str) else part.children for part in sentence.children)
    assert hrefs == ["/trace/1", "/person/4"] and texts.startswith("F2 của ca 1, qua F1 4, tiếp xúc ")
