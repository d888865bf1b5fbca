"""The tiny hand-written dataset that every test tier shares: 12 people in 4 wards, a few days of July 2021."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from data.contract import arrow_schema

VN = dt.timezone(dt.timedelta(hours=7))
UTC_TS = pa.timestamp("us", tz="UTC")


def at(day: int, hour: int, minute: int = 0, month: int = 7) -> dt.datetime:
    """An instant given in Viet Nam's local time (2021)."""
    return dt.datetime(2021, month, day, hour, minute, tzinfo=VN)


# Wards: Tân Định and Bến Nghé (Quận 1, HCMC), Phúc Xá (Ba Đình, Hà Nội), Hoàng Văn Thụ (TP Bắc Giang).
TAN_DINH, BEN_NGHE, PHUC_XA, HOANG_VAN_THU = "26734", "26740", "00001", "07210"

PEOPLE = [
    # person_id, citizen_id, full_name, birth_date, sex, phone, household_id, ward_code
    (1, "079085001234", "Nguyễn Văn An", dt.date(1985, 3, 2), "M", "0912345678", 100, TAN_DINH),
    (2, "079188004321", "Trần Thị Bình", dt.date(1988, 11, 20), "F", "0987654321", 100, TAN_DINH),
    (3, "079213000777", "Nguyễn Minh Châu", dt.date(2013, 6, 1), "M", None, 100, TAN_DINH),
    (4, "079160000111", "Lê Thị Dung", dt.date(1960, 1, 15), "F", "0356789012", 101, TAN_DINH),
    (5, None, "Phạm Văn Em", dt.date(1958, 9, 9), "M", None, 101, TAN_DINH),
    (6, "079095002222", "Hoàng Đức Giang", dt.date(1995, 5, 5), "M", "0901234567", 200, BEN_NGHE),
    (7, "079199003333", "Huỳnh Thị Hoa", dt.date(1999, 12, 31), "F", "0779876543", 201, BEN_NGHE),
    (8, "001070004444", "Vũ Văn Khánh", dt.date(1970, 4, 30), "M", "0945678123", 300, PHUC_XA),
    (9, "001175005555", "Đặng Thị Lan", dt.date(1975, 2, 14), "F", "0834567890", 300, PHUC_XA),
    (10, "001205006666", "Vũ Minh Long", dt.date(2005, 8, 19), "M", None, 300, PHUC_XA),
    (11, "024092007777", "Bùi Văn Mạnh", dt.date(1992, 7, 7), "M", "0867123456", 400, HOANG_VAN_THU),
    (12, "024196008888", "Đỗ Thị Ngọc", dt.date(1996, 10, 10), "F", "0398765432", 400, HOANG_VAN_THU),
]

VENUES = [
    # venue_id, name, kind, ward_code, lat, lon
    (1, "Chợ Tân Định", "market", TAN_DINH, 10.7890, 106.6901),
    (2, "Quán cà phê Bến Nghé", "cafe", BEN_NGHE, 10.7760, 106.7030),
    (3, "Công ty TNHH May Hoàng Văn Thụ", "factory", HOANG_VAN_THU, 21.2731, 106.1946),
    (4, "Bệnh viện Phúc Xá", "hospital", PHUC_XA, 21.0470, 105.8470),
    (5, "Trường Tiểu học Tân Định", "school", TAN_DINH, 10.7905, 106.6890),
]

CHECKINS = [
    # event_id, person_id, venue_id, ts, source, direction
    (1001, 1, 1, at(20, 7, 30), "person_scan", "in"),
    (1002, 4, 1, at(20, 8, 0), "person_scan", "in"),
    (1003, 6, 1, at(20, 10, 0), "venue_scan", "in"),
    (1004, 1, 2, at(21, 9, 0), "person_scan", "in"),
    (1005, 7, 2, at(21, 9, 45), "person_scan", "in"),
    (1006, 6, 2, at(21, 13, 0), "person_scan", "in"),
    (1007, 11, 3, at(19, 7, 0), "venue_scan", "in"),
    (1008, 12, 3, at(19, 7, 5), "venue_scan", "in"),
    (1009, 11, 3, at(19, 17, 0), "venue_scan", "out"),
    (1010, 8, 4, at(22, 14, 0), "person_scan", "in"),
    (1011, 3, 5, at(19, 7, 15), "venue_scan", "in"),
    (1012, 2, 1, at(22, 7, 0), "person_scan", "in"),
]

CONTACTS = [
    # event_id, person_a, person_b, start_ts, duration_s, distance_m
    (2001, 1, 4, at(20, 8, 5), 600, 1.5),
    (2002, 1, 7, at(21, 9, 50), 1200, 3.0),
    (2003, 11, 12, at(19, 12, 0), 1800, 0.8),
]

TESTS = [
    # event_id, person_id, sample_ts, result_ts, kind, result
    (3001, 1, at(23, 9, 0), at(23, 21, 0), "pcr", "positive"),
    (3002, 2, at(24, 8, 0), at(24, 20, 0), "pcr", "negative"),
    (3003, 4, at(24, 8, 30), at(24, 20, 0), "pcr", "negative"),
    (3004, 11, at(21, 10, 0), at(21, 22, 0), "pcr", "positive"),
    (3005, 12, at(22, 10, 0), at(22, 23, 30), "pcr", "positive"),
    (3006, 8, at(23, 15, 0), at(23, 15, 20), "antigen", "positive"),
    (3007, 8, at(23, 15, 30), at(24, 9, 0), "pcr", "negative"),
    (3008, 11, at(23, 9, 0), at(23, 20, 0), "pcr", "positive"),
]

VACCINATIONS = [
    # event_id, person_id, ts, dose, vaccine
    (4001, 4, at(1, 9, 0), 1, "AstraZeneca"),
    (4002, 4, at(15, 9, 0), 2, "AstraZeneca"),
    (4003, 5, at(10, 10, 0), 1, "Sinopharm"),
    (4004, 8, at(5, 14, 0), 1, "Moderna"),
    (4005, 9, at(5, 14, 30), 1, "Moderna"),
]

DECLARATIONS = [
    # event_id, person_id, ts, fever, cough, breathless, lost_taste, contact_with_case
    (5001, 1, at(22, 20, 0), True, True, False, False, False),
    (5002, 2, at(22, 20, 5), False, False, False, False, False),
    (5003, 11, at(20, 21, 0), True, False, False, True, False),
    (5004, 12, at(21, 8, 0), False, False, False, False, True),
]

INFECTIONS = [
    # infectee, infector, ts, setting, venue_id
    (1, None, at(18, 12, 0), "seed", None),
    (11, None, at(16, 12, 0), "seed", None),
    (12, 11, at(19, 12, 0), "proximity", None),
]

SCHEMAS = {
    name: arrow_schema(name)
    for name in ("people", "venues", "checkins", "contacts", "tests", "vaccinations", "declarations", "infections")
}

ROWS = {
    "people": PEOPLE,
    "venues": VENUES,
    "checkins": CHECKINS,
    "contacts": CONTACTS,
    "tests": TESTS,
    "vaccinations": VACCINATIONS,
    "declarations": DECLARATIONS,
    "infections": INFECTIONS,
}


def table(name: str, rows: list[tuple] | None = None) -> pa.Table:
    schema = SCHEMAS[name]
    rows = ROWS[name] if rows is None else rows
    columns = list(zip(*rows, strict=True)) if rows else [[] for _ in schema]
    return pa.table([pa.array(list(col), type=f.type) for col, f in zip(columns, schema, strict=True)], schema=schema)


def write_seed(folder: Path, *, split_checkins: bool = True) -> Path:
    """Writes the seed dataset; check-ins as a folder of two parts, the rest one file per table."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ROWS:
        if name == "checkins" and split_checkins:
            (folder / "checkins").mkdir(exist_ok=True)
            half = len(CHECKINS) // 2
            pq.write_table(table(name, CHECKINS[:half]), folder / "checkins" / "part-0001.parquet")
            pq.write_table(table(name, CHECKINS[half:]), folder / "checkins" / "part-0002.parquet")
        else:
            pq.write_table(table(name), folder / f"{name}.parquet")
    return folder
