"""The map's URL after a click or a measure change (pages/map.py next_map_query), inside a request."""

from __future__ import annotations

import pytest

from components.measures import DEFAULT_MEASURE
from data.access import acting_as, deployment_principal


@pytest.fixture
def map_page(seeded_runtime):
    import app
    from pages import map as map_page

    with app.server.test_request_context("/_dash-update-component", method="POST"), acting_as(deployment_principal()):
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


def test_a_new_day_keeps_the_place_and_measure(map_page) -> None:
    search = "?province=79&measure=level"
    assert map_page.next_map_query(map_page.DAY, None, "level", search, "2021-07-24") is None  # shown already
    query = map_page.next_map_query(map_page.DAY, None, "level", search, "2021-07-20")
    assert query == "?province=79&measure=level&day=2021-07-20"
    # what the picker may send: a time after the date is read as the date; a forged value changes nothing
    assert map_page.next_map_query(map_page.DAY, None, "level", search, "2021-07-20 00:00:00") == query
    assert map_page.next_map_query(map_page.DAY, None, "level", search, "2021-07-2x") is None


def test_the_day_picker_offers_the_days_with_data(map_page) -> None:
    picker = next(c for c in _walk(map_page.layout(province="79")) if getattr(c, "id", None) == map_page.DAY)
    assert (picker.value, picker.minDate, picker.maxDate) == ("2021-07-24", "2021-07-01", "2021-07-24")


def _walk(component):
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children] if children is not None else []:
        if hasattr(child, "to_plotly_json"):
            yield from _walk(child)
