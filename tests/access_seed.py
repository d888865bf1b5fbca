"""The seed dataset with ids no response can hold by chance, plus a case in Quận 3, and what of it each scope may see.

The crafted-request test (tests/test_access.py) decides a leak by content: a person id of another province found in a
response body. The seed's ids (1 to 12) are found in any body, so here every person, household and venue id is mapped
to a ten-digit number of its own; a case in Quận 3 (district 770) gives a district officer of Quận 1 something of its
own province outside its districts. What belongs where is then read back from the store, not from this file."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq

from data.store import Store
from data.viewer import Viewer
from tests import seed
from tests.seed import at

DIRECTIVE_MARK = "CHITHI"  # a directive's text carries it and its recipient's code: CHITHI79
VO_THI_SAU = "27139"  # Quận 3, Thành phố Hồ Chí Minh: a ward whose name no other district of the city has


def person(number: int) -> int:
    return 7_310_000_000 + number * 10_101


def venue(number: int) -> int:
    return 5_120_000_000 + number * 30_303


def household(number: int) -> int:
    return 6_040_000_000 + number * 7


# Three residents of Quận 3: one case, a household F1 and an F1 met at a restaurant of the ward.
EXTRA_PEOPLE = [
    (13, "079080009991", "Tạ Văn Quang", seed.dt.date(1980, 2, 3), "M", "0708111222", 500, VO_THI_SAU),
    (14, "079185009992", "Lý Thị Sương", seed.dt.date(1985, 4, 5), "F", "0708333444", 500, VO_THI_SAU),
    (15, "079190009993", "Mai Văn Tài", seed.dt.date(1990, 6, 7), "M", "0708555666", 501, VO_THI_SAU),
]
EXTRA_VENUES = [(6, "Nhà hàng Kỳ Đồng", "restaurant", VO_THI_SAU, 10.7840, 106.6850)]
EXTRA_CHECKINS = [
    (1101, 13, 6, at(20, 12, 0), "person_scan", "in"),
    (1102, 15, 6, at(20, 12, 30), "person_scan", "in"),
]
EXTRA_TESTS = [(3101, 13, at(22, 9, 0), at(22, 20, 0), "pcr", "positive")]
EXTRA_INFECTIONS = [(13, None, at(17, 12, 0), "seed", None)]


def remapped_rows() -> dict[str, list[tuple]]:
    """The seed's rows (and the Quận 3 ones) with person, household and venue ids mapped; events keep theirs."""
    people = seed.PEOPLE + EXTRA_PEOPLE
    return {
        "people": [(person(p), c, n, b, s, ph, household(h), w) for p, c, n, b, s, ph, h, w in people],
        "venues": [(venue(v), *rest) for v, *rest in seed.VENUES + EXTRA_VENUES],
        "checkins": [(e, person(p), venue(v), *rest) for e, p, v, *rest in seed.CHECKINS + EXTRA_CHECKINS],
        "contacts": [(e, person(a), person(b), *rest) for e, a, b, *rest in seed.CONTACTS],
        "tests": [(e, person(p), *rest) for e, p, *rest in seed.TESTS + EXTRA_TESTS],
        "vaccinations": [(e, person(p), *rest) for e, p, *rest in seed.VACCINATIONS],
        "declarations": [(e, person(p), *rest) for e, p, *rest in seed.DECLARATIONS],
        "infections": [
            (person(p), None if by is None else person(by), ts, setting, None if v is None else venue(v))
            for p, by, ts, setting, v in seed.INFECTIONS + EXTRA_INFECTIONS
        ],
    }


def write_access_seed(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in remapped_rows().items():
        pq.write_table(seed.table(name, rows), folder / f"{name}.parquet")
    return folder


@dataclass(frozen=True)
class Place:
    """Where a thing of the store lies: its ward, district and province codes."""

    ward: str
    district: str
    province: str

    def inside(self, viewer: Viewer) -> bool:
        if viewer.level == "national":
            return True
        return (self.province if viewer.level == "province" else self.district) in viewer.codes


@dataclass
class Secrets:
    """Everything of the store a response could give away, each with where it lies (read from the store)."""

    # kind -> list of (value, place): kinds "name", "phone", "citizen_id", "person_id", "case_id", "venue_id",
    # "venue_name"; areas apart, by code.
    things: dict[str, list[tuple[str, Place]]] = field(default_factory=dict)
    areas: dict[str, dict] = field(default_factory=dict)  # every area of the country: code -> row
    data_areas: set[str] = field(default_factory=set)  # the codes of the areas where something of the store lies

    @classmethod
    def read(cls, store: Store) -> Secrets:
        cursor = store.cursor()
        areas = {
            row[0]: {"code": row[0], "level": row[1], "province": row[2], "district": row[3], "names": row[4:]}
            for row in cursor.execute(
                "SELECT code, level, province_code, district_code, name, short_name FROM areas"
            ).fetchall()
        }

        def place(ward: str) -> Place:
            return Place(ward, areas[ward]["district"], areas[ward]["province"])

        found = cls(areas=areas)
        people = cursor.execute(
            "SELECT person_id, full_name, phone, citizen_id, ward_code, person_id IN (SELECT person_id FROM cases) "
            "FROM people"
        ).fetchall()
        for person_id, name, phone, citizen_id, ward, is_case in people:
            where = place(ward)
            # A case's id is its person id: found as a case's (press reads clusters by their first case's id).
            found.add("case_id" if is_case else "person_id", str(person_id), where)
            found.add("name", name, where)
            found.add("phone", phone, where)
            found.add("citizen_id", citizen_id, where)
        for venue_id, name, ward in cursor.execute("SELECT venue_id, name, ward_code FROM venues").fetchall():
            found.add("venue_id", str(venue_id), place(ward))
            found.add("venue_name", name, place(ward))
        for cluster_id, provinces in cursor.execute("SELECT cluster_id, province_codes FROM clusters").fetchall():
            # A cluster's id is one of its cases' (a person id), so it is found as that; kept to say it is a cluster.
            found.add("cluster_id", str(cluster_id), Place("", "", provinces[0]))
        if cursor.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'directives'").fetchone()[
            0
        ]:
            # A directive's text, placed at its recipient (its issuer is above it, so sees it too).
            for text, province, district in cursor.execute(
                "SELECT text, recipient_province, recipient_district FROM directives"
            ).fetchall():
                mark = re.search(rf"{DIRECTIVE_MARK}\d+", text)
                found.add("directive", mark.group(0) if mark else text, Place("", district or "", province))
        for where in {p for values in found.things.values() for _v, p in values}:
            found.data_areas |= {code for code in (where.ward, where.district, where.province) if code}
        return found

    def add(self, kind: str, value: object, where: Place) -> None:
        if value is not None and str(value).strip():
            self.things.setdefault(kind, []).append((str(value), where))

    def area_inside(self, code: str, viewer: Viewer) -> bool:
        """An area the viewer may see: inside its jurisdiction, or above it (a district's own province)."""
        if viewer.level == "national":
            return True
        row = self.areas[code]
        if viewer.level == "province":
            return row["province"] in viewer.codes
        if row["level"] == "province":
            return any(self.areas[c]["province"] == code for c in viewer.codes)
        return (row["district"] or code) in viewer.codes

    def forbidden(self, viewer: Viewer | None, *, personal: bool, epidemic: bool, contacts: bool = True) -> Forbidden:
        """What a principal with this scope may not be shown (viewer None: nobody logged in, so nothing at all).
        Without `personal`, nobody's name, phone or identity number; without `contacts`, no id of a person who is not
        a case (the contacts of a trace); without `epidemic`, no person, case or venue at all; outside the viewer,
        nothing of the place."""
        values: dict[str, set[str]] = {}
        for kind, entries in self.things.items():
            for value, where in entries:
                outside = viewer is None or not where.inside(viewer)
                hidden = (
                    outside
                    or (kind in PERSONAL and not personal)
                    or (not epidemic and kind in EPIDEMIC)
                    or (not contacts and kind == "person_id")
                )
                if hidden:
                    values.setdefault(kind, set()).add(value)
        visible_names = set()
        hidden_codes = set()
        for code, row in self.areas.items():
            if viewer is not None and self.area_inside(code, viewer):
                visible_names |= set(row["names"])
            elif code in self.data_areas:
                hidden_codes.add(code)
        # A name that also names an area the viewer may see (Hà Nội has its own Phường Hoàng Văn Thụ) says nothing.
        hidden_names = {
            name
            for code in hidden_codes
            for name in self.areas[code]["names"]
            if name not in visible_names and len(name) > 3 and not name.isdigit()
        }
        # Where data lies outside the viewer: data areas, and the provinces and districts above them.
        return Forbidden(values, hidden_codes, hidden_names)


PERSONAL = {"name", "phone", "citizen_id"}
IDS = {"person_id", "case_id", "cluster_id"}
EPIDEMIC = PERSONAL | IDS | {"venue_id", "venue_name"}


def fold(text: str) -> str:
    """Case and diacritics dropped (`Nguyễn` and `NGUYEN` alike), so an export that strips accents is read too."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


@dataclass
class Forbidden:
    """One principal's list of what must appear in none of its responses, and the search for it in a text."""

    values: dict[str, set[str]]
    area_codes: set[str]
    area_names: set[str]

    def __post_init__(self) -> None:
        words = [(kind, v) for kind in ("name", "venue_name", "directive") for v in self.values.get(kind, ())]
        words += [("area_name", name) for name in self.area_names]
        self._words = [(kind, value, _word(fold(value))) for kind, value in words]
        digits = [
            (kind, v)
            for kind in ("phone", "citizen_id", "person_id", "case_id", "venue_id")
            for v in self.values.get(kind, ())
        ]
        digits += [("ward_code", code) for code in self.area_codes if len(code) == 5]
        self._digits = [(kind, value, re.compile(rf"(?<!\d){re.escape(value)}(?!\d)")) for kind, value in digits]
        self._params = [
            (code, re.compile(rf"(?:province|district|ward|code|area)=\"?{code}(?!\d)|/area/{code}(?!\d)"))
            for code in self.area_codes
        ]

    def __bool__(self) -> bool:
        return bool(self.area_codes or self.area_names or any(self.values.values()))

    def search(self, text: Text, echoed: set[str], *, areas: bool = True, numbers: bool = True) -> list[str]:
        """Every forbidden thing found in `text` (all the text of one response), but a value the request itself
        sent (`echoed`: a page naming the id it was asked for, to say it has nothing of it, tells nothing). `areas`
        False: the country's areas are not searched for (the boundaries every map draws are the whole country's,
        names and codes, and hold no epidemic data); `numbers` False: no id or code is searched for (the app's own
        scripts, full of numbers that mean nothing)."""
        found = [
            f"{kind} {value!r}"
            for kind, value, pattern in self._words
            if (areas or kind != "area_name") and pattern.search(text.folded)
        ]
        found += [
            f"{kind} {value}"
            for kind, value, pattern in self._digits
            if numbers
            and value not in echoed
            and (areas or kind != "ward_code")
            and (pattern.search(text.whole) or pattern.search(text.squashed))
        ]
        found += [
            f"area_code {code}"
            for code, pattern in self._params
            if areas and numbers and code not in echoed and (code in text.strings or pattern.search(text.whole))
        ]
        return found


class Text:
    """All the text of one response, as searched: whole, folded (no case, no diacritics), digits' groups joined
    (0912 345 678, 7.310.010.101; not 0.0001), and its exact string values and keys."""

    def __init__(self, texts: list[str], strings: set[str]) -> None:
        self.whole = "\n".join(texts)
        self.strings = strings
        self.folded = fold(self.whole)
        self.squashed = re.sub(r"(?<=\d)[ .\-,](?=\d{3}(?!\d))", "", self.whole)


def _word(folded: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(folded)}(?!\w)")
