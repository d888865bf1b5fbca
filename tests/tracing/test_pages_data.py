"""What the tracer pages read (data/tracing.py) and their builders and callbacks, on the traced seed."""

from __future__ import annotations

import io
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook

from components.trace_graph import clusters_workbook
from data import tracing
from data.loader import load_dataset
from data.store import Store
from data.viewer import Viewer
from tests import seed
from tests.tracing.test_automatic import trace_loaded

NATIONAL = Viewer(personal=True)  # the national cell, which reads names
# Tracers of each province: the readers of these pages (names included).
HCMC, HANOI = Viewer("province", ("79",), personal=True), Viewer("province", ("01",), personal=True)


@pytest.fixture
def traced_runtime(seeded_runtime: Store, tmp_path: Path) -> Store:
    """The seed, then a load where Hoàng Đức Giang (HCMC) tests positive after meeting Vũ Văn Khánh (Hà Nội) and
    visiting the café case 1 had left an hour before."""
    trace_loaded(seeded_runtime)
    folder = tmp_path / "later"
    folder.mkdir()
    pq.write_table(
        seed.table("tests", [(3201, 6, seed.at(23, 8), seed.at(23, 18), "pcr", "positive")]),
        folder / "tests.parquet",
    )
    pq.write_table(
        seed.table("contacts", [(2201, 6, 8, seed.at(22, 10), 300, 1.0)]),
        folder / "contacts.parquet",
    )
    # He also scanned in at the café at 11:00 on 21 July, an hour after case 1 left: a shared point.
    pq.write_table(
        seed.table("checkins", [(1201, 6, 2, seed.at(21, 11), "person_scan", "in")]),
        folder / "checkins.parquet",
    )
    load_dataset(seeded_runtime, folder)
    trace_loaded(seeded_runtime)
    return seeded_runtime


def test_a_province_opens_only_the_traces_of_cases_living_there(traced_runtime: Store) -> None:
    assert tracing.case_trace(HCMC, 6)["full_name"] == "Hoàng Đức Giang"
    assert tracing.case_trace(HANOI, 6) is None
    assert tracing.case_contacts(HANOI, 6) == []
    assert tracing.case_points(HANOI, 1) == []


def test_contacts_living_elsewhere_are_handed_over_as_counts(traced_runtime: Store) -> None:
    # Case 6 (HCMC) met Vũ Văn Khánh (8, Hà Nội), whose household (9, 10) are F2: HCMC sees how many went to Hà Nội.
    assert 8 not in {c["person_id"] for c in tracing.case_contacts(HCMC, 6)}
    assert tracing.case_handovers(HCMC, 6) == [
        {"area_code": "01", "area_name": "Thành phố Hà Nội", "province_name": "Thành phố Hà Nội", "f1": 1, "f2": 2}
    ]
    assert 8 in {c["person_id"] for c in tracing.case_contacts(NATIONAL, 6)}
    assert tracing.case_handovers(NATIONAL, 6) == []
    inside = {c["person_id"]: c for c in tracing.case_contacts(HCMC, 1)}
    assert inside[2]["full_name"] == "Trần Thị Bình" and inside[2]["phone"] == "0987654321"
    # Hà Nội receives him in its own list, with only the province of the case, the exposure and its quarantine.
    received = tracing.received_handovers(HANOI)
    assert [(r["person_id"], r["degree"], r["via"], r["through"], r["from_province"]) for r in received] == [
        (8, 1, "proximity", None, "Thành phố Hồ Chí Minh"),
        (9, 2, "household", 8, "Thành phố Hồ Chí Minh"),
        (10, 2, "household", 8, "Thành phố Hồ Chí Minh"),
    ]
    assert received[0]["full_name"] == "Vũ Văn Khánh" and received[0]["exposure_ts"] == "2021-07-22T10:00"
    assert received[0]["quarantine_until"] == "2021-08-06"
    assert "case_id" not in received[0] and 6 not in received[0].values()
    assert tracing.received_handovers(HCMC) == []
    assert [(f["direction"], f["from_name"], f["to_name"], f["f1"]) for f in tracing.handover_flows(HCMC)] == [
        ("sent", "Thành phố Hồ Chí Minh", "Thành phố Hà Nội", 1)
    ]
    assert [(f["direction"], f["f1"], f["f2"]) for f in tracing.handover_flows(HANOI)] == [("received", 1, 2)]


def test_a_district_hands_over_to_the_districts_of_its_own_province(traced_runtime: Store) -> None:
    # Case 1 (Quận 1) named people of Quận 1 only; a viewer of Quận 3 receives nothing, Quận 1 sends nothing within.
    q1 = Viewer("district", ("760",), personal=True)
    assert {c["person_id"] for c in tracing.case_contacts(q1, 1)} == {
        c["person_id"] for c in tracing.case_contacts(HCMC, 1)
    }
    assert [h["area_code"] for h in tracing.case_handovers(q1, 6)] == ["01"]
    assert tracing.received_handovers(Viewer("district", ("770",), personal=True)) == []


def test_f2_through_one_f1(traced_runtime: Store) -> None:
    f2 = tracing.case_contacts(NATIONAL, 1, degree=2, through=4)
    assert [(c["person_id"], c["via"], c["through"]) for c in f2] == [(5, "household", 4)]
    assert tracing.case_contacts(NATIONAL, 1, degree=2, through=2) == []


def test_clusters_touching_the_jurisdiction(traced_runtime: Store) -> None:
    # Case 6 came to the café an hour after case 1 left: no F1, so no source and no cluster of two.
    found = tracing.clusters(NATIONAL)
    assert [(c["cluster_ref"], c["size"], c["own_size"]) for c in found] == [(11, 2, 2)]
    assert (found[0]["focus_kind"], found[0]["focus_name"]) == ("household", None)
    assert found[0]["focus_area"] == "Phường Hoàng Văn Thụ, Thành phố Bắc Giang"
    assert found[0]["days"] == ["2021-07-21", "2021-07-22"] and found[0]["daily_cases"] == [1, 1]
    assert tracing.clusters(HCMC) == []
    assert tracing.cluster_links(NATIONAL, 11) == [
        {"case_a": 11, "case_b": 12, "province_b": None, "via": "household", "venue_id": None}
    ]
    assert [c["case_id"] for c in tracing.cluster_cases(NATIONAL, 11)] == [11, 12]
    assert tracing.cluster_cases(HCMC, 11) == []


def test_a_cluster_across_provinces_is_named_by_its_venue(traced_runtime: Store, tmp_path: Path) -> None:
    # Huỳnh Thị Hoa (7, HCMC) and Vũ Văn Khánh's daughter Đặng Thị Lan (9, Hà Nội) were at the café with case 1.
    folder = tmp_path / "cafe"
    folder.mkdir()
    tests = [(3301, 7, seed.at(25, 8), seed.at(25, 20), "pcr", "positive")]
    tests.append((3302, 9, seed.at(26, 8), seed.at(26, 20), "pcr", "positive"))
    pq.write_table(seed.table("tests", tests), folder / "tests.parquet")
    checkins = [(1301, 9, 2, seed.at(21, 9, 30), "person_scan", "in")]
    pq.write_table(seed.table("checkins", checkins), folder / "checkins.parquet")
    load_dataset(traced_runtime, folder)
    trace_loaded(traced_runtime)
    cafe = next(c for c in tracing.clusters(NATIONAL) if c["cluster_ref"] == 7)
    assert (cafe["size"], cafe["focus_kind"], cafe["focus_name"]) == (2, "venue", "Quán cà phê Bến Nghé")
    assert cafe["focus_area"] == "Phường Bến Nghé, Quận 1"
    # Hà Nội sees its own case and the venue by its province only, as it sees the case living there.
    [seen] = [c for c in tracing.clusters(HANOI) if c["focus_kind"] == "venue"]
    assert (seen["cluster_ref"], seen["own_size"], seen["focus_area"]) == (9, 1, "Thành phố Hồ Chí Minh")
    assert seen["elsewhere"] == [{"province": "Thành phố Hồ Chí Minh", "cases": 1}]
    assert [c["case_id"] for c in tracing.cluster_cases(HANOI, 9)] == [9]
    # The list's workbook names each cluster by its focus, as the table does.
    sheet = load_workbook(io.BytesIO(clusters_workbook(tracing.clusters(HANOI), "vi"))).active
    assert [c.value for c in sheet[1]][:3] == ["Chùm", "Ổ dịch", "Số ca"]
    assert [c.value for c in sheet[2]][:3] == [9, "Quán cà phê Bến Nghé · Thành phố Hồ Chí Minh", 1]


def test_recent_traces_newest_first_inside_the_jurisdiction(traced_runtime: Store) -> None:
    assert [r["case_id"] for r in tracing.recent_traces(NATIONAL)] == [1, 6, 12, 11]
    assert [r["case_id"] for r in tracing.recent_traces(HCMC)] == [1, 6]
    assert tracing.recent_traces(HANOI) == []


def test_tracing_summary_speed_and_f1_per_case(traced_runtime: Store) -> None:
    summary = tracing.tracing_summary(NATIONAL, "2021-07-24")
    assert summary["cases_traced"] == 4
    assert 0 <= summary["visible_median_s"] <= summary["visible_p95_s"] < 60
    assert summary["f1_per_case"] == pytest.approx((4 + 1 + 1 + 1) / 4)
    assert tracing.tracing_summary(HANOI, "2021-07-24")["cases_traced"] == 0
    assert tracing.tracing_summary(NATIONAL, "2021-07-24", "24")["cases_traced"] == 2
    assert tracing.tracing_summary(NATIONAL, "2021-07-24", seed.TAN_DINH)["f1_per_case"] == 4


def test_builders_workbook_sparkline_and_cards(traced_runtime: Store) -> None:
    from components.trace_graph import contacts_workbook, graph_elements, sparkline, tracing_cards

    case = tracing.case_trace(HCMC, 6)
    contacts = tracing.case_contacts(HCMC, 6, degree=1)
    handovers = tracing.case_handovers(HCMC, 6)
    book = load_workbook(io.BytesIO(contacts_workbook(case, contacts, [], "vi", handovers)))
    assert list(book["Danh sách F1"].iter_rows(min_row=3, values_only=True)) == []
    assert list(book["Bàn giao"].iter_rows(min_row=3, values_only=True)) == [("Thành phố Hà Nội", 1, 2)]
    elements = graph_elements(case, contacts, "vi", set(), handovers)
    assert [e["data"]["id"] for e in elements] == ["p6", "a01", "e6-a01"]
    assert elements[1]["data"]["label"] == "Thành phố Hà Nội: 1 F1 · 2 F2"
    assert sparkline(["2021-07-01", "2021-07-03"], [1, 4]) == "▃▁█"
    cards = tracing_cards(tracing.tracing_summary(NATIONAL, "2021-07-24"), "vi")
    assert [c.children.children[0].children for c in cards] == [
        "Từ nhận kết quả đến danh sách xem được (trung vị / P95)",
        "Số F1 tìm được mỗi ca",
    ]
    assert "ghi xong (commit)" in cards[0].label  # what the figure measures, on hover


def test_tracer_reads_never_queue_behind_the_writer(seeded_runtime) -> None:
    """At start the writer builds the tracing index for minutes at the national scale: the overview's and the
    tracer pages' reads go straight to a cursor, whatever job the writer holds."""
    import threading

    from data import tracing
    from data.viewer import NATIONAL

    release = threading.Event()
    seeded_runtime.writer.submit(lambda _con: release.wait(60))  # the writer is busy until released
    answers: list = []
    reader = threading.Thread(
        target=lambda: answers.extend(
            [tracing.tracing_summary(NATIONAL, "2021-07-24"), tracing.recent_traces(NATIONAL)]
        )
    )
    try:
        reader.start()
        reader.join(20)
        assert not reader.is_alive(), "a tracer read waited for the writer"
        assert answers[0]["cases_traced"] == 3 and len(answers[1]) == 3
    finally:
        release.set()
