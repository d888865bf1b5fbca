"""Each tracing rule on a tiny hand-made world: windows, dwell times, exit scans, distances, households, F2, strength."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from data.loader import load_dataset
from data.store import Store
from data.tracing_source import TracingSource
from tests import seed
from tracing import build_index, trace, trace_many
from tracing.tracer import NotACase

VN = seed.VN


def at(month: int, day: int, hour: int, minute: int = 0, year: int = 2021) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=VN)


def iso(value: dt.datetime) -> str:
    return value.isoformat()


# Each story uses its own hundred of person ids (story k: k01…k99) and venues (k001…).
# Unless listed in HOUSEHOLDS, everyone lives alone (household = 10 × person_id).
HOUSEHOLDS = {701: 7000, 702: 7000, 703: 7000, 901: 9000, 902: 9000}
PEOPLE = sorted(
    {*range(101, 105), *range(201, 204), *range(301, 308), *range(401, 406), *range(501, 505)}
    | {*range(601, 609), *range(701, 705), *range(801, 808), *range(901, 906)}
)
VENUES = [
    (3001, "market", "Chợ"),
    (3002, "office", "Văn phòng"),
    (4001, "restaurant", "Nhà hàng"),
    (6001, "cafe", "Quán cà phê"),
    (6002, "market", "Chợ ngoài trời"),
    (9001, "cafe", "Quán A"),
    (9002, "restaurant", "Quán B"),
]

CASES = {
    # case: (sample, confirmed)
    101: (at(8, 10, 9), at(8, 10, 20)),
    201: (at(8, 10, 9), at(8, 10, 20)),
    301: (at(8, 10, 9), at(8, 10, 20)),
    401: (at(8, 10, 9), at(8, 10, 20)),
    501: (at(8, 10, 9), at(8, 10, 20)),
    601: (at(5, 10, 9, year=2022), at(5, 10, 20, year=2022)),
    701: (at(8, 10, 9), at(8, 10, 20)),
    801: (at(8, 7, 9), at(8, 7, 20)),
    901: (at(8, 10, 9), at(8, 10, 20)),
}

DECLARATIONS = [
    # person, ts, symptomatic
    (101, at(7, 20, 8), True),  # more than 14 days before the sample: not the onset
    (101, at(8, 1, 8), False),
    (101, at(8, 7, 10), True),  # onset: the window opens on 5 Aug
    (201, at(8, 6, 8), False),  # no symptoms: the window opens 2 days before the sample, 8 Aug
]

CONTACTS = [
    # a, b, start, duration_s, distance_m
    (101, 102, at(8, 5, 0, 30), 60, 1.0),
    (101, 103, at(8, 4, 23, 30), 600, 1.0),  # ends 23:40 the day before the window
    (101, 104, at(8, 10, 21), 60, 1.0),  # after confirmation
    (201, 202, at(8, 8, 0, 10), 60, 1.0),
    (201, 203, at(8, 7, 23), 600, 1.0),
    (501, 502, at(8, 9, 10), 60, 2.0),
    (501, 503, at(8, 9, 11), 60, 2.01),
    (501, 504, at(8, 9, 12), 60, 0.5),
    (601, 602, at(5, 9, 10, year=2022), 60, 1.0),
    (601, 603, at(5, 9, 11, year=2022), 60, 1.5),
    (601, 604, at(5, 9, 12, year=2022), 900, 5.0),
    (601, 605, at(5, 9, 13, year=2022), 899, 1.5),
    (801, 802, at(8, 6, 10), 60, 1.0),  # 802 is F1 from 6 Aug 10:00
    (802, 803, at(8, 6, 9), 60, 1.0),  # before 802's exposure
    (802, 804, at(8, 6, 12), 60, 1.0),  # F2 through 802
    (802, 805, at(8, 7, 21), 60, 1.0),  # after quarantine (801 confirmed 7 Aug 20:00)
    (802, 806, at(8, 7, 19), 60, 3.0),  # too far
    (802, 807, at(8, 6, 13), 60, 1.0),  # 807 is F1 itself: never F2
    (801, 807, at(8, 6, 15), 60, 1.5),
    (802, 801, at(8, 6, 16), 60, 1.0),  # the case: never F2
    (901, 902, at(8, 9, 10), 600, 0.5),  # 902 is also household: household wins
    (901, 903, at(8, 9, 10), 60, 1.5),
    (901, 903, at(8, 9, 14), 30, 0.5),  # the closer encounter wins
]

CHECKINS = [
    # person, venue, ts, direction
    (301, 3001, at(8, 9, 10), "in"),  # market, 60 min: present 10:00–11:00
    (302, 3001, at(8, 9, 10, 59), "in"),  # overlaps 1 min
    (303, 3001, at(8, 9, 11), "in"),  # arrives as the case's presence ends
    (304, 3001, at(8, 9, 9, 1), "in"),  # present until 10:01: overlaps 1 min
    (305, 3001, at(8, 9, 9), "in"),  # present until 10:00: no overlap
    (301, 3002, at(8, 9, 12), "in"),  # office, 8 h: present until 20:00
    (306, 3002, at(8, 9, 19, 30), "in"),
    (307, 3002, at(8, 9, 20), "in"),
    (401, 4001, at(8, 9, 12), "in"),  # restaurant, 90 min, but an exit scan at 12:20
    (401, 4001, at(8, 9, 12, 20), "out"),
    (402, 4001, at(8, 9, 12, 30), "in"),  # after the case left
    (403, 4001, at(8, 9, 12, 10), "in"),  # overlaps 10 min
    (404, 4001, at(8, 9, 11), "in"),  # left at 11:30, before the case came
    (404, 4001, at(8, 9, 11, 30), "out"),
    (405, 4001, at(8, 9, 11), "in"),  # no exit: present until 12:30, overlaps the case's 20 min
    (601, 6001, at(5, 9, 15, year=2022), "in"),  # cafe (closed space), 60 min
    (606, 6001, at(5, 9, 15, 40, year=2022), "in"),  # 20 min together
    (607, 6001, at(5, 9, 15, 50, year=2022), "in"),  # 10 min together
    (601, 6002, at(5, 9, 8, year=2022), "in"),  # market (open air)
    (608, 6002, at(5, 9, 8, year=2022), "in"),  # 60 min together, but not a closed space
    (901, 9001, at(8, 9, 8), "in"),
    (902, 9001, at(8, 9, 8), "in"),
    (903, 9001, at(8, 9, 8), "in"),
    (904, 9001, at(8, 9, 8, 50), "in"),  # 10 min at the cafe
    (901, 9002, at(8, 9, 18), "in"),
    (904, 9002, at(8, 9, 18, 50), "in"),  # 40 min at the restaurant: the longer overlap wins
    (905, 9002, at(8, 9, 18, 50), "in"),
]


def write_world(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    people = [
        (p, None, f"Người {p}", dt.date(1990, 1, 1), "M", None, HOUSEHOLDS.get(p, 10 * p), seed.TAN_DINH)
        for p in PEOPLE
    ]
    venues = [(v, name, kind, seed.TAN_DINH, 10.79, 106.69) for v, kind, name in VENUES]
    checkins = [(5000 + i, p, v, ts, "person_scan", d) for i, (p, v, ts, d) in enumerate(CHECKINS)]
    contacts = [(6000 + i, *row) for i, row in enumerate(CONTACTS)]
    tests = [(7000 + i, p, s, c, "pcr", "positive") for i, (p, (s, c)) in enumerate(CASES.items())]
    declarations = [(8000 + i, p, ts, sym, False, False, False, False) for i, (p, ts, sym) in enumerate(DECLARATIONS)]
    rows = {
        "people": people,
        "venues": venues,
        "checkins": checkins,
        "contacts": contacts,
        "tests": tests,
        "declarations": declarations,
    }
    for name, table_rows in rows.items():
        pq.write_table(seed.table(name, table_rows), folder / f"{name}.parquet")
    return folder


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("world")
    store = Store(folder / "store.duckdb")
    load_dataset(store, write_world(folder / "dataset"))
    yield store
    store.close()


@pytest.fixture(scope="module")
def index(world: Store):
    return build_index(TracingSource(world.cursor()))


def f1_of(index, case: int) -> dict[int, dict]:
    return {entry["person_id"]: entry for entry in trace(index, case)["f1"]}


def test_window_opens_two_days_before_onset_and_closes_at_confirmation(index) -> None:
    result = trace(index, 101)
    assert result["window"] == {"start": "2021-08-05T00:00:00+07:00", "end": "2021-08-10T20:00:00+07:00"}
    assert result["confirmed_ts"] == "2021-08-10T20:00:00+07:00"
    assert set(f1_of(index, 101)) == {102}  # 103 before the window, 104 after confirmation


def test_window_without_symptoms_opens_two_days_before_the_sample(index) -> None:
    assert trace(index, 201)["window"]["start"] == "2021-08-08T00:00:00+07:00"
    assert set(f1_of(index, 201)) == {202}


def test_dwell_time_of_the_venue_kind_bounds_presence(index) -> None:
    f1 = f1_of(index, 301)
    assert set(f1) == {302, 304, 306}
    assert f1[302] == {"person_id": 302, "via": "venue", "venue_id": 3001, "ts": iso(at(8, 9, 10, 59)), "overlap_s": 60}
    assert f1[304]["overlap_s"] == 60 and f1[304]["ts"] == iso(at(8, 9, 10))
    assert f1[306]["overlap_s"] == 30 * 60  # office: 8 hours from noon


def test_points_list_the_venues_with_times_and_people_exposed(index) -> None:
    points = trace(index, 301)["points"]
    assert points == [
        {"venue_id": 3001, "first_ts": iso(at(8, 9, 10)), "last_ts": iso(at(8, 9, 11)), "people_exposed": 2},
        {"venue_id": 3002, "first_ts": iso(at(8, 9, 12)), "last_ts": iso(at(8, 9, 20)), "people_exposed": 1},
    ]


def test_exit_scans_end_presence_early(index) -> None:
    f1 = f1_of(index, 401)
    assert set(f1) == {403, 405}
    assert f1[403]["overlap_s"] == 10 * 60
    assert f1[405]["overlap_s"] == 20 * 60
    assert trace(index, 401)["points"][0]["last_ts"] == iso(at(8, 9, 12, 20))


def test_two_metre_limit(index) -> None:
    f1 = f1_of(index, 501)
    assert set(f1) == {502, 504}
    assert f1[502] == {
        "person_id": 502,
        "via": "proximity",
        "ts": iso(at(8, 9, 10)),
        "duration_s": 60,
        "distance_m": 2.0,
    }


def test_april_2022_version_one_metre_or_fifteen_minutes_in_a_closed_space(index) -> None:
    result = trace(index, 601)
    assert result["rule_version"] == "BYT 2022-04 (1 m / 15 min closed space)"
    f1 = {e["person_id"]: e for e in result["f1"]}
    assert set(f1) == {602, 604, 606}  # 603 at 1.5 m briefly, 605 14:59, 607 10 min, 608 at an open market
    assert f1[606]["via"] == "venue" and f1[606]["overlap_s"] == 20 * 60
    assert [p["venue_id"] for p in result["points"]] == [6002, 6001]
    assert [p["people_exposed"] for p in result["points"]] == [0, 1]


def test_rule_version_2021_is_recorded(index) -> None:
    assert trace(index, 101)["rule_version"] == "3638/QD-BYT 2021-07-30"


def test_household_members_are_f1(index) -> None:
    assert f1_of(index, 701) == {
        702: {"person_id": 702, "via": "household"},
        703: {"person_id": 703, "via": "household"},
    }


def test_f2_from_the_f1s_exposure_until_quarantine(index) -> None:
    result = trace(index, 801)
    assert {e["person_id"] for e in result["f1"]} == {802, 807}
    assert result["f2"] == [
        {
            "person_id": 804,
            "via": "proximity",
            "through": 802,
            "ts": iso(at(8, 6, 12)),
            "duration_s": 60,
            "distance_m": 1.0,
        }
    ]


def test_a_person_reached_several_ways_appears_once_with_the_strongest_link(index) -> None:
    result = trace(index, 901)
    ids = [e["person_id"] for e in result["f1"]]
    assert sorted(ids) == [902, 903, 904, 905] and len(ids) == len(set(ids))
    f1 = {e["person_id"]: e for e in result["f1"]}
    assert f1[902] == {"person_id": 902, "via": "household"}
    assert f1[903]["via"] == "proximity" and f1[903]["distance_m"] == 0.5
    assert f1[904]["via"] == "venue" and f1[904]["venue_id"] == 9002 and f1[904]["overlap_s"] == 40 * 60
    assert 901 not in ids
    assert not {e["person_id"] for e in result["f2"]} & set(ids)


def test_case_and_f1_never_in_f2(index) -> None:
    for case in (101, 301, 401, 801, 901):
        result = trace(index, case)
        f1 = {e["person_id"] for e in result["f1"]}
        f2 = {e["person_id"] for e in result["f2"]}
        assert case not in f1 | f2 and not f1 & f2


def test_batch_gives_the_same_traces_as_one_by_one(index) -> None:
    cases = list(CASES)
    batch = trace_many(index, cases)
    for case, result in zip(cases, batch, strict=True):
        single = trace(index, case)
        assert {k: v for k, v in result.items() if k != "elapsed_ms"} == {
            k: v for k, v in single.items() if k != "elapsed_ms"
        }


def test_not_a_case(index) -> None:
    with pytest.raises(NotACase):
        trace(index, 102)
    with pytest.raises(NotACase):
        trace(index, 101, as_of=at(8, 10, 19))
    assert trace(index, 101, as_of=at(8, 10, 21))["case"] == 101


@pytest.fixture
def own_world(tmp_path: Path):
    """A world for a test that changes it (loads more, refreshes its index in place): the module's stays as every
    other test expects it, whatever the order."""
    store = Store(tmp_path / "store.duckdb")
    load_dataset(store, write_world(tmp_path / "dataset"))
    yield store
    store.close()


def test_refresh_appends_a_load_and_matches_a_rebuild(tmp_path: Path, own_world: Store) -> None:
    """A second load (new check-ins, one closing an earlier presence) is appended, not rebuilt."""
    index = build_index(TracingSource(own_world.cursor()))
    later = tmp_path / "later"
    later.mkdir()
    rows = [
        (9101, 303, 3001, at(8, 9, 11), "person_scan", "out"),  # 303's own exit: no arrival in this load
        (9102, 306, 3002, at(8, 9, 19, 40), "person_scan", "out"),  # ends 306's presence: 10 min with 301
        (9103, 305, 3002, at(8, 9, 13), "person_scan", "in"),
    ]
    pq.write_table(seed.table("checkins", rows), later / "checkins.parquet")
    load_dataset(own_world, later)
    refreshed = index.refresh(TracingSource(own_world.cursor()))
    assert len(refreshed.checkins) == 2
    f1 = f1_of(refreshed, 301)
    assert f1[306]["overlap_s"] == 10 * 60 and 305 in f1
    rebuilt = build_index(TracingSource(own_world.cursor()))
    assert {k: v for k, v in trace(rebuilt, 301).items() if k != "elapsed_ms"} == {
        k: v for k, v in trace(refreshed, 301).items() if k != "elapsed_ms"
    }


def test_a_rule_version_with_a_dwell_time_outside_a_day_is_refused_by_name() -> None:
    import tomllib

    from rules import tracing as rules_tracing

    entry = tomllib.loads(rules_tracing._FILE.read_text(encoding="utf-8"))["version"][0]
    assert rules_tracing._parse(entry).dwell_s["residential"] == 720 * 60
    for minutes in (0, 1441):
        entry["dwell_minutes"] = {**entry["dwell_minutes"], "residential": minutes}
        with pytest.raises(ValueError, match=r"3638/QD-BYT 2021-07-30: dwell_minutes of \['residential'\]"):
            rules_tracing._parse(entry)
