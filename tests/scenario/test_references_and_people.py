"""Every reference resolves, and the population looks like Viet Nam's (ages, households, names, ids)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely

from data.geo import district_shapes, load_areas
from scenario import reference


@pytest.fixture(scope="module")
def areas() -> pd.DataFrame:
    return load_areas()


def test_people_and_venues_live_in_real_wards(dataset, areas):
    wards = set(areas.loc[areas["level"] == "ward", "code"])
    assert set(dataset.frame("people")["ward_code"]) <= wards
    assert set(dataset.frame("venues")["ward_code"]) <= wards
    # people spread over the country, all 63 provinces
    assert dataset.frame("people")["ward_code"].map(areas.set_index("code")["province_code"]).nunique() == 63


@pytest.mark.parametrize(
    "table, columns",
    [
        ("checkins", ["person_id"]),
        ("contacts", ["person_a", "person_b"]),
        ("tests", ["person_id"]),
        ("vaccinations", ["person_id"]),
        ("declarations", ["person_id"]),
        ("infections", ["infectee", "infector"]),
    ],
)
def test_person_references_resolve(dataset, table, columns):
    people = dataset.frame("people")["person_id"]
    frame = dataset.frame(table)
    for column in columns:
        values = frame[column].dropna()
        assert len(values) > 0
        assert values.isin(people).all(), f"{table}.{column}"


def test_venue_references_resolve(dataset):
    venues = dataset.frame("venues")["venue_id"]
    assert dataset.frame("checkins")["venue_id"].isin(venues).all()
    infections = dataset.frame("infections")
    assert infections["venue_id"].dropna().isin(venues).all()
    assert infections.loc[infections["setting"] == "venue", "venue_id"].notna().all()
    assert infections.loc[infections["setting"] != "venue", "venue_id"].isna().all()


def test_venues_lie_in_their_district(dataset, areas):
    venues = dataset.frame("venues")
    district = venues["ward_code"].map(areas.set_index("code")["district_code"])
    shapes = district_shapes()
    geometry = np.array([shapes[d] for d in district])
    inside = shapely.contains_xy(geometry, venues["lon"].to_numpy(), venues["lat"].to_numpy())
    assert inside.mean() > 0.99


def test_age_pyramid(dataset):
    age = dataset.age_at_start()
    share, _ = reference.age_pyramid()
    for lo, hi in ((0, 15), (15, 30), (30, 45), (45, 60), (60, 100)):
        target = share[lo:hi].sum()
        observed = ((age >= lo) & (age < hi)).mean()
        assert abs(observed - target) < 0.02, (lo, hi, observed, target)
    assert age.min() >= 0 and age.max() < 100


def test_household_sizes(dataset):
    sizes = dataset.frame("people").groupby("household_id").size()
    assert 3.3 <= sizes.mean() <= 3.65
    assert 0.07 <= (sizes == 1).mean() <= 0.13
    assert sizes.max() <= 8
    # everybody in a household lives in the same ward
    assert (dataset.frame("people").groupby("household_id")["ward_code"].nunique() == 1).all()


def test_family_name_shares(dataset):
    family = dataset.frame("people")["full_name"].str.split(" ").str[0]
    shares = family.value_counts(normalize=True)
    for name, target, tolerance in (
        ("Nguyễn", 0.384, 0.03),
        ("Trần", 0.11, 0.015),
        ("Lê", 0.095, 0.015),
        ("Phạm", 0.071, 0.012),
    ):
        assert abs(shares[name] - target) < tolerance, (name, shares[name])


def test_middle_names_by_sex(dataset):
    people = dataset.frame("people")
    middle = people["full_name"].str.split(" ").str[1]
    assert (middle[people["sex"] == "F"] == "Thị").mean() > 0.35
    assert (middle[people["sex"] == "M"] == "Văn").mean() > 0.25
    assert (middle[people["sex"] == "M"] == "Thị").sum() == 0


def test_citizen_ids_have_the_real_structure(dataset, areas):
    people = dataset.frame("people").dropna(subset=["citizen_id"])
    ids = people["citizen_id"]
    assert ids.str.fullmatch(r"\d{12}").all()
    assert ids.is_unique
    provinces = set(areas.loc[areas["level"] == "province", "code"])
    assert ids.str[:1].eq("0").all() and ids.str[1:3].isin(provinces).all()
    year = pd.to_datetime(people["birth_date"]).dt.year
    century_sex = ids.str[3].astype(int)
    assert ((century_sex >= 2) == (year >= 2000)).all()
    assert ((century_sex % 2 == 1) == (people["sex"] == "F")).all()
    assert (ids.str[4:6].astype(int) == year % 100).all()


def test_phones_have_real_prefixes(dataset):
    people = dataset.frame("people")
    phones = people["phone"].dropna()
    assert phones.str.fullmatch(r"0\d{9}").all()
    assert phones.is_unique
    prefixes = {f"0{p:02d}" for p in reference.phone_prefixes()[0]}
    assert phones.str[:3].isin(prefixes).all()
    age = dataset.age_at_start()
    assert people.loc[age < 10, "phone"].isna().all()
    assert 0.6 < people["phone"].notna().mean() < 0.9
