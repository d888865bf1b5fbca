"""The map's URL after a click or a measure change (pages/map.py next_map_query), inside a request."""

from __future__ import annotations

import pytest

from components.measures import DEFAULT_MEASURE


@pytest.fixture
def map_page(seeded_runtime):
    import app
    from pages import map as map_page

    with app.server.test_request_context("/_dash-update-component", method="POST"):
        yield map_page


def test_the_measure_shown_when_the_list_mounts_changes_nothing(map_page) -> None:
    assert map_page.next_map_query(map_page.MEASURE, None, DEFAULT_MEASURE, "") is None
    assert map_page.next_map_query(map_page.MEASURE, None, "level", "?province=79&measure=level") is None


def test_a_new_measure_keeps_the_place(map_page) -> None:
    query = map_page.next_map_query(map_page.MEASURE, None, "level", "?province=79&district=760")
    assert query is not None and "province=79" in query and "district=760" in query and "measure=level" in query


def test_a_click_drills_down(map_page) -> None:
    query = map_page.next_map_query(map_page.PROVINCES, {"properties": {"code": "79"}}, DEFAULT_MEASURE, "")
    assert query is not None and "province=79" in query
