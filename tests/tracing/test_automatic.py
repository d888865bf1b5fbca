"""Automatic tracing inside a load: stored traces, lists, points, F1 exposures and quarantine, clusters, speed."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from data import pipeline
from data.derive import tracing as automatic
from data.derive.tracing import SERVICE, TracingService, trace_new_cases
from data.loader import load_dataset
from data.store import Store, transaction
from data.viewer import NATIONAL
from rules.tracing import cluster_rule
from tests import seed


def trace_loaded(store: Store) -> dict:
    """What the loader does once wired: trace the last load's cases inside a transaction on the writer."""

    def run(con):
        load_id = con.execute("SELECT max(load_id) FROM loads").fetchall()[0][0]
        with transaction(con):
            return SERVICE.trace_load(con, load_id)

    return store.writer.run(run)


def rows(store: Store, query: str) -> list[tuple]:
    return store.cursor().execute(query).fetchall()


@pytest.fixture
def traced(store: Store) -> Store:
    trace_loaded(store)
    return store


def test_every_case_of_the_load_is_traced_with_its_lists(traced: Store) -> None:
    assert rows(traced, "SELECT case_id, f1_count, rule_version FROM traces ORDER BY case_id") == [
        (1, 4, "3638/QD-BYT 2021-07-30"),
        (11, 1, "3638/QD-BYT 2021-07-30"),
        (12, 1, "3638/QD-BYT 2021-07-30"),
    ]
    f1 = rows(
        traced,
        "SELECT person_id, via, venue_id, ward_code FROM trace_contacts WHERE case_id = 1 AND degree = 1 ORDER BY 1",
    )
    assert f1 == [
        (2, "household", None, seed.TAN_DINH),
        (3, "household", None, seed.TAN_DINH),
        (4, "proximity", None, seed.TAN_DINH),
        (7, "venue", 2, seed.BEN_NGHE),
    ]
    assert rows(traced, "SELECT venue_id, people_exposed FROM trace_points WHERE case_id = 1 ORDER BY first_ts") == [
        (1, 1),
        (2, 1),
    ]
    (late,) = rows(traced, "SELECT count(*) FROM traces WHERE ready_ts < stored_ts")[0]
    assert late == 0


def test_result_to_list_runs_from_the_batch_received_to_its_commit(store: Store) -> None:
    """The lists are visible only once the load commits: the figure tracers read starts when the batch was handed
    to the write path and ends when its commit returned, after the tracing stage and every stage after it."""
    order = rows(
        store,
        "SELECT count(*), count(*) FILTER (WHERE l.started_at <= t.stored_ts AND t.stored_ts <= t.ready_ts "
        "AND t.ready_ts <= l.finished_at AND l.finished_at <= l.committed_at) "
        "FROM traces t JOIN loads l USING (load_id)",
    )
    assert order == [(3, 3)]
    (load_ms,) = rows(store, "SELECT date_diff('millisecond', started_at, committed_at) FROM loads WHERE load_id = 1")[
        0
    ]
    for case_id in (1, 11, 12):
        (case,) = store.query("tracing/case_trace", case_id=case_id, personal=True, **NATIONAL.params).to_pylist()
        assert case["visible_s"] == load_ms / 1000
    recent = store.query("tracing/recent_traces", limit=10, personal=True, **NATIONAL.params).to_pylist()
    assert [r["visible_s"] for r in recent] == [load_ms / 1000] * 3
    (summary,) = store.query(
        "tracing/tracing_summary", day=seed.at(24, 0).date(), area_code=None, **NATIONAL.params
    ).to_pylist()
    assert summary["visible_median_s"] == summary["visible_p95_s"] == load_ms / 1000


def test_f1_are_exposed_and_quarantined_for_14_days_from_the_confirmation(traced: Store) -> None:
    assert rows(traced, "SELECT person_id FROM exposures WHERE case_id = 1 ORDER BY 1") == [(2,), (3,), (4,), (7,)]
    found = rows(
        traced,
        "SELECT q.person_id, q.start_ts = c.confirmed_ts, date_diff('day', q.start_ts, q.end_ts) "
        "FROM quarantine q JOIN exposures e USING (person_id) JOIN cases c ON c.person_id = e.case_id "
        "WHERE e.case_id = 1 ORDER BY 1",
    )
    assert found == [(2, True, 14), (3, True, 14), (4, True, 14), (7, True, 14)]


def test_tracing_again_changes_nothing(traced: Store) -> None:
    before = rows(traced, "SELECT (SELECT count(*) FROM trace_contacts), (SELECT count(*) FROM quarantine)")
    assert trace_loaded(traced)["cases"] == 0
    assert rows(traced, "SELECT (SELECT count(*) FROM trace_contacts), (SELECT count(*) FROM quarantine)") == before


def test_a_household_member_joins_the_cluster_of_its_case(traced: Store, tmp_path: Path) -> None:
    # Đỗ Thị Ngọc (12) lives with Bùi Văn Mạnh (11): his household is the focus; Nguyễn Văn An (1) is alone.
    assert rows(traced, "SELECT cluster_id, case_id, source_id, via FROM cluster_cases ORDER BY 2") == [
        (1, 1, None, None),
        (11, 11, None, None),
        (11, 12, 11, "household"),
    ]
    assert rows(traced, "SELECT cluster_id, size, province_codes, focus_kind FROM clusters ORDER BY 1") == [
        (1, 1, ["79"], "household"),
        (11, 2, ["24"], "household"),
    ]
    # A later load: Trần Thị Bình (2), of case 1's household, tests positive: she joins case 1's cluster, whose id stays.
    _later_load(traced, tmp_path / "later", [(3101, 2, seed.at(25, 8), seed.at(25, 20), "pcr", "positive")])
    assert rows(traced, "SELECT cluster_id, case_id, source_id, via FROM cluster_cases WHERE case_id IN (1, 2)") == [
        (1, 1, None, None),
        (1, 2, 1, "household"),
    ]
    assert rows(traced, "SELECT cluster_id, size, new_7d, focus_kind FROM clusters ORDER BY 1") == [
        (1, 2, 2, "household"),
        (11, 2, 2, "household"),
    ]
    assert SERVICE.index is not None and SERVICE.index.last_load == 2


def test_a_close_contact_and_then_its_household_join_the_cluster(traced: Store, tmp_path: Path) -> None:
    # Lê Thị Dung (4) met case 1 by Bluetooth on 20 July; then Phạm Văn Em (5), of her household, falls ill.
    _later_load(traced, tmp_path / "dung", [(3101, 4, seed.at(24, 9), seed.at(24, 20), "pcr", "positive")])
    _later_load(traced, tmp_path / "em", [(3102, 5, seed.at(27, 9), seed.at(27, 20), "pcr", "positive")])
    assert rows(traced, "SELECT cluster_id, case_id, source_id, via FROM cluster_cases WHERE cluster_id = 1") == [
        (1, 1, None, None),
        (1, 4, 1, "proximity"),
        (1, 5, 4, "household"),
    ]


def test_a_case_infected_at_a_venue_opens_a_focus_there_shared_by_that_source(traced: Store, tmp_path: Path) -> None:
    # Huỳnh Thị Hoa (7) overlapped case 1 at the café (venue 2) on 21 July; so did Vũ Văn Khánh (8), of Hà Nội, who
    # scanned in at 9:30: case 1's focus is his household, so the café becomes a focus of its own, holding both.
    checkin = (1101, 8, 2, seed.at(21, 9, 30), "person_scan", "in")
    _later_load(
        traced,
        tmp_path / "cafe",
        [
            (3101, 7, seed.at(25, 8), seed.at(25, 20), "pcr", "positive"),
            (3102, 8, seed.at(26, 8), seed.at(26, 20), "pcr", "positive"),
        ],
        [checkin],
    )
    assert rows(
        traced, "SELECT cluster_id, case_id, source_id, via, venue_id FROM cluster_cases WHERE case_id IN (1, 7, 8)"
    ) == [
        (1, 1, None, None, None),
        (7, 7, 1, "venue", 2),
        (7, 8, 1, "venue", 2),
    ]
    assert rows(
        traced, "SELECT size, province_codes, focus_kind, focus_venue_id FROM clusters WHERE cluster_id = 7"
    ) == [(2, ["01", "79"], "venue", 2)]


def test_incremental_clusters_are_those_a_rebuild_gives(traced: Store, tmp_path: Path) -> None:
    # Case 1's household, the café and a close contact arrive over three loads, the café's first case (7) last.
    _later_load(traced, tmp_path / "a", [(3101, 2, seed.at(25, 8), seed.at(25, 20), "pcr", "positive")])
    checkin = (1101, 8, 2, seed.at(21, 9, 30), "person_scan", "in")
    _later_load(traced, tmp_path / "b", [(3102, 8, seed.at(26, 8), seed.at(26, 20), "pcr", "positive")], [checkin])
    _later_load(traced, tmp_path / "c", [(3103, 7, seed.at(25, 8), seed.at(25, 20), "pcr", "positive")])
    query = "SELECT cluster_id, case_id, source_id, via, venue_id FROM cluster_cases ORDER BY case_id"
    stored = rows(traced, query)
    assert (7, 7, 1, "venue", 2) in stored and (7, 8, 1, "venue", 2) in stored  # 7's window opened first

    def rebuild(con):
        with transaction(con):
            return automatic.rebuild_clusters(con, 4)

    traced.writer.run(rebuild)
    assert rows(traced, query) == stored


def _later_load(store: Store, folder: Path, tests: list[tuple], checkins: list[tuple] = ()) -> None:
    folder.mkdir()
    pq.write_table(seed.table("tests", tests), folder / "tests.parquet")
    if checkins:
        pq.write_table(seed.table("checkins", list(checkins)), folder / "checkins.parquet")
    load_dataset(store, folder)
    trace_loaded(store)


def cluster_of(store: Store, case_id: int) -> int:
    return rows(store, f"SELECT cluster_id FROM cluster_cases WHERE case_id = {case_id}")[0][0]


def test_an_f1_confirmed_long_after_the_exposure_starts_its_own_cluster(traced: Store, tmp_path: Path) -> None:
    # Huỳnh Thị Hoa was F1 of case 1 at the café on 21 July; she tests positive on 25 August, past 14 days.
    _later_load(
        traced, tmp_path / "august", [(3101, 7, seed.at(25, 8, month=8), seed.at(25, 20, month=8), "pcr", "positive")]
    )
    assert rows(traced, "SELECT count(*) FROM trace_contacts WHERE case_id = 1 AND person_id = 7")[0][0] == 1
    assert rows(traced, "SELECT cluster_id, source_id FROM cluster_cases WHERE case_id = 7") == [(7, None)]


def test_a_visit_after_the_case_left_is_no_source(traced: Store, tmp_path: Path) -> None:
    # Hoàng Đức Giang came to the café at 11:30 on 21 July, 90 minutes after case 1 left: no F1, so no source.
    checkin = (1101, 6, 2, seed.at(21, 11, 30), "person_scan", "in")
    _later_load(traced, tmp_path / "near", [(3101, 6, seed.at(22, 8), seed.at(22, 20), "pcr", "positive")], [checkin])
    assert rows(traced, "SELECT count(*) FROM trace_contacts WHERE case_id = 1 AND person_id = 6")[0][0] == 0
    assert cluster_of(traced, 6) == 6


def test_a_retrace_that_removes_the_only_link_splits_the_cluster(traced: Store, tmp_path: Path) -> None:
    # Trần Thị Bình (household of case 1) is confirmed on 25 July: one cluster.
    _later_load(traced, tmp_path / "binh", [(3101, 2, seed.at(25, 8), seed.at(25, 20), "pcr", "positive")])
    assert cluster_of(traced, 2) == 1
    # An earlier positive PCR of case 1 arrives: confirmed on 2 July, so she was confirmed more than 14 days after
    # the exposure (the start of his window): not infected by him.
    _later_load(traced, tmp_path / "earlier", [(3102, 1, seed.at(2, 9), seed.at(2, 21), "pcr", "positive")])
    assert cluster_of(traced, 1) == 1 and cluster_of(traced, 2) == 2
    assert rows(traced, "SELECT cluster_id, size FROM clusters WHERE cluster_id IN (1, 2) ORDER BY 1") == [
        (1, 1),
        (2, 1),
    ]


def test_an_index_holding_a_rolled_back_load_is_rebuilt(store: Store) -> None:
    service = TracingService()
    first = store.writer.run(service.index_for)
    first.last_load = 99  # as if load 99 was traced, then rolled back: it never finished
    again = store.writer.run(service.index_for)
    assert again is not first and again.last_load == 1


def test_trace_new_cases_refreshes_the_process_index_when_given_none(store: Store) -> None:
    def run(con):
        with transaction(con):
            return trace_new_cases(con, 1)

    store.writer.run(run)
    assert rows(store, "SELECT count(*) FROM traces")[0][0] == 3


def test_a_log_uploaded_after_the_result_retraces_the_case_once(traced: Store, tmp_path: Path) -> None:
    # Nguyễn Văn An's phone uploads, in a later load, an encounter with Vũ Văn Khánh inside his window.
    folder = tmp_path / "upload"
    folder.mkdir()
    pq.write_table(seed.table("contacts", [(2301, 1, 8, seed.at(22, 18), 600, 1.2)]), folder / "contacts.parquet")
    load_dataset(traced, folder)
    trace_loaded(traced)  # what the loader does once wired (then this finds nothing left to do)
    assert rows(traced, "SELECT case_id, f1_count, load_id FROM traces ORDER BY case_id") == [
        (1, 5, 2),
        (11, 1, 1),
        (12, 1, 1),
    ]
    assert rows(traced, "SELECT person_id, via FROM trace_contacts WHERE case_id = 1 AND person_id = 8") == [
        (8, "proximity")
    ]
    quarantined = rows(traced, "SELECT person_id, count(*) FROM quarantine GROUP BY 1 ORDER BY 1")
    assert quarantined == [(2, 1), (3, 1), (4, 1), (7, 1), (8, 1), (11, 1), (12, 1)]
    assert rows(traced, "SELECT count(*) FROM exposures WHERE case_id = 1")[0][0] == 5
    # A load that touches nobody's window retraces nothing.
    later = tmp_path / "quiet"
    later.mkdir()
    pq.write_table(seed.table("contacts", [(2302, 9, 10, seed.at(28, 9), 60, 1.0)]), later / "contacts.parquet")
    load_dataset(traced, later)
    trace_loaded(traced)
    assert rows(traced, "SELECT case_id, load_id FROM traces ORDER BY case_id") == [(1, 2), (11, 1), (12, 1)]


def test_an_f1s_log_uploaded_later_retraces_the_case_for_its_f2(traced: Store, tmp_path: Path) -> None:
    # Lê Thị Dung (F1 of case 1 since 20 July, 08:05) uploads an encounter with Đặng Thị Lan on 23 July, 10:00,
    # before case 1's confirmation (23 July, 21:00): Lan becomes an F2 through her.
    assert rows(traced, "SELECT person_id FROM trace_contacts WHERE case_id = 1 AND degree = 2") == [(5,)]
    folder = tmp_path / "f1-upload"
    folder.mkdir()
    pq.write_table(seed.table("contacts", [(2401, 4, 9, seed.at(23, 10), 300, 1.0)]), folder / "contacts.parquet")
    load_dataset(traced, folder)
    f2 = rows(traced, "SELECT person_id, via, through FROM trace_contacts WHERE case_id = 1 AND degree = 2 ORDER BY 1")
    assert f2 == [(5, "household", 4), (9, "proximity", 4)]
    assert rows(traced, "SELECT load_id FROM traces WHERE case_id = 1") == [(2,)]
    # After the case's confirmation the F1 is quarantined: a later encounter changes nothing.
    later = tmp_path / "after"
    later.mkdir()
    pq.write_table(seed.table("contacts", [(2402, 4, 10, seed.at(24, 10), 300, 1.0)]), later / "contacts.parquet")
    load_dataset(traced, later)
    assert rows(traced, "SELECT load_id FROM traces WHERE case_id = 1") == [(2,)]


def test_the_server_start_warms_the_index_and_catches_up_on_untraced_cases(store: Store) -> None:
    def untrace(con):
        with transaction(con):
            for table in ("traces", "trace_contacts", "trace_points", "clusters", "cluster_cases"):
                con.execute(f"DELETE FROM {table}")

    store.writer.run(untrace)  # as if loaded before tracing existed (or by a loader that does not trace)
    automatic.SERVICE.forget()
    versions: list[int] = []
    store.writer.on_commit(versions.append)
    before = store.data_version()
    pipeline.start_tracing(store).join(timeout=60)
    assert automatic.SERVICE.index is not None and automatic.SERVICE.index.last_load == 1
    assert rows(store, "SELECT count(*) FROM traces")[0][0] == 3
    # No batch brought these results in now: no result-to-list figure for them (not the old load's).
    recent = store.query("tracing/recent_traces", limit=10, personal=True, **NATIONAL.params).to_pylist()
    assert [r["visible_s"] for r in recent] == [None] * 3
    assert versions == [before + 1] and store.data_version() == before + 1
    pipeline.start_tracing(store).join(timeout=60)  # nothing left to trace: no new version
    assert versions == [before + 1]


def test_the_server_start_reclusters_when_the_cluster_rule_changed(traced: Store) -> None:
    before = rows(traced, "SELECT cluster_id, case_id FROM cluster_cases ORDER BY 2")
    traced.writer.run(lambda con: con.execute("UPDATE meta SET value = 'an older rule' WHERE key = 'cluster_rule'"))
    traced.writer.run(lambda con: con.execute("DELETE FROM cluster_cases WHERE case_id = 12"))  # as if split
    summary = traced.writer.run(TracingService().warm)
    assert summary["clusters_rebuilt"] == 2 and summary["data_version"] is not None
    assert rows(traced, "SELECT cluster_id, case_id FROM cluster_cases ORDER BY 2") == before
    assert rows(traced, "SELECT value FROM meta WHERE key = 'cluster_rule'") == [(cluster_rule().name,)]
    assert "clusters_rebuilt" not in traced.writer.run(TracingService().warm)


def test_a_load_traced_in_chunks_of_one_case_stores_the_same(store: Store, seed_dir: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(automatic, "TRACE_CHUNK", 1)
    monkeypatch.setattr(automatic, "SERVICE", TracingService())
    monkeypatch.setattr(pipeline, "TRACING", automatic.SERVICE)
    chunked = Store(tmp_path / "chunked.duckdb")
    try:
        load_dataset(chunked, seed_dir)
        for query in (
            "SELECT * EXCLUDE (load_id) FROM trace_contacts ORDER BY ALL",
            "SELECT * EXCLUDE (load_id) FROM trace_points ORDER BY ALL",
            "SELECT * EXCLUDE (load_id) FROM exposures ORDER BY ALL",
            "SELECT * EXCLUDE (load_id) FROM quarantine ORDER BY ALL",
            "SELECT case_id, f1_count, f2_count, points_count FROM traces ORDER BY ALL",
        ):
            assert rows(chunked, query) == rows(store, query), query
        assert rows(chunked, "SELECT count(*) FROM traces")[0][0] > 1
    finally:
        chunked.close()
