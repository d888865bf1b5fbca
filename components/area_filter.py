"""The area and period filter (province → district → ward, from – to): read from the URL, checked, drawn."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode

import dash_mantine_components as dmc

from components.i18n import t
from components.inputs import Day, DistrictCode, ProvinceCode, UrlValue, WardCode, read, url_text
from data.areas import area, child_areas
from data.viewer import Viewer

_CODE = {"province": ProvinceCode, "district": DistrictCode, "ward": WardCode}


@dataclass
class AreaFilter:
    province: dict | None = None
    district: dict | None = None
    ward: dict | None = None
    start: str | None = None
    end: str | None = None
    notices: list[str] = field(default_factory=list)

    @property
    def area(self) -> dict | None:
        return self.ward or self.district or self.province

    @property
    def area_code(self) -> str | None:
        return self.area["code"] if self.area else None

    def query(self, **changes: str | None) -> str:
        values = {
            "province": self.province["code"] if self.province else None,
            "district": self.district["code"] if self.district else None,
            "ward": self.ward["code"] if self.ward else None,
            "from": self.start,
            "to": self.end,
        }
        values.update(changes)
        return "?" + urlencode({k: v for k, v in values.items() if v})


@dataclass
class Place:
    """A province, district and ward named by a URL, each checked; `unknown` is the first code that did not read."""

    province: dict | None = None
    district: dict | None = None
    ward: dict | None = None
    unknown: str | None = None


def read_place(viewer: Viewer, province: str | None, district: str | None = None, ward: str | None = None) -> Place:
    """The one reading of a URL's place, for the overview's filter and the map: from the top, each level must exist,
    lie under the level above (when that is given) and inside the viewer's jurisdiction; the first that does not
    stops the reading (`unknown`). A lower level given alone brings the levels above it; a single-province viewer's
    province is the default."""
    if viewer.level == "province" and len(viewer.codes) == 1 and not province:
        province = viewer.codes[0]
    place, parent = Place(), None
    for level, code in (("province", province), ("district", district), ("ward", ward)):
        if not code:
            continue
        found = area(viewer, code) if read(_CODE[level], code) else None
        if not found or found["level"] != level or (parent is not None and found["parent_code"] != parent["code"]):
            place.unknown = code
            break
        setattr(place, level, found)
        parent = found
    if place.ward and not place.district:
        place.district = area(viewer, place.ward["district_code"])
    if place.district and not place.province:
        place.province = area(viewer, place.district["province_code"])
    return place


def _day(text: str | None, lang: str, notices: list[str]) -> str | None:
    if not text:
        return None
    day = read(Day, text)
    if day is None:
        notices.append(t("filter.bad_day", lang, day=text[:20]))
    return day


def read_area_filter(
    viewer: Viewer,
    lang: str,
    province: UrlValue = None,
    district: UrlValue = None,
    ward: UrlValue = None,
    start: UrlValue = None,
    end: UrlValue = None,
) -> AreaFilter:
    """Each level must exist, lie under the level above and inside the viewer's jurisdiction; else it is dropped with a notice.
    The values are read as the URL gives them (components/inputs.py: the first of a repeated parameter)."""
    province, district, ward, start, end = map(url_text, (province, district, ward, start, end))
    place = read_place(viewer, province, district, ward)
    chosen = AreaFilter(place.province, place.district, place.ward)
    if place.unknown:
        chosen.notices.append(t("filter.unknown_area", lang, code=place.unknown[:12]))
    chosen.start = _day(start, lang, chosen.notices)
    chosen.end = _day(end, lang, chosen.notices)
    if chosen.start and chosen.end and chosen.start > chosen.end:
        chosen.start, chosen.end = chosen.end, chosen.start
    return chosen


def _options(parent: str | None, viewer: Viewer) -> list[dict]:
    return [{"value": a["code"], "label": a["name"]} for a in child_areas(viewer, parent)]


def filter_bar(prefix: str, chosen: AreaFilter, viewer: Viewer, lang: str) -> dmc.Group:
    """Three selects and a date range; IDs are `<prefix>-province`, `-district`, `-ward`, `-period`."""
    provinces = _options(None, viewer)
    districts = _options(chosen.province["code"], viewer) if chosen.province else []
    wards = _options(chosen.district["code"], viewer) if chosen.district else []
    return dmc.Group(
        [
            dmc.Select(
                id=f"{prefix}-province",
                label=t("filter.province", lang),
                placeholder=t("filter.all_country", lang),
                data=provinces,
                value=chosen.province["code"] if chosen.province else None,
                searchable=True,
                clearable=True,
                w=220,
            ),
            dmc.Select(
                id=f"{prefix}-district",
                label=t("filter.district", lang),
                placeholder=t("filter.all", lang),
                data=districts,
                value=chosen.district["code"] if chosen.district else None,
                searchable=True,
                clearable=True,
                disabled=not districts,
                w=220,
            ),
            dmc.Select(
                id=f"{prefix}-ward",
                label=t("filter.ward", lang),
                placeholder=t("filter.all", lang),
                data=wards,
                value=chosen.ward["code"] if chosen.ward else None,
                searchable=True,
                clearable=True,
                disabled=not wards,
                w=220,
            ),
            dmc.DatePickerInput(
                id=f"{prefix}-period",
                type="range",
                label=t("filter.period", lang),
                placeholder=t("filter.whole_period", lang),
                value=[chosen.start, chosen.end] if chosen.start and chosen.end else [None, None],
                valueFormat="DD/MM/YYYY",
                clearable=True,
                allowSingleDateInRange=True,
                w=260,
            ),
        ],
        align="flex-end",
        gap="sm",
        className="area-filter",
    )


def url_params(search: str | None) -> dict[str, str]:
    """A URL's query (`?province=79&day=…`) as {name: first value}."""
    return {key: values[0] for key, values in parse_qs((search or "").lstrip("?")).items()}


def filter_query(chosen: AreaFilter, trigger: str, province, district, ward, period) -> str | None:
    """The URL query after one control changed (a new province clears district and ward, and so on); None if
    nothing really changed (controls also report their value when they mount)."""
    code = lambda a: a["code"] if a else None  # noqa: E731
    if trigger.endswith("-province"):
        return None if province == code(chosen.province) else chosen.query(province=province, district=None, ward=None)
    if trigger.endswith("-district"):
        return None if district == code(chosen.district) else chosen.query(district=district, ward=None)
    if trigger.endswith("-ward"):
        return None if ward == code(chosen.ward) else chosen.query(ward=ward)
    start, end = (period[0], period[-1]) if isinstance(period, list) and period and all(period) else (None, None)
    start, end = (start or "")[:10] or None, (end or "")[:10] or None
    if (start, end) == (chosen.start, chosen.end):
        return None
    return chosen.query(**{"from": start, "to": end})
