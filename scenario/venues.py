"""Venues with QR codes, placed per ward in proportion to its simulated residents, and how people pick them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from . import reference
from .geography import Geography, points_in_districts
from .reference import KIND_INDEX, KINDS
from .strings import join_words, vocabulary

# Provinces whose industrial parks employ many factory workers (factories per resident multiplier).
INDUSTRIAL = {
    "24": 6.0,
    "27": 6.0,
    "74": 9.0,
    "75": 6.0,
    "80": 5.0,
    "79": 2.5,
    "01": 2.5,
    "31": 2.0,
    "77": 2.0,
    "26": 2.0,
    "30": 1.5,
}
PARKS = {
    "24": ["Quang Châu", "Vân Trung", "Đình Trám", "Song Khê - Nội Hoàng"],
    "27": ["Yên Phong", "Quế Võ", "VSIP Bắc Ninh", "Tiên Sơn"],
    "74": ["VSIP", "Mỹ Phước", "Sóng Thần", "Tân Uyên", "Việt Hương"],
    "75": ["Amata", "Biên Hòa 2", "Nhơn Trạch", "Long Thành"],
    "80": ["Đức Hòa", "Tân Đức", "Long Hậu", "Hải Sơn"],
    "79": ["Tân Tạo", "Hiệp Phước", "Tân Thuận", "Vĩnh Lộc", "Tân Bình"],
    "01": ["Thăng Long", "Quang Minh", "Nội Bài", "Phú Nghĩa"],
}
BUSINESS = [
    "Thành Công",
    "Hưng Thịnh",
    "Phát Đạt",
    "Minh Long",
    "An Phát",
    "Đại Việt",
    "Sao Mai",
    "Hoàng Gia",
    "Việt Tiến",
    "Tân Phú",
    "Phú Thành",
    "Kim Long",
    "Bình Minh",
    "Trường Thịnh",
    "Hòa Bình",
    "Thiên An",
    "Nam Việt",
    "Phương Đông",
    "Hải Âu",
    "Đông Á",
    "Vạn Xuân",
    "Toàn Cầu",
    "Tiến Phát",
    "Quốc Thái",
]
# (prefix, suffix source) per kind; sources: ward, district, given, business, park
TEMPLATES = {
    "market": [("Chợ", "ward"), ("Chợ đầu mối", "district"), ("Chợ", "ward")],
    "supermarket": [
        ("Co.opmart", "district"),
        ("Bách hóa Xanh", "ward"),
        ("WinMart+", "ward"),
        ("Big C", "district"),
        ("Lotte Mart", "district"),
    ],
    "restaurant": [
        ("Quán ăn", "given"),
        ("Phở", "given"),
        ("Cơm tấm", "given"),
        ("Bún bò", "given"),
        ("Nhà hàng", "business"),
        ("Lẩu", "given"),
    ],
    "cafe": [
        ("Quán cà phê", "given"),
        ("Cà phê", "given"),
        ("Highlands Coffee", "ward"),
        ("The Coffee House", "ward"),
        ("Trung Nguyên Legend", "ward"),
    ],
    "office": [
        ("Công ty TNHH", "business"),
        ("Công ty Cổ phần", "business"),
        ("UBND", "ward_full"),
        ("Ngân hàng Vietcombank chi nhánh", "district"),
    ],
    "factory": [("Công ty TNHH Sản xuất", "business"), ("Nhà máy", "business"), ("Xưởng may", "business")],
    "school": [
        ("Trường Mầm non", "ward"),
        ("Trường Tiểu học", "ward"),
        ("Trường THCS", "ward"),
        ("Trường THPT", "district"),
    ],
    "hospital": [("Bệnh viện Đa khoa", "district"), ("Trung tâm Y tế", "district_full")],
    "clinic": [("Trạm Y tế", "ward_full"), ("Phòng khám Đa khoa", "business"), ("Nhà thuốc", "given")],
    "worship": [("Chùa", "ward"), ("Nhà thờ", "ward"), ("Đình", "ward"), ("Thánh thất Cao Đài", "ward")],
    "transport": [("Bến xe", "district"), ("Ga", "district"), ("Bến phà", "ward")],
    "checkpoint": [("Chốt kiểm soát dịch", "ward"), ("Trạm kiểm dịch", "district")],
    "residential": [("Chung cư", "business"), ("Khu dân cư", "ward"), ("Chung cư", "ward")],
    "other": [
        ("Cửa hàng tạp hóa", "given"),
        ("Cửa hàng điện thoại", "business"),
        ("Tiệm tóc", "given"),
        ("Nhà sách", "business"),
        ("Cửa hàng thời trang", "given"),
    ],
}


@dataclass
class Venues:
    kind: np.ndarray  # int8, sorted by kind then ward
    ward: np.ndarray  # int32
    qr_day: np.ndarray  # int32 first simulated day the venue displays a QR code
    records_exit: np.ndarray  # bool
    lat: np.ndarray
    lon: np.ndarray
    name: pa.Array
    # venues of kind k in ward w are [ward_offsets[k, w], ward_offsets[k, w + 1])
    ward_offsets: np.ndarray

    def __len__(self) -> int:
        return len(self.kind)


def build_venues(geo: Geography, residents_per_ward: np.ndarray, days: int, rng: np.random.Generator) -> Venues:
    kinds = reference.venue_kinds()
    rate = np.outer(residents_per_ward / 1000.0, kinds.per_1000)
    industrial = np.array([INDUSTRIAL.get(code, 0.4) for code in geo.province_code])
    rate[:, KIND_INDEX["factory"]] *= industrial[geo.ward_province]
    rate[:, KIND_INDEX["residential"]] *= np.where(geo.ward_urban, 2.0, 0.1)
    counts = rng.poisson(rate)
    # every province keeps a hospital and two checkpoints on its borders
    for kind, minimum in (("hospital", 1), ("checkpoint", 2)):
        k = KIND_INDEX[kind]
        have = np.bincount(geo.ward_province, weights=counts[:, k], minlength=len(geo.province_code))
        for p in np.flatnonzero(have < minimum):
            lo, hi = geo.province_first_ward[p], geo.province_ward_end[p]
            if hi > lo:
                wards = lo + rng.integers(0, hi - lo, int(minimum - have[p]))
                np.add.at(counts[:, k], wards, 1)
    kind_of = np.repeat(np.tile(np.arange(len(KINDS), dtype=np.int8), geo.n_wards), counts.ravel())
    ward_of = np.repeat(np.repeat(np.arange(geo.n_wards, dtype=np.int32), len(KINDS)), counts.ravel())
    order = np.lexsort((ward_of, kind_of))
    kind_of, ward_of = kind_of[order], ward_of[order]
    n = len(kind_of)
    ward_offsets = np.stack(
        [
            np.searchsorted(ward_of[kind_of == k], np.arange(geo.n_wards + 1)) + np.searchsorted(kind_of, k)
            for k in range(len(KINDS))
        ]
    )
    # QR codes spread over the first two months (checkpoints, hospitals from the start)
    p_start = kinds.qr_start[kind_of]
    p_end = kinds.qr_end[kind_of]
    u = rng.random(n)
    ramp = np.clip((u - p_start) / np.maximum(p_end - p_start, 1e-9) * 60, 0, 60).astype(np.int32)
    qr_day = np.where(u < p_start, 0, np.where(u < p_end, ramp, 1 << 30))
    records_exit = rng.random(n) < kinds.exit_share[kind_of]
    lat, lon = points_in_districts(geo, ward_of, rng)
    return Venues(
        kind=kind_of,
        ward=ward_of,
        qr_day=qr_day.astype(np.int32),
        records_exit=records_exit,
        lat=lat,
        lon=lon,
        name=_names(geo, kind_of, ward_of, rng),
        ward_offsets=ward_offsets,
    )


def _names(geo: Geography, kind: np.ndarray, ward: np.ndarray, rng: np.random.Generator) -> pa.Array:
    given_vocab = reference.given_names("M").names + reference.given_names("F").names
    parks = sorted({park for names in PARKS.values() for park in names})
    sources = {
        "ward": list(geo.ward_short),
        "ward_full": list(geo.ward_name),
        "district": list(geo.district_short),
        "district_full": [f"{short}" for short in geo.district_short],
        "given": list(given_vocab),
        "business": BUSINESS,
        "park": parks,
    }
    source_names = list(sources)
    source_offset = np.cumsum([0] + [len(sources[s]) for s in source_names])
    suffix_vocab = [word for s in source_names for word in sources[s]]
    prefixes: list[str] = []
    template_source: list[int] = []
    template_start = [0]
    for k in KINDS:
        for prefix, source in TEMPLATES[k]:
            prefixes.append(prefix)
            template_source.append(source_names.index(source))
        template_start.append(len(prefixes))
    template_start_arr = np.array(template_start)
    n_templates = np.diff(template_start_arr)[kind]
    template = template_start_arr[kind] + (rng.random(len(kind)) * n_templates).astype(np.int64)
    source = np.array(template_source)[template]
    district = geo.ward_district[ward]
    local_index = np.select(
        [
            source == source_names.index("ward"),
            source == source_names.index("ward_full"),
            source == source_names.index("district"),
            source == source_names.index("district_full"),
        ],
        [ward, ward, district, district],
        default=0,
    )
    random_index = (rng.random(len(kind)) * np.array([len(sources[s]) for s in source_names])[source]).astype(np.int64)
    is_local = np.isin(source, [source_names.index(s) for s in ("ward", "ward_full", "district", "district_full")])
    suffix = source_offset[source] + np.where(is_local, local_index, random_index)
    names = join_words(vocabulary(prefixes, template), vocabulary(suffix_vocab, suffix))
    # factories in the industrial provinces name their park
    province = geo.ward_province[ward]
    factory = kind == KIND_INDEX["factory"]
    park_choice = np.full(len(kind), -1)
    for p, code in enumerate(geo.province_code):
        if code in PARKS:
            mask = factory & (province == p)
            options = np.array([parks.index(x) for x in PARKS[code]])
            park_choice[mask] = options[rng.integers(0, len(options), int(mask.sum()))]
    if (park_choice >= 0).any():
        with_park = join_words(
            names,
            vocabulary(["(KCN"] * 1, np.zeros(len(kind), dtype=np.int64)),
            vocabulary([p + ")" for p in parks], np.maximum(park_choice, 0)),
        )
        names = pa.compute.if_else(pa.array(park_choice >= 0), with_park, names)
    return names


def venues_table(venues: Venues, geo: Geography) -> pa.Table:
    n = len(venues)
    return pa.table(
        {
            "venue_id": pa.array(np.arange(1, n + 1, dtype=np.int64)),
            "name": venues.name,
            "kind": vocabulary(KINDS, venues.kind),
            "ward_code": vocabulary(list(geo.ward_code), venues.ward),
            "lat": pa.array(venues.lat, type=pa.float64()),
            "lon": pa.array(venues.lon, type=pa.float64()),
        }
    )


def pick_venues(
    venues: Venues, geo: Geography, kind: int, ward: np.ndarray, level: np.ndarray, u: np.ndarray
) -> np.ndarray:
    """A venue of `kind` for each person: in the ward (level 0), district (1), province (2), else anywhere.

    Falls back to the next wider area when an area has none; -1 only when the kind does not exist at all.
    """
    offsets = venues.ward_offsets[kind]
    district = geo.ward_district[ward]
    province = geo.ward_province[ward]
    area_lo = np.stack(
        [
            offsets[ward],
            offsets[geo.district_first_ward[district]],
            offsets[geo.province_first_ward[province]],
            np.full(len(ward), offsets[0]),
        ]
    )
    area_hi = np.stack(
        [
            offsets[ward + 1],
            offsets[geo.district_ward_end[district]],
            offsets[geo.province_ward_end[province]],
            np.full(len(ward), offsets[-1]),
        ]
    )
    count = area_hi - area_lo
    chosen_level = np.asarray(level, dtype=np.int64).copy()
    for lv in range(3):
        empty = (chosen_level == lv) & (count[lv] == 0)
        chosen_level[empty] = lv + 1
    rows = np.arange(len(ward))
    lo = area_lo[chosen_level, rows]
    n = count[chosen_level, rows]
    pick = lo + (u * n).astype(np.int64)
    return np.where(n > 0, pick, -1)
