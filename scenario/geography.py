"""Wards, districts and provinces of 2021 as index arrays, from data.geo, for vectorised sampling."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import shapely

from data.geo import district_shapes, load_areas


@dataclass(frozen=True)
class Geography:
    ward_code: np.ndarray  # str objects, sorted by province, district, code
    ward_name: np.ndarray
    ward_short: np.ndarray
    ward_urban: np.ndarray  # bool: phường / thị trấn
    ward_district: np.ndarray  # int32 index into district_code
    ward_province: np.ndarray  # int32 index into province_code
    ward_population: np.ndarray  # float64
    ward_lat: np.ndarray
    ward_lon: np.ndarray
    district_code: list[str]
    district_short: np.ndarray
    district_province: np.ndarray
    district_first_ward: np.ndarray  # wards of district d are [first[d], first[d+1]) … see ward ranges
    district_ward_end: np.ndarray
    province_code: list[str]
    province_first_ward: np.ndarray
    province_ward_end: np.ndarray
    province_population: np.ndarray
    district_geometry: np.ndarray  # shapely geometries aligned with district_code (None if missing)

    @property
    def n_wards(self) -> int:
        return len(self.ward_code)


@cache
def load_geography() -> Geography:
    """The areas as arrays (read once per process; the arrays are not to be modified)."""
    areas = load_areas()
    wards = areas[areas["level"] == "ward"].sort_values(["province_code", "district_code", "code"], kind="stable")
    districts = areas[areas["level"] == "district"].set_index("code")
    province_code = sorted(wards["province_code"].unique())
    district_code = list(dict.fromkeys(wards["district_code"]))
    district_index = {code: i for i, code in enumerate(district_code)}
    province_index = {code: i for i, code in enumerate(province_code)}
    ward_district = np.array([district_index[c] for c in wards["district_code"]], dtype=np.int32)
    ward_province = np.array([province_index[c] for c in wards["province_code"]], dtype=np.int32)
    n_d, n_p = len(district_code), len(province_code)
    population = wards["population"].to_numpy(dtype=np.float64)
    shapes = district_shapes()
    geometry = np.array([shapes.get(code) for code in district_code], dtype=object)
    shapely.prepare(geometry[[g is not None for g in geometry]])
    return Geography(
        ward_code=wards["code"].to_numpy(dtype=object),
        ward_name=wards["name"].to_numpy(dtype=object),
        ward_short=wards["short_name"].to_numpy(dtype=object),
        ward_urban=wards["unit_type"].isin(["phuong", "thi-tran"]).to_numpy(),
        ward_district=ward_district,
        ward_province=ward_province,
        ward_population=population,
        ward_lat=wards["lat"].to_numpy(dtype=np.float64),
        ward_lon=wards["lon"].to_numpy(dtype=np.float64),
        district_code=district_code,
        district_short=np.array([districts.loc[c, "short_name"] for c in district_code], dtype=object),
        district_province=np.array(
            [province_index[districts.loc[c, "province_code"]] for c in district_code], dtype=np.int32
        ),
        district_first_ward=np.searchsorted(ward_district, np.arange(n_d)),
        district_ward_end=np.searchsorted(ward_district, np.arange(n_d), side="right"),
        province_code=province_code,
        province_first_ward=np.searchsorted(ward_province, np.arange(n_p)),
        province_ward_end=np.searchsorted(ward_province, np.arange(n_p), side="right"),
        province_population=np.bincount(ward_province, weights=population, minlength=n_p),
        district_geometry=geometry,
    )


def points_in_districts(
    geo: Geography, ward: np.ndarray, rng: np.random.Generator, spread_deg: float = 0.02
) -> tuple[np.ndarray, np.ndarray]:
    """Points scattered around each ward's point, kept inside the ward's district polygon."""
    lat = geo.ward_lat[ward].copy()
    lon = geo.ward_lon[ward].copy()
    shapes = geo.district_geometry[geo.ward_district[ward]]
    has_shape = np.array([s is not None for s in shapes], dtype=bool)
    pending = np.flatnonzero(has_shape)
    sigma = spread_deg
    for _ in range(6):
        if len(pending) == 0:
            break
        try_lat = geo.ward_lat[ward[pending]] + rng.normal(0, sigma, len(pending))
        try_lon = geo.ward_lon[ward[pending]] + rng.normal(0, sigma, len(pending))
        inside = shapely.contains_xy(shapes[pending], try_lon, try_lat)
        lat[pending[inside]] = try_lat[inside]
        lon[pending[inside]] = try_lon[inside]
        pending = pending[~inside]
        sigma /= 2
    # whatever is left keeps the ward's own point, which lies in its district
    return np.round(lat, 6), np.round(lon, 6)
