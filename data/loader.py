"""`pccovid load`: validates a canonical dataset (CONTRACT §1) and appends it to the store, all or nothing."""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from data import pipeline
from data.contract import (
    FAMILY_WORDS,
    LOAD_ORDER,
    STORAGE_TYPES,
    TABLES,
    TYPE_FAMILIES,
    VENUE_KINDS,
    Column,
    Table,
)
from data.pipeline import LoadReport, TableReport
from data.sql import sql
from data.store import Store
from rules.plausibility import plausibility

log = logging.getLogger(__name__)

VN = dt.timezone(dt.timedelta(hours=7))  # birth dates are Viet Nam's calendar days


# Characters that would break the one-line reason or reorder it on a terminal (file names and DuckDB's messages
# reach it too, not only values, which the queries already shorten with `shown`).
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028-\u202e\u2066-\u2069]")
MAX_REASON_CHARS = 500


class DatasetError(ValueError):
    """The dataset breaks the contract; the message names the file, row and column, on one line of bounded length."""

    def __init__(self, message: str) -> None:
        line = _UNPRINTABLE.sub("\N{REPLACEMENT CHARACTER}", message)
        if len(line) > MAX_REASON_CHARS:
            line = line[: MAX_REASON_CHARS - 1] + "…"
        super().__init__(line)


def discover(folder: Path) -> dict[str, list[Path]]:
    """The Parquet files of each contract table in a dataset folder (`t.parquet` or `t/*.parquet`)."""
    if not folder.is_dir():
        raise DatasetError(f"{folder}: not a folder")
    found: dict[str, list[Path]] = {}
    for name in LOAD_ORDER:
        single, parts = folder / f"{name}.parquet", folder / name
        if single.is_file() and parts.is_dir():
            raise DatasetError(f"{folder}: both {name}.parquet and {name}/ exist; keep one")
        if single.is_file():
            found[name] = [single]
        elif parts.is_dir():
            files = sorted(parts.rglob("*.parquet"))
            if not files:
                raise DatasetError(f"{parts}: folder holds no .parquet files")
            found[name] = files
    if not found:
        raise DatasetError(f"{folder}: no table of the contract found (people.parquet, checkins/, …)")
    return found


@dataclass(frozen=True)
class SourceColumns:
    """What the files of one table hold beyond the required columns, as the source view must read it."""

    optional: frozenset[str]  # optional columns present (in every file)
    unsigned_64: frozenset[str]  # integer columns typed UBIGINT in some file: values may not fit a BIGINT


def _check_columns(con: duckdb.DuckDBPyConnection, table: Table, files: list[Path], root: Path) -> SourceColumns:
    """Every file has every required column with a type of the right family; returns what the view needs to know."""
    optional_present: set[str] | None = None
    unsigned_64: set[str] = set()
    for path in files:
        rel = path.relative_to(root)
        try:
            described = con.execute(sql("load/describe_file"), {"path": str(path)}).fetchall()
        except duckdb.Error as exc:
            raise DatasetError(f"{rel}: not a readable Parquet file ({str(exc).splitlines()[0]})") from exc
        types = {row[0]: row[1] for row in described}
        for column in table.columns:
            if column.name not in types:
                raise DatasetError(f"{rel}: column {column.name} is missing")
            if types[column.name] not in TYPE_FAMILIES[column.family]:
                raise DatasetError(
                    f"{rel}: column {column.name} has type {types[column.name]}, expected {FAMILY_WORDS[column.family]}"
                )
        present = set()
        for column in table.optional_columns:
            if column.name in types:
                if types[column.name] not in TYPE_FAMILIES[column.family]:
                    raise DatasetError(
                        f"{rel}: column {column.name} has type {types[column.name]}, expected {FAMILY_WORDS[column.family]}"
                    )
                present.add(column.name)
        if optional_present is not None and present != optional_present:
            raise DatasetError(f"{rel}: optional columns differ from the other files of {table.name}")
        optional_present = present
        unsigned_64 |= {c.name for c in table.all_columns if types.get(c.name) == "UBIGINT"}
    return SourceColumns(frozenset(optional_present or ()), frozenset(unsigned_64))


def _source_view(con: duckdb.DuckDBPyConnection, table: Table, files: list[Path], columns: SourceColumns) -> None:
    """Creates the view `src`: the dataset's rows cast to the store's types, with file and 1-based row.

    An unsigned 64-bit column is read as HUGEINT instead: a value above 2^63 - 1 failed the cast to BIGINT with a
    traceback, before any check could name its row. The validation refuses it against the id and count bounds, and
    only values that fit reach the store's BIGINT columns."""
    rel = con.read_parquet([str(f) for f in files], filename=True, file_row_number=True, union_by_name=True)

    def cast(c: Column) -> str:
        # Identifiers and types come from the contract (an allow-list), never from the files.
        storage = "HUGEINT" if c.name in columns.unsigned_64 else STORAGE_TYPES[c.family]
        return f"CAST({c.name} AS {storage}) AS {c.name}"

    items = [cast(c) for c in table.columns]
    items += [cast(c) if c.name in columns.optional else f"{c.default} AS {c.name}" for c in table.optional_columns]
    # _key: the table's key under one name, so the queries that deduplicate and find copies serve every table.
    items += [f"{table.key} AS _key", "filename AS _file", "file_row_number + 1 AS _row"]
    rel.project(", ".join(items)).create_view("src", replace=True)


def bounds_at(now: dt.datetime) -> dict[str, object]:
    """The plausibility bounds (rules/plausibility.toml) as the validation queries bind them, for a load at `now`."""
    rule = plausibility()
    earliest_birth, latest_birth = rule.birth_range(rule.latest_event(now).astimezone(VN).date())
    return {
        "earliest_ts": rule.earliest_event,
        "latest_ts": rule.latest_event(now),
        "earliest_birth": earliest_birth,
        "latest_birth": latest_birth,
        "max_age_years": rule.max_age_years,
        "max_result_days": rule.max_result_delay.days,
        "lat_min": rule.lat_range[0],
        "lat_max": rule.lat_range[1],
        "lon_min": rule.lon_range[0],
        "lon_max": rule.lon_range[1],
        "max_duration_s": rule.max_contact_duration_s,
        "max_distance_m": rule.max_contact_distance_m,
        "dose_min": rule.dose_range[0],
        "dose_max": rule.dose_range[1],
        "id_min": rule.id_range[0],
        "id_max": rule.id_range[1],
        **{f"max_chars_{column}": n for column, n in rule.max_chars.items()},
        "forbidden": rule.forbidden_pattern(),
        "venue_kinds": list(VENUE_KINDS),
    }


def _named(query: str, params: dict[str, object]) -> dict[str, object]:
    """The parameters a query names: DuckDB refuses a parameter the query does not use, and each uses a few bounds."""
    return {name: params[name] for name in set(re.findall(r"\$(\w+)", query)) if name in params}


def invalid_rows(con: duckdb.DuckDBPyConnection, table: Table, bounds: dict[str, object], limit: int) -> list[tuple]:
    """The first `limit` rows of the view `src` that break the contract or the plausibility bounds, in (file, row)
    order: (file, row, "column|reason", how many are invalid in all). The loader refuses the dataset on the first,
    the stream (data/stream.py) refuses each event alone."""
    query = sql(f"load/validate_{table.name}")
    return con.execute(query, {**_named(query, bounds), "invalid_rows": limit}).fetchall()


def _validate(con: duckdb.DuckDBPyConnection, table: Table, root: Path, bounds: dict[str, object]) -> None:
    found = invalid_rows(con, table, bounds, 1)
    if found:
        file, row, problem, invalid = found[0]
        column, _, reason = problem.partition("|")
        more = f" ({invalid - 1:,} more invalid rows in {table.name})" if invalid > 1 else ""
        raise DatasetError(f"{Path(file).relative_to(root)} row {row} column {column}: {reason}{more}")


_REGISTER_NOUNS = {"people": "person", "venues": "venue", "infections": "infection"}


def _check_conflicts(con: duckdb.DuckDBPyConnection, table: Table, root: Path, load_id: int, repeated: bool) -> None:
    """After appending, refuses a row that differs from the stored row of its key (from an earlier load, or the first
    copy in this dataset): a re-sent copy changes nothing, but a different one was dropped without a word (a
    negative test re-sent as positive). One join on the key, whatever the dataset's size."""
    con.execute(sql(f"load/conflicts_{table.name}"), {"load_id": load_id, "repeated": repeated})
    found = con.execute(sql("load/first_conflict")).fetchall()
    if not found:
        return
    file, row, column, key, known, sent, sent_earlier, conflicts = found[0]
    if sent_earlier:
        # Identifiers come from the contract; the key's value is bound.
        first = con.execute(sql("load/first_copy"), {"key": key}).fetchall()[0]
        where = f"{table.key} {key} was sent earlier ({Path(first[0]).relative_to(root)} row {first[1]}) with {column} {known}"
    else:
        where = f"{table.key} {key} is stored with {column} {known}"
    if table.key == "event_id":
        remedy = "a correction must be sent as a new event"
    else:
        # The register's derived counts (people per ward, cards, households for tracing) are built once per
        # person; changing one in place would leave them wrong, so a change needs its own path.
        remedy = f"a load does not change a stored {_REGISTER_NOUNS[table.name]}"
    rows = "1 conflicting row" if conflicts == 1 else f"{conflicts:,} conflicting rows"
    raise DatasetError(
        f"{Path(file).relative_to(root)} row {row} column {column}: {where}, this row has {sent} "
        f"({rows} in {table.name}); {remedy}"
    )


def deduplicate(con: duckdb.DuckDBPyConnection, table: Table) -> int:
    """Events sent twice in one dataset count once: keep the first copy (only when there are copies); returns how many
    copies there were. `_check_conflicts` then refuses a copy that differs from the first."""
    copies = con.execute(sql("load/copies")).fetchall()[0][0]
    if copies:
        log.info("%s: %d repeated %s in the dataset, kept once", table.name, copies, table.key)
        con.execute(sql("load/keep_first_copies"))
        con.table("src_once").create_view("src", replace=True)
    return copies


def row_count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    return con.execute(sql("load/row_count"), {"table_name": table}).fetchall()[0][0]


class _ReadFailed(Exception):
    """DuckDB failed while reading one table's files inside the load transaction (which is then aborted)."""

    def __init__(self, table: Table, files: list[Path], error: duckdb.Error) -> None:
        super().__init__(str(error))
        self.table, self.files, self.error = table, files, error


def _unreadable(con: duckdb.DuckDBPyConnection, failed: _ReadFailed, root: Path) -> DatasetError | None:
    """The first of the table's files whose contract columns cannot be read to the end (a corrupt page shows only
    when its rows are decoded, not at DESCRIBE), as a DatasetError naming it; None when every file reads."""
    for path in failed.files:
        optional = _check_columns(con, failed.table, [path], root).optional
        names = [c.name for c in failed.table.columns] + [
            c.name for c in failed.table.optional_columns if c.name in optional
        ]
        try:
            # hash() decodes every value; identifiers come from the contract.
            con.read_parquet(str(path)).aggregate(", ".join(f"max(hash({n}))" for n in names)).fetchall()
        except duckdb.Error as exc:
            rel = path.relative_to(root)
            reason = str(exc).splitlines()[0].replace(str(path), str(rel))
            return DatasetError(f"{rel}: not a readable Parquet file ({reason})")
    return None


class DatasetBatch:
    """A dataset folder as a batch of the write path: its tables validated and appended in the contract's order."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.source = str(self.folder.resolve())
        self.tables = discover(self.folder)

    def append(
        self, con: duckdb.DuckDBPyConnection, load_id: int, progress: Callable[[str], None]
    ) -> list[TableReport]:
        folder, tables = self.folder, self.tables
        for name, files in tables.items():
            _check_columns(con, TABLES[name], files, folder)
        bounds = bounds_at(dt.datetime.now(dt.UTC))
        con.execute(sql("load/shown_values"))
        reports = []
        for name in LOAD_ORDER:
            if name not in tables:
                continue
            table, files = TABLES[name], tables[name]
            table_started = time.perf_counter()
            progress(f"{name}: checking {len(files)} file(s)")
            columns = _check_columns(con, table, files, folder)
            try:
                _source_view(con, table, files, columns)
                _validate(con, table, folder, bounds)
                entry = TableReport(name, len(files), read=row_count(con, "src"))
                copies = deduplicate(con, table)
                before = row_count(con, name)
                progress(f"{name}: appending {entry.read:,} rows")
                con.execute(sql(f"load/insert_{name}"), {"load_id": load_id})
                # Every copy again (deduplication left only the first of each key in `src`), against what is stored.
                _source_view(con, table, files, columns)
                _check_conflicts(con, table, folder, load_id, repeated=copies > 0)
            except duckdb.Error as exc:
                # Every step above reads the files again (`src` is a view over them).
                raise _ReadFailed(table, files, exc) from exc
            entry.loaded = row_count(con, name) - before
            entry.already_loaded = entry.read - entry.loaded
            entry.seconds = time.perf_counter() - table_started
            reports.append(entry)
        con.execute(sql("load/drop_source"))
        return reports

    def explain(self, con: duckdb.DuckDBPyConnection, error: BaseException) -> BaseException | None:
        """The transaction is rolled back by now, so the files can be read again to name the broken one."""
        if not isinstance(error, _ReadFailed):
            return None
        return _unreadable(con, error, self.folder) or error.error


def load_dataset(
    store: Store,
    folder: Path,
    progress: Callable[[str], None] | None = None,
    after_cases: pipeline.TracingStage | None = None,
) -> LoadReport:
    """Validates a dataset and hands it to the write path (data/pipeline.py); raises DatasetError and keeps nothing if
    it is invalid. `after_cases` replaces the automatic tracing stage (tests)."""
    return pipeline.run(store, DatasetBatch(Path(folder)), progress, after_cases)
