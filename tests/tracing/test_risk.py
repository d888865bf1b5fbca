"""The risk order of F1 lists (rules/tracing.toml [risk]): the rule on hand-made links, then every list of both
scenario shapes (`test` and `community-test`) as traced, stored, shown and evaluated."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook

import rules.tracing as tracing_rules
import scenario
from components.trace_graph import contact_rows, contacts_workbook
from data import runtime
from data.loader import load_dataset
from data.store import Store
from data.tracing import case_contacts, case_trace, case_watch
from data.tracing_source import TracingSource
from data.viewer import Viewer
from rules.tracing import risk_rule, watch_rule
from rules.venues import VENUE_KINDS
from tracing import build_index
from tracing.evaluate import recall
from tracing.links import HOUSEHOLD, PROXIMITY, VENUE, Links
from tracing.risk import in_risk_order, risk_ranks, stored_risk_ranks
from tracing.tracer import trace_many

KIND = {kind: code for code, kind in enumerate(VENUE_KINDS)}


def _links(*rows: dict) -> tuple[Links, np.ndarray]:
    """Links of one case (group 0) to people 1, 2, …, in the order given, and the venue kinds (venue i has kind
    `rows[i]['kind']`)."""
    n = len(rows)
    links = Links(
        group=np.array([r.get("group", 0) for r in rows], np.int64),
        through=np.zeros(n, np.int32),
        other=np.arange(1, n + 1, dtype=np.int32),
        via=np.array([r["via"] for r in rows], np.int8),
        ts=np.array([r.get("ts", 0) for r in rows], np.int64),
        venue=np.array([i if r["via"] == VENUE else -1 for i, r in enumerate(rows)], np.int32),
        overlap=np.array([r.get("overlap", 0) for r in rows], np.int64),
        duration=np.array([r.get("duration", 0) for r in rows], np.int64),
        distance=np.array([r.get("distance", np.nan) for r in rows], np.float32),
    )
    return links, np.array([KIND[r.get("kind", "other")] for r in rows], np.int8)


def _called(*rows: dict) -> list[int]:
    """The people (1, 2, … as given) in the order they are called."""
    links, kinds = _links(*rows)
    return in_risk_order(links, kinds, risk_rule()).other.tolist()


def test_household_then_encounters_then_places_whatever_their_length() -> None:
    assert _called(
        {"via": VENUE, "kind": "residential", "overlap": 12 * 3600},
        {"via": PROXIMITY, "distance": 1.9, "duration": 60},
        {"via": HOUSEHOLD},
    ) == [3, 2, 1]


def test_encounters_by_minutes_weighted_by_distance_then_closer_then_earlier() -> None:
    assert _called(
        {"via": PROXIMITY, "distance": 1.5, "duration": 20 * 60},  # 2 m band: a quarter of 15 minutes
        {"via": PROXIMITY, "distance": 0.8, "duration": 5 * 60},  # 1 m band: 5 minutes
        {"via": PROXIMITY, "distance": 0.9, "duration": 40 * 60, "ts": 50},  # 15 minutes and more count alike
        {"via": PROXIMITY, "distance": 0.9, "duration": 15 * 60, "ts": 10},
        {"via": PROXIMITY, "distance": 0.4, "duration": 15 * 60, "ts": 90},
    ) == [5, 4, 3, 2, 1]


def test_places_by_kind_and_minutes_together() -> None:
    assert _called(
        {"via": VENUE, "kind": "market", "overlap": 60 * 60},
        {"via": VENUE, "kind": "cafe", "overlap": 40 * 60},
        {"via": VENUE, "kind": "cafe", "overlap": 50 * 60},
        {"via": VENUE, "kind": "checkpoint", "overlap": 5 * 60},
    ) == [3, 2, 1, 4]


def test_ranks_count_from_one_in_each_case() -> None:
    links, kinds = _links(
        {"via": VENUE, "group": 1, "overlap": 60},
        {"via": HOUSEHOLD, "group": 0},
        {"via": HOUSEHOLD, "group": 1},
        {"via": PROXIMITY, "group": 0, "distance": 1.0, "duration": 60},
    )
    ranks = risk_ranks(
        links.group,
        links.via,
        links.distance,
        links.duration,
        links.overlap,
        kinds,
        links.ts,
        links.other,
        risk_rule(),
    )
    assert ranks.tolist() == [2, 1, 1, 2]


def test_a_risk_table_that_does_not_read_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = tracing_rules._FILE.read_text(encoding="utf-8").replace("checkpoint = 0.1\n", "")
    (tmp_path / "tracing.toml").write_text(text.replace("order = [", 'order = ["venue", '), encoding="utf-8")
    monkeypatch.setattr(tracing_rules, "_FILE", tmp_path / "tracing.toml")
    risk_rule.cache_clear()
    try:
        with pytest.raises(ValueError, match=r"\[risk\]: order must name .*; venue_weights must cover"):
            risk_rule()
    finally:
        monkeypatch.undo()
        risk_rule.cache_clear()


@pytest.fixture(scope="module", params=["test", "community-test"])
def shape(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """A store loaded with the preset's scenario, and its tracing index."""
    folder = tmp_path_factory.mktemp(request.param)
    scenario.generate(folder / "dataset", **scenario.preset(request.param))
    store = Store(folder / "store.duckdb")
    load_dataset(store, folder / "dataset")
    source = TracingSource(store.cursor())
    yield store, build_index(source), source
    store.close()


def _key(contact: dict, kind_of: dict[int, str]) -> tuple[int, float]:
    """The rule's (tier, -weighted seconds) of one F1 of a trace's JSON, from the rule's own scalar reading."""
    rule = risk_rule()
    tier = rule.order.index(contact["via"])
    if contact["via"] == "proximity":
        return tier, -rule.proximity_score(contact["distance_m"], contact["duration_s"])
    if contact["via"] == "venue":
        return tier, -rule.venue_score(kind_of[contact["venue_id"]], contact["overlap_s"])
    return tier, 0.0


def test_every_f1_list_is_called_likeliest_first_and_stored_so(shape) -> None:
    store, index, _ = shape
    kind_of = dict(store.cursor().sql("SELECT venue_id, kind FROM venues").fetchall())
    traces = trace_many(index, index.cases.person_id, f2=False, points=False)
    stored: dict[int, list[tuple[int, int]]] = {}
    for case_id, person_id, rank in (
        store.cursor()
        .sql("SELECT case_id, person_id, risk_rank FROM trace_contacts WHERE degree = 1 ORDER BY case_id, risk_rank")
        .fetchall()
    ):
        stored.setdefault(case_id, []).append((person_id, rank))
    long_lists = 0
    for trace in traces:
        keys = [_key(c, kind_of) for c in trace["f1"]]
        assert keys == sorted(keys), trace["case"]
        called = [c["person_id"] for c in trace["f1"]]
        assert stored.get(trace["case"], []) == [(p, i + 1) for i, p in enumerate(called)], trace["case"]
        long_lists += len({k[0] for k in keys}) == 3
    assert long_lists >= 10  # many lists hold all three kinds, so the order between kinds is tested too


def test_ranks_read_back_from_the_store_are_the_fresh_ones(shape) -> None:
    store, _, _ = shape
    stored = (
        store.cursor()
        .sql(
            "SELECT k.case_id, k.person_id, k.via, v.kind AS venue_kind, epoch(k.exposure_ts)::BIGINT AS exposure_s, "
            "k.overlap_s, k.duration_s, k.distance_m, k.risk_rank FROM trace_contacts AS k "
            "LEFT JOIN venues AS v USING (venue_id) WHERE k.degree = 1"
        )
        .to_arrow_table()
    )
    assert stored.num_rows > 100
    assert stored_risk_ranks(stored, risk_rule()).tolist() == stored.column("risk_rank").to_pylist()


def test_the_risk_order_reaches_true_infectees_no_later_than_the_order_by_time(shape) -> None:
    _, index, source = shape
    found = recall(index, source.revealable_infections())
    print("\n".join(found.lines()))
    assert found.revealable >= 50, found.lines()
    assert found.within_first_by_time <= found.within_first <= found.found, found.lines()
    assert found.found_overall >= found.found and found.revealable_overall >= found.revealable, found.lines()


def test_watch_lists_come_before_the_window_name_no_f1_and_quarantine_no_one(shape) -> None:
    store, _, _ = shape
    cur = store.cursor()
    watched = cur.sql(
        "SELECT w.case_id, w.person_id, w.exposure_ts, t.window_start_ts, w.risk_rank FROM trace_watch AS w "
        "JOIN traces AS t USING (case_id) ORDER BY w.case_id, w.risk_rank"
    ).fetchall()
    assert len(watched) >= 20
    days = watch_rule().days_before_window
    for _case, _person, exposure, window_start, _rank in watched:
        assert window_start - dt.timedelta(days=days) <= exposure < window_start
    by_case: dict[int, list[int]] = {}
    for case_id, _person, _exposure, _start, rank in watched:
        by_case.setdefault(case_id, []).append(rank)
    assert all(ranks == list(range(1, len(ranks) + 1)) for ranks in by_case.values())
    f1 = set(cur.sql("SELECT case_id, person_id FROM trace_contacts WHERE degree = 1").fetchall())
    assert not {(case_id, person) for case_id, person, *_ in watched} & f1
    assert all(case_id != person for case_id, person, *_ in watched)
    only_watched = {person for _, person, *_ in watched} - {person for _, person in f1}
    quarantined = {person for (person,) in cur.sql("SELECT DISTINCT person_id FROM quarantine").fetchall()}
    assert only_watched and not only_watched & quarantined


def test_the_trace_page_reads_and_exports_the_lists_in_call_order(shape, monkeypatch: pytest.MonkeyPatch) -> None:
    store, _, _ = shape
    monkeypatch.setattr(runtime, "store", lambda: store)
    case_id = (
        store.cursor().sql("SELECT case_id FROM trace_watch GROUP BY 1 ORDER BY count(*) DESC LIMIT 1").fetchall()[0]
    )
    viewer = Viewer(personal=True)  # a national tracer
    case = case_trace(viewer, case_id[0])
    f1 = [c for c in case_contacts(viewer, case_id[0]) if c["degree"] == 1]
    watch = case_watch(viewer, case_id[0])
    assert [c["risk_rank"] for c in f1] == list(range(1, len(f1) + 1))
    assert [c["risk_rank"] for c in watch] == list(range(1, len(watch) + 1)) and watch
    rows = contact_rows(f1, "vi")
    assert [r["rank"] for r in rows] == [c["risk_rank"] for c in f1]
    assert all(r["details"] for r in rows)  # every place in the list says why: household, metres and minutes, place
    book = load_workbook(io.BytesIO(contacts_workbook(case, f1, [], "vi", None, watch)))
    assert book.sheetnames[:3] == ["Danh sách F1", "Danh sách F2", "Danh sách theo dõi"]
    sheet = book["Danh sách F1"]
    assert [c.value for c in sheet[2]][:2] == ["Thứ tự gọi", "Mã người"]
    assert [row[0].value for row in sheet.iter_rows(min_row=3)] == [c["risk_rank"] for c in f1]
    assert book["Danh sách theo dõi"].max_row == len(watch) + 2
