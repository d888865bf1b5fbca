"""The geography: 63 provinces, 705 districts, about 10,600 wards, each under an existing parent; populations add up."""

from __future__ import annotations

import json

from data.geo import census_total, load_areas, simplified_geojson
from data.store import Store


def test_area_counts_and_parents() -> None:
    areas = load_areas()
    levels = areas["level"].value_counts().to_dict()
    assert levels["province"] == 63
    assert levels["district"] == 705
    assert 10_500 <= levels["ward"] <= 10_700
    assert areas["code"].is_unique
    by_code = areas.set_index("code")
    wards = areas[areas["level"] == "ward"]
    districts = areas[areas["level"] == "district"]
    assert set(wards["parent_code"]) <= set(districts["code"])
    assert set(districts["parent_code"]) <= set(areas[areas["level"] == "province"]["code"])
    # A ward's province is its district's province.
    assert (wards["province_code"].to_numpy() == by_code.loc[wards["parent_code"], "province_code"].to_numpy()).all()


def test_populations_add_up_to_the_census() -> None:
    areas = load_areas()
    provinces = areas[areas["level"] == "province"]
    official = 96_208_984
    assert abs(provinces["population"].sum() - official) / official < 0.0001
    assert provinces["population"].sum() == census_total()
    districts = areas[areas["level"] == "district"]
    by_province = districts.groupby("province_code")["population"].sum()
    assert (by_province == provinces.set_index("code")["population"]).all()
    wards = areas[areas["level"] == "ward"]
    by_district = wards.groupby("district_code")["population"].sum()
    with_wards = districts.set_index("code").loc[by_district.index, "population"]
    assert (by_district == with_wards).all()
    assert districts["population_estimated"].all() and not provinces["population_estimated"].any()


def test_names_keep_their_diacritics() -> None:
    areas = load_areas().set_index("code")
    assert areas.loc["79", "short_name"] == "Hồ Chí Minh"
    assert areas.loc["26740", "name"] == "Phường Bến Nghé"
    assert areas.loc["26740", "name_ascii"] == "Ben Nghe"
    assert areas.loc["769", "name"] == "Thành phố Thủ Đức"


def test_wards_of_dissolved_districts_sit_under_their_2021_district() -> None:
    areas = load_areas().set_index("code")
    assert areas.loc["26866", "parent_code"] == "769"  # Phú Hữu, once Quận 9


def test_simplified_boundaries_keep_every_area() -> None:
    for level, count in (("province", 63), ("district", 705)):
        body = json.loads(simplified_geojson(level))
        assert len(body["features"]) == count
        assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in body["features"])


def test_the_store_holds_the_areas(empty_store: Store) -> None:
    rows = empty_store.cursor().execute("SELECT level, count(*) FROM areas GROUP BY level ORDER BY level").fetchall()
    assert dict(rows) == load_areas()["level"].value_counts().to_dict()
