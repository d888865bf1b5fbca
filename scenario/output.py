"""Parquet output of the canonical dataset (CONTRACT §1) with fixed settings, so equal data give equal bytes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from data.contract import arrow_schema

TS = pa.timestamp("us", tz="UTC")

# The contract's tables as data/contract.py defines them; the ground truth carries when each side was at the venue.
PRESENCE_COLUMNS = ("infector_arrival", "infector_departure", "infectee_arrival", "infectee_departure")
SCHEMAS: dict[str, pa.Schema] = {
    name: arrow_schema(name, tuple((c, "instant") for c in PRESENCE_COLUMNS) if name == "infections" else ())
    for name in ("people", "venues", "checkins", "contacts", "tests", "vaccinations", "declarations", "infections")
}
SCHEMAS["outcomes"] = pa.schema([("person_id", pa.int64()), ("ts", TS), ("outcome", pa.string())])


# Tables written as a folder of parts as they are produced; the others as one file.
PARTED = ("checkins", "contacts", "declarations")

WRITE_OPTIONS = dict(
    compression="zstd",
    compression_level=1,
    use_dictionary=True,
    write_statistics=True,
    data_page_version="2.0",
    version="2.6",
)
ROW_GROUP = 1 << 20


def strings(values: tuple[str, ...] | list[str], codes: np.ndarray) -> pa.Array:
    """A string column from small-vocabulary codes, without building Python strings per row."""
    return pa.array(list(values), type=pa.string()).take(pa.array(codes, type=pa.int32()))


def timestamps(us: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    return pa.array(us.astype(np.int64, copy=False), type=TS, mask=null)


def write_table(path: Path, table: pa.Table) -> None:
    pq.write_table(table, path, row_group_size=ROW_GROUP, **WRITE_OPTIONS)


class PartedTable:
    """Appends batches to `name/part-NNNN.parquet`, cutting a part every `rows_per_part` rows."""

    def __init__(self, out_dir: Path, name: str, rows_per_part: int = 8 << 20) -> None:
        self.folder = out_dir / name
        self.folder.mkdir(parents=True, exist_ok=True)
        self.schema = SCHEMAS[name]
        self.rows_per_part = rows_per_part
        self.part = 0
        self.writer: pq.ParquetWriter | None = None
        self.rows_in_part = 0
        self.rows = 0

    def append(self, table: pa.Table) -> None:
        table = table.cast(self.schema) if table.schema != self.schema else table
        offset = 0
        while offset < table.num_rows:
            if self.writer is None:
                self.part += 1
                path = self.folder / f"part-{self.part:04d}.parquet"
                self.writer = pq.ParquetWriter(path, self.schema, **WRITE_OPTIONS)
                self.rows_in_part = 0
            take = min(table.num_rows - offset, self.rows_per_part - self.rows_in_part)
            self.writer.write_table(table.slice(offset, take), row_group_size=ROW_GROUP)
            offset += take
            self.rows_in_part += take
            self.rows += take
            if self.rows_in_part >= self.rows_per_part:
                self.writer.close()
                self.writer = None

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None
        if self.part == 0:
            # an empty table still has a readable part with the right columns
            write_table(self.folder / "part-0001.parquet", self.schema.empty_table())
