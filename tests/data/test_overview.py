"""The overview's data functions on the seeded store: exact figures, jurisdiction filtering, caching in real Redis."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from data import runtime
from data.loader import load_dataset
from data.overview import daily_counts, headline_figures
from data.viewer import NATIONAL, Viewer
from tests import seed


def test_national_headline_figures(seeded_runtime) -> None:
    assert headline_figures(NATIONAL) == {
        "people": 12,
        "venues": 5,
        "checkins": 11,
        "tests": 8,
        "positives": 5,
        "doses": 5,
        "cases": 3,
        "first_day": "2021-07-01",
        "last_day": "2021-07-24",
    }


@pytest.mark.parametrize(
    ("viewer", "people", "venues", "cases"),
    [
        (Viewer("province", ("79",)), 7, 3, 1),
        (Viewer("province", ("24",)), 2, 1, 2),
        (Viewer("province", ("01", "24")), 5, 2, 2),
        (Viewer("district", ("760",)), 7, 3, 1),
        (Viewer("province", ("48",)), 0, 0, 0),
    ],
)
def test_a_jurisdiction_sees_only_its_own_figures(
    seeded_runtime, viewer: Viewer, people: int, venues: int, cases: int
) -> None:
    figures = headline_figures(viewer)
    assert (figures["people"], figures["venues"], figures["cases"]) == (people, venues, cases)


def test_daily_counts_fill_every_day(seeded_runtime) -> None:
    daily = daily_counts(NATIONAL).to_pylist()
    assert daily[0]["day"] == dt.date(2021, 7, 1) and daily[-1]["day"] == dt.date(2021, 7, 24)
    assert len(daily) == 24
    assert sum(d["new_cases"] for d in daily) == 3
    assert {d["day"]: d["new_cases"] for d in daily if d["new_cases"]} == {
        dt.date(2021, 7, 21): 1,
        dt.date(2021, 7, 22): 1,
        dt.date(2021, 7, 23): 1,
    }


def test_results_are_cached_in_redis_and_a_new_version_refreshes_them(seeded_runtime, tmp_path: Path) -> None:
    cache = runtime.data_cache()
    assert cache is not None
    first = headline_figures(NATIONAL)
    keys = cache.client.keys(f"pccovid:{seeded_runtime.store_id}:cache:*")
    assert any(b"overview.headline_figures" in k for k in keys)
    # Same version: served from Redis even if the function would now answer differently.
    assert headline_figures(NATIONAL) == first
    folder = tmp_path / "more"
    folder.mkdir()
    pq.write_table(
        seed.table("tests", [(3200, 2, seed.at(24, 9), seed.at(24, 21), "pcr", "positive")]), folder / "tests.parquet"
    )
    load_dataset(seeded_runtime, folder)
    assert runtime.data_version() == 2
    assert headline_figures(NATIONAL)["cases"] == 4


def test_arrow_tables_survive_the_cache_unchanged(seeded_runtime) -> None:
    direct = daily_counts.uncached(NATIONAL)
    assert daily_counts(NATIONAL).equals(direct)
    assert daily_counts(NATIONAL).equals(direct)  # the second read comes from Redis


def test_a_viewer_cannot_be_forged() -> None:
    with pytest.raises(ValueError):
        Viewer("province", ("79' OR 1=1 --",))
    with pytest.raises(ValueError):
        Viewer("national", ("79",))
    with pytest.raises(ValueError):
        Viewer("ward", ("26740",))
    with pytest.raises(ValueError):
        Viewer("province", ())


def test_map_rates_use_the_registered_population(seeded_runtime) -> None:
    from data.maps import area_measure

    rows = {r["code"]: r for r in area_measure(NATIONAL, "province", None, "new_cases_7d_per_100k", "2021-07-24")}
    assert len(rows) == 63
    # Bắc Giang: 2 registered people, 2 cases confirmed on 21 and 22 July.
    assert rows["24"]["population"] == 2 and rows["24"]["new_cases_7d"] == 2
    assert rows["24"]["value"] == pytest.approx(100_000.0)
    assert rows["79"]["new_cases_7d"] == 1 and rows["79"]["value"] == pytest.approx(1e5 / 7)
    assert rows["48"]["value"] is None  # nobody registered in Đà Nẵng: no rate, not zero
    scoped = area_measure(Viewer("province", ("24",)), "ward", "760", "new_cases_7d", "2021-07-24")
    assert scoped == []


def test_the_server_warms_the_first_view_for_the_current_version(seeded_runtime) -> None:
    import app  # assembles the app on the runtime the fixture opened

    cache = runtime.data_cache()
    pattern = f"pccovid:{seeded_runtime.store_id}:cache:v{runtime.data_version()}:*"
    for key in cache.client.keys(pattern):
        cache.client.delete(key)
    app.warm_first_view(runtime.data_version())
    assert app.warm_first_view.wait_idle(timeout=60)
    warmed = {k.split(b":")[4] for k in cache.client.keys(pattern)}
    assert {b"overview.headline_figures", b"overview.weekly_summary", b"overview.daily_counts"} <= warmed


def _card_texts(cards: list, metric: str) -> str:
    card = next(c for c in cards if c.to_plotly_json()["props"].get("data-metric") == metric)
    return str(card.to_plotly_json())


def test_the_latest_day_is_not_compared_with_a_whole_day(seeded_runtime) -> None:
    """24/07 is the seed's latest day: its counts so far are shown beside the week before, with no arrow; a day
    that later data has closed (the period ending 23/07) gets its change against 16/07."""
    import app  # noqa: F401 - the request context's app
    from components import overview_view

    with app.server.test_request_context("/"):
        weekly, *_ = overview_view.headline_outputs("vi", NATIONAL, {"area_code": None})
        for metric in ("new_cases_today", "checkins_today"):
            text = _card_texts(weekly, metric)
            assert "Ngày chưa hết · cùng ngày tuần trước: 0" in text and "▲" not in text and "▼" not in text
        assert "so với tuần trước" in _card_texts(weekly, "new_cases_7d")  # the 7-day cards keep their change

        weekly, *_ = overview_view.headline_outputs("en", NATIONAL, {"area_code": None, "end": "2021-07-23"})
        text = _card_texts(weekly, "new_cases_today")
        assert "Day not over" not in text and "▲ 1" in text  # one case on 23/07, none on 16/07
