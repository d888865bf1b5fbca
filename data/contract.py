"""The canonical dataset of CONTRACT §1 as data: tables, columns, type families and nullability."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa

# The venue kinds are domain vocabulary, shared with the tracing rules; the contract names them for the loader.
from rules.venues import VENUE_KINDS as VENUE_KINDS

# Parquet types (as DuckDB describes them) that each family of the contract accepts.
TYPE_FAMILIES: dict[str, frozenset[str]] = {
    "integer": frozenset({"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT"}),
    "text": frozenset({"VARCHAR"}),
    "date": frozenset({"DATE"}),
    "instant": frozenset({"TIMESTAMP WITH TIME ZONE"}),
    "number": frozenset(
        {"FLOAT", "DOUBLE", "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER"}
    ),
    "boolean": frozenset({"BOOLEAN"}),
}

FAMILY_WORDS = {
    "integer": "an integer",
    "text": "text (VARCHAR)",
    "date": "a DATE",
    "instant": "a TIMESTAMP adjusted to UTC (TIMESTAMPTZ)",
    "number": "a number",
    "boolean": "a BOOLEAN",
}

# How each family is stored.
STORAGE_TYPES = {
    "integer": "BIGINT",
    "text": "VARCHAR",
    "date": "DATE",
    "instant": "TIMESTAMPTZ",
    "number": "DOUBLE",
    "boolean": "BOOLEAN",
}


@dataclass(frozen=True)
class Column:
    name: str
    family: str
    nullable: bool = False
    default: str | None = None  # SQL literal used when an optional column is absent


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    key: str
    optional_columns: tuple[Column, ...] = field(default=())

    @property
    def all_columns(self) -> tuple[Column, ...]:
        return self.columns + self.optional_columns


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "people",
            (
                Column("person_id", "integer"),
                Column("citizen_id", "text", nullable=True),
                Column("full_name", "text"),
                Column("birth_date", "date"),
                Column("sex", "text"),
                Column("phone", "text", nullable=True),
                Column("household_id", "integer"),
                Column("ward_code", "text"),
            ),
            key="person_id",
        ),
        Table(
            "venues",
            (
                Column("venue_id", "integer"),
                Column("name", "text"),
                Column("kind", "text"),
                Column("ward_code", "text"),
                Column("lat", "number"),
                Column("lon", "number"),
            ),
            key="venue_id",
        ),
        Table(
            "checkins",
            (
                Column("event_id", "integer"),
                Column("person_id", "integer"),
                Column("venue_id", "integer"),
                Column("ts", "instant"),
                Column("source", "text"),
            ),
            key="event_id",
            # An exit scan (`chieu=ra` in the legacy QR platform) ends a presence early.
            optional_columns=(Column("direction", "text", default="'in'"),),
        ),
        Table(
            "contacts",
            (
                Column("event_id", "integer"),
                Column("person_a", "integer"),
                Column("person_b", "integer"),
                Column("start_ts", "instant"),
                Column("duration_s", "integer"),
                Column("distance_m", "number"),
            ),
            key="event_id",
        ),
        Table(
            "tests",
            (
                Column("event_id", "integer"),
                Column("person_id", "integer"),
                Column("sample_ts", "instant"),
                Column("result_ts", "instant"),
                Column("kind", "text"),
                Column("result", "text"),
            ),
            key="event_id",
        ),
        Table(
            "vaccinations",
            (
                Column("event_id", "integer"),
                Column("person_id", "integer"),
                Column("ts", "instant"),
                Column("dose", "integer"),
                Column("vaccine", "text"),
            ),
            key="event_id",
        ),
        Table(
            "declarations",
            (
                Column("event_id", "integer"),
                Column("person_id", "integer"),
                Column("ts", "instant"),
                Column("fever", "boolean"),
                Column("cough", "boolean"),
                Column("breathless", "boolean"),
                Column("lost_taste", "boolean"),
                Column("contact_with_case", "boolean"),
            ),
            key="event_id",
        ),
        Table(
            "infections",
            (
                Column("infectee", "integer"),
                Column("infector", "integer", nullable=True),
                Column("ts", "instant"),
                Column("setting", "text"),
                Column("venue_id", "integer", nullable=True),
            ),
            key="infectee",
        ),
    )
}

# The register and the places come first: events refer to them.
LOAD_ORDER = ("people", "venues", "checkins", "contacts", "tests", "vaccinations", "declarations", "infections")


def arrow_schema(name: str, extra: tuple[tuple[str, str], ...] = ()) -> pa.Schema:
    """The Parquet schema a producer writes for a contract table (required, then optional columns, then `extra`
    (name, family) pairs), with the exact types the loader accepts."""
    types = {
        "integer": pa.int64(),
        "text": pa.string(),
        "date": pa.date32(),
        "instant": pa.timestamp("us", tz="UTC"),
        "number": pa.float64(),
        "boolean": pa.bool_(),
    }
    table = TABLES[name]
    columns = [(c.name, types[c.family]) for c in table.all_columns]
    columns += [(column, types[family]) for column, family in extra]
    return pa.schema(columns)
