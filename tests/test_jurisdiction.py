"""A viewer scoped to one province gets nothing of another, from each data function and each callback, whatever the input."""

from __future__ import annotations

import pytest
from dash.exceptions import PreventUpdate

from data import runtime
from data.access import acting_as, deployment_principal
from data.areas import area, child_areas
from data.maps import area_measure, last_day
from data.overview import daily_counts, headline_figures, weekly_summary
from data.viewer import Viewer, parse_viewer

HCMC = Viewer("province", ("79",))
BAC_GIANG, HA_NOI = "24", "01"


def test_parse_viewer() -> None:
    assert parse_viewer(None) == Viewer()
    assert parse_viewer("province:79") == HCMC
    assert parse_viewer("district:760,761") == Viewer("district", ("760", "761"))
    with pytest.raises(ValueError):
        parse_viewer("province:79;DROP TABLE people")


def test_data_functions_never_cross_the_jurisdiction(seeded_runtime) -> None:
    # Bắc Giang has 2 people and 2 cases in the seed; Hà Nội 3 people.
    for other in (BAC_GIANG, HA_NOI, "213", "07210", "00001"):
        totals = headline_figures(HCMC, other)
        assert (totals["people"], totals["cases"], totals["checkins"], totals["tests"]) == (0, 0, 0, 0), other
        assert daily_counts(HCMC, other).num_rows == 0, other
        week = weekly_summary(HCMC, "2021-07-24", other)
        assert all(value in (0, None) for value in week.values()), other
        assert area(HCMC, other) is None, other
        assert child_areas(HCMC, other) == [], other
        for level in ("district", "ward"):
            assert area_measure(HCMC, level, other, "new_cases_7d", "2021-07-24") == [], (level, other)
    from data.levels import card_colours, child_area_levels, coverage_by_age_band, level_history

    assert {r["area_code"] for r in child_area_levels(HCMC, None).to_pylist()} <= {"79"}
    for other in (BAC_GIANG, "213", "07210"):
        assert level_history(HCMC, other).num_rows == 0
        assert card_colours(HCMC, other).num_rows == 0
        assert coverage_by_age_band(HCMC, other).num_rows == 0
    for measure in ("level", "first_dose_18", "red_share"):
        assert [r["code"] for r in area_measure(HCMC, "province", None, measure, "2021-07-24")] == ["79"]
    provinces = area_measure(HCMC, "province", None, "new_cases_7d", "2021-07-24")
    assert [r["code"] for r in provinces] == ["79"]
    assert [a["code"] for a in child_areas(HCMC, None)] == ["79"]
    assert headline_figures(HCMC)["people"] == 7
    assert last_day(HCMC) == "2021-07-24"


def test_a_district_viewer_sees_its_district_only(seeded_runtime) -> None:
    q1 = Viewer("district", ("760",))
    assert area(q1, "79") is None  # not the whole city's figures
    assert area(q1, "760")["name"] == "Quận 1"
    assert headline_figures(q1, "79")["people"] == 7  # the city filter narrows to what q1 may see
    assert [r["code"] for r in area_measure(q1, "district", "79", "new_cases_7d", "2021-07-24")] == ["760"]


@pytest.fixture
def provincial_request(seeded_runtime, monkeypatch: pytest.MonkeyPatch):
    """Callbacks run inside a request of a provincial command centre (PCCOVID_VIEWER=province:79)."""
    monkeypatch.setenv("PCCOVID_VIEWER", "province:79")
    import app  # the Dash app registers the pages; the runtime is already open on the seeded store

    with (
        app.server.test_request_context("/_dash-update-component", method="POST"),
        acting_as(deployment_principal()),
    ):
        yield


def test_callbacks_with_crafted_inputs_stay_inside(provincial_request) -> None:
    from pages import area as area_page
    from pages import map as map_page
    from pages import overview, wall

    # What is not an area code does not reach a query: the callbacks change nothing (Dash answers 204).
    for callback in (overview.show_headline_figures, overview.show_daily_curves):
        with pytest.raises(PreventUpdate):
            callback(1, {"area_code": "24' OR 1=1 --"}, None)
    for crafted, people in (
        ({"area_code": BAC_GIANG}, "0"),
        ({"area_code": "07210"}, "0"),
        ({}, "7"),
    ):
        _weekly, _status, totals, _period, _drawn = overview.show_headline_figures(1, crafted, None)
        assert figure(totals, "people") == people, crafted
        assert figure(totals, "cases") == ("1" if people == "7" else "0"), crafted
        *figures, _drawn = overview.show_daily_curves(1, crafted, None)
        if people == "0":
            assert all(fig["data"][0]["x"] == [] for fig in figures)
    # The overview's first view comes with its layout: a crafted URL naming Bắc Giang shows HCMC's own figures.
    page = str(overview.layout(province=BAC_GIANG, district="213", ward="07210").to_plotly_json())
    assert "Bắc Giang" not in page and "Bùi Văn Mạnh" not in page
    assert "Không tìm thấy khu vực «24»" in page
    cards, _figure = area_page.show_area_figures(1, BAC_GIANG)
    assert figure(cards, "new_cases_7d") == "0" and figure(cards, "tests_7d") == "0"
    levels, cards = area_page.show_area_levels_and_cards(1, BAC_GIANG)
    assert len(levels.data) == 0 and len(cards.data) == 0
    assert "Bắc Giang" not in str(wall.show_levels_changed(1, None)[0].to_plotly_json())
    hideout, _trend, hotspots, _headline, _drawn = wall.refresh_wall(1, None)
    # A provincial wall shows its province by district: HCMC's districts only, on a map drawing only them.
    hcmc = {
        code
        for (code,) in runtime.store()
        .cursor()
        .execute("SELECT code FROM areas WHERE level = 'district' AND province_code = '79'")
        .fetchall()
    }
    assert "760" in hideout["values"] and set(hideout["values"]) <= hcmc and hideout["province"] == "79"
    assert "Bắc Giang" not in str(hotspots.to_plotly_json()) and "Quận, huyện" in str(hotspots.to_plotly_json())
    kinds, cases, _clock, _drawn = wall.show_live_panel(1, None, None)
    assert [row.to_plotly_json()["props"]["data-total"] for row in kinds] == ["8", "2", "3", "3", "2"]
    assert "Bắc Giang" not in str(cases) and "Hồ Chí Minh" in str(cases)
    # A forged click on another province's shape leads to a URL the layout refuses.
    search = map_page.next_map_query(map_page.PROVINCES, {"properties": {"code": BAC_GIANG}}, "new_cases_7d", "")
    page = map_page.layout(**dict(pair.split("=") for pair in search.lstrip("?").split("&")))
    text = str(page.to_plotly_json())
    assert "Bắc Giang" not in text and "24" in text  # named only in the notice, by code
    assert "Không tìm thấy khu vực «24»" in text
    assert "Không tìm thấy khu vực" in str(area_page.layout(code=BAC_GIANG).to_plotly_json())
    # The map's CSV reads the URL again: a crafted one naming Bắc Giang exports Ho Chi Minh City's own view.
    for crafted in (f"?province={BAC_GIANG}", "?province=79&district=213", "?province=79&measure=x'--"):
        exported = map_page.export_map_csv(1, crafted)["content"]
        assert "Bắc Giang" not in exported and "Tỉnh" not in exported, crafted
    assert "Quận 1" in map_page.export_map_csv(1, "?province=79")["content"]


def figure(cards: list, metric: str) -> str:
    """The value shown on the headline card of `metric`."""
    card = next(c for c in cards if c.to_plotly_json()["props"].get("data-metric") == metric)
    return card.children[1].children
