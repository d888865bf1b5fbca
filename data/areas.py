"""Areas as the viewer may see them: one area with its parents, the areas under it, and its map bounds."""

from __future__ import annotations

import functools

import shapely

from data.cache import cached
from data.geo import district_shapes, province_shapes
from data.runtime import store
from data.viewer import Viewer

CHILD_LEVEL = {None: "province", "province": "district", "district": "ward", "ward": None}


@cached("areas")
def area(viewer: Viewer, code: str) -> dict | None:
    """The area with this code, or None when it does not exist or lies outside the viewer's jurisdiction."""
    rows = store().query("areas/area_by_code", code=code, **viewer.params).to_pylist()
    return rows[0] if rows else None


@cached("areas")
def child_areas(viewer: Viewer, parent_code: str | None) -> list[dict]:
    """The areas directly under `parent_code` (the provinces for None) that the viewer may see."""
    return store().query("areas/child_areas", parent_code=parent_code, **viewer.params).to_pylist()


@functools.cache
def bounds(code: str | None) -> list[list[float]]:
    """[[south, west], [north, east]] of a province or district (Viet Nam for None), for the map to fit."""
    if code is None:
        return [[8.2, 102.1], [23.4, 109.5]]
    shape = province_shapes().get(code) if len(code) == 2 else district_shapes().get(code)
    if shape is None:
        return bounds(None)
    west, south, east, north = shapely.bounds(shape)
    return [[float(south), float(west)], [float(north), float(east)]]
