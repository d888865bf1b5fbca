"""The generated dataset has exactly the contract's tables, columns and types, and valid values."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from scenario import reference
from scenario.output import SCHEMAS

TS = pa.timestamp("us", tz="UTC")
REQUIRED = {
    "people": {
        "person_id": pa.int64(),
        "citizen_id": pa.string(),
        "full_name": pa.string(),
        "birth_date": pa.date32(),
        "sex": pa.string(),
        "phone": pa.string(),
        "household_id": pa.int64(),
        "ward_code": pa.string(),
    },
    "venues": {
        "venue_id": pa.int64(),
        "name": pa.string(),
        "kind": pa.string(),
        "ward_code": pa.string(),
        "lat": pa.float64(),
        "lon": pa.float64(),
    },
    "checkins": {
        "event_id": pa.int64(),
        "person_id": pa.int64(),
        "venue_id": pa.int64(),
        "ts": TS,
        "source": pa.string(),
        "direction": pa.string(),
    },
    "contacts": {
        "event_id": pa.int64(),
        "person_a": pa.int64(),
        "person_b": pa.int64(),
        "start_ts": TS,
        "duration_s": pa.int64(),
        "distance_m": pa.float64(),
    },
    "tests": {
        "event_id": pa.int64(),
        "person_id": pa.int64(),
        "sample_ts": TS,
        "result_ts": TS,
        "kind": pa.string(),
        "result": pa.string(),
    },
    "vaccinations": {
        "event_id": pa.int64(),
        "person_id": pa.int64(),
        "ts": TS,
        "dose": pa.int64(),
        "vaccine": pa.string(),
    },
    "declarations": {
        "event_id": pa.int64(),
        "person_id": pa.int64(),
        "ts": TS,
        "fever": pa.bool_(),
        "cough": pa.bool_(),
        "breathless": pa.bool_(),
        "lost_taste": pa.bool_(),
        "contact_with_case": pa.bool_(),
    },
    "infections": {
        "infectee": pa.int64(),
        "infector": pa.int64(),
        "ts": TS,
        "setting": pa.string(),
        "venue_id": pa.int64(),
    },
}


@pytest.mark.parametrize("table", sorted(REQUIRED))
def test_every_file_has_the_contract_types(dataset, table):
    files = dataset.files(table)
    assert files and all(f.exists() for f in files)
    for path in files:
        schema = pq.read_schema(path)
        for column, expected in REQUIRED[table].items():
            assert schema.field(column).type == expected, f"{path.name}: {column} is {schema.field(column).type}"
        assert schema.remove_metadata().equals(SCHEMAS[table])


def test_large_tables_are_folders_of_parts(dataset):
    for table in ("checkins", "contacts", "declarations"):
        assert (dataset.path / table).is_dir()
        assert dataset.files(table)[0].name == "part-0001.parquet"
    for table in ("people", "venues", "tests", "vaccinations", "infections"):
        assert (dataset.path / f"{table}.parquet").is_file()


def test_counts_match_the_files(dataset):
    for table, rows in dataset.counts.items():
        assert sum(pq.ParquetFile(f).metadata.num_rows for f in dataset.files(table)) == rows, table
    assert dataset.counts["checkins"] > 10 * dataset.counts["people"]
    assert dataset.counts["contacts"] > dataset.counts["people"]


@pytest.mark.parametrize("table", ["checkins", "contacts", "tests", "vaccinations", "declarations"])
def test_event_ids_are_unique(dataset, table):
    ids = dataset.frame(table)["event_id"].to_numpy()
    assert len(ids) > 0
    assert len(np.unique(ids)) == len(ids)


def test_enumerations(dataset):
    assert set(dataset.frame("venues")["kind"]) == set(reference.KINDS)
    checkins = dataset.frame("checkins")
    assert set(checkins["source"]) == {"person_scan", "venue_scan"}
    assert set(checkins["direction"]) == {"in", "out"}
    tests = dataset.frame("tests")
    assert set(tests["kind"]) == {"pcr", "antigen"}
    assert set(tests["result"]) == {"positive", "negative"}
    assert (tests["result"] == "negative").mean() > 0.5
    vaccinations = dataset.frame("vaccinations")
    assert set(vaccinations["dose"]) == {1, 2}
    assert set(vaccinations["vaccine"]) <= {"AstraZeneca", "Pfizer", "Moderna", "Sinopharm", "Sputnik V"}
    assert set(dataset.frame("people")["sex"]) == {"M", "F"}
    assert set(dataset.frame("infections")["setting"]) == {"household", "venue", "proximity", "community", "seed"}


def test_exit_scans_follow_an_entry_at_the_same_venue(dataset):
    checkins = dataset.frame("checkins")
    kinds = dataset.frame("venues").set_index("venue_id")["kind"]
    out = checkins[checkins["direction"] == "out"]
    assert len(out) > 0
    assert set(kinds.loc[out["venue_id"]]) <= {"office", "factory", "hospital", "checkpoint"}
    entries = checkins[checkins["direction"] == "in"]
    merged = out.merge(entries, on=["person_id", "venue_id"], suffixes=("_out", "_in"))
    merged = merged[merged["ts_in"] <= merged["ts_out"]]
    assert out["event_id"].isin(merged["event_id_out"]).all()


def test_contacts_are_ordered_pairs_with_a_spread_of_distances(dataset):
    contacts = dataset.frame("contacts")
    assert (contacts["person_a"] < contacts["person_b"]).all()
    assert (contacts["duration_s"] > 0).all()
    assert 0.05 < (contacts["distance_m"] > 2.0).mean() < 0.6
    assert (contacts["distance_m"] > 0).all()


def test_contacts_are_between_app_users(dataset):
    """Everybody in a Bluetooth encounter has a phone; nobody without one ever appears."""
    people = dataset.frame("people").set_index("person_id")
    involved = np.union1d(dataset.frame("contacts")["person_a"], dataset.frame("contacts")["person_b"])
    assert people.loc[involved, "phone"].notna().all()
    scanners = dataset.frame("checkins")["person_id"].unique()
    assert people.loc[scanners, "phone"].notna().all()
