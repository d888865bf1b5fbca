"""Redraw only what changed: the overview's callbacks, called as plain functions after a batch of check-ins, send
the check-in cards and curve and leave the cases' as they were (their caption alone moves to the new version)."""

from __future__ import annotations

from pathlib import Path

import dash
import pyarrow.parquet as pq
from dash import Patch

from components.redraw import digest, figures_changed, items_changed, only_changed
from data import runtime
from data.access import acting_as, deployment_principal
from data.loader import load_dataset
from data.overview import HEADLINE_METRICS
from data.store import Store
from tests.seed import at, table


def operations(patch: Patch) -> list[dict]:
    return patch.to_plotly_json()["operations"]


def test_unchanged_outputs_are_not_sent_again() -> None:
    sent, digests = only_changed([{"a": 1}, "text"], None)
    assert sent == [{"a": 1}, "text"]
    again, same = only_changed([{"a": 1}, "other"], digests)
    assert again == [dash.no_update, "other"] and same[0] == digests[0] and same[1] == digest("other")
    assert only_changed(["x"], ["forged"] * 3)[0] == ["x"]


def test_a_list_sends_only_its_changed_items_unless_its_length_changed() -> None:
    _, drawn = items_changed(["a", "b", "c"], None)
    assert items_changed(["a", "b", "c"], drawn)[0] is dash.no_update
    patch, _ = items_changed(["a", "B", "c"], drawn)
    assert [op["location"] for op in operations(patch)] == [[1]]
    assert items_changed(["a", "b"], drawn)[0] == ["a", "b"]


def test_a_figure_with_the_same_data_gets_only_its_new_caption() -> None:
    def figure(y: list[int], version: int) -> dict:
        return {"data": [{"y": y}], "layout": {"annotations": [{"text": f"source, version {version}"}]}}

    _, drawn = figures_changed([figure([1], 1), figure([2], 1)], "source, version 1", None)
    sent, _ = figures_changed([figure([1], 2), figure([3], 2)], "source, version 2", drawn)
    assert isinstance(sent[0], Patch)
    assert operations(sent[0])[0]["location"] == ["layout", "annotations", 0, "text"]
    assert operations(sent[0])[0]["params"]["value"] == "source, version 2"
    assert sent[1] == figure([3], 2)


def test_the_overview_redraws_the_check_ins_not_the_cases_after_a_batch_of_check_ins(
    seeded_runtime: Store, tmp_path: Path
) -> None:
    import app
    from pages import overview

    selection = {"area_code": None, "start": None, "end": None}
    with app.server.test_request_context("/"), acting_as(deployment_principal()):
        page = overview.layout()
    headline_drawn = _store(page, overview.HEADLINE_DRAWN)
    curves_drawn = _store(page, overview.CURVES_DRAWN)

    pq.write_table(table("checkins", [(1101, 9, 4, at(24, 9, 0), "person_scan", "in")]), tmp_path / "checkins.parquet")
    load_dataset(seeded_runtime, tmp_path)
    version = runtime.data_version()
    with app.server.test_request_context("/"), acting_as(deployment_principal()):
        weekly, status, totals, period, parts = overview.show_headline_figures(version, selection, headline_drawn)
        curves = overview.show_daily_curves(version, selection, curves_drawn)
    assert status is dash.no_update and period is dash.no_update  # nothing of theirs changed
    checkins_card = HEADLINE_METRICS.index("checkins")  # the register's cards, in this order
    assert [op["location"] for op in operations(totals)] == [[checkins_card]]
    assert "checkins_today" in str(operations(weekly)) and "new_cases" not in str(operations(weekly))
    assert parts["totals"][checkins_card] != headline_drawn["totals"][checkins_card]
    cases, _tests, checkins, _doses, drawn = curves
    assert isinstance(cases, Patch) and operations(cases)[0]["params"]["value"].endswith(f" {version}")
    assert isinstance(checkins, dict) and drawn[2] != curves_drawn[2] and drawn[0] == curves_drawn[0]


def _store(layout, store_id: str):
    found = []

    def walk(node) -> None:
        if getattr(node, "id", None) == store_id:
            found.append(node.data)
        for child in getattr(node, "children", None) or []:
            if hasattr(child, "to_plotly_json"):
                walk(child)

    walk(layout)
    return found[0]
