"""`pccovid trace`: one case's trace as JSON, or every confirmed case's as JSON lines (CONTRACT §2–3)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

import numpy as np

VN = dt.timezone(dt.timedelta(hours=7))
BATCH = 2000  # cases traced together by --all-cases


class TraceCommandError(Exception):
    """A problem the person running the command can fix: one line on stderr, exit status 2."""


def parse_instant(text: str) -> dt.datetime:
    """An ISO 8601 instant; without an offset it is read in Viet Nam's time."""
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise TraceCommandError(f"--as-of {text!r} is not an ISO 8601 time such as 2021-08-02T09:10:00+07:00") from None
    return value if value.tzinfo else value.replace(tzinfo=VN)


def _open_index(db: str):
    from data.store import Store, StoreError
    from data.tracing_source import TracingSource
    from tracing.index import build_index

    path = Path(db)
    if not path.is_file():
        raise TraceCommandError(f"{path}: no store; run `pccovid demo` or `pccovid load DIR --db {path}` first")
    try:
        store = Store(path)
    except StoreError as exc:
        raise TraceCommandError(str(exc)) from exc
    try:
        return build_index(TracingSource(store.cursor()))
    finally:
        store.close()


def _write(result: dict) -> None:
    sys.stdout.write(json.dumps(result, ensure_ascii=False, separators=(", ", ": ")))
    sys.stdout.write("\n")


def _trace_one(args: argparse.Namespace) -> None:
    from tracing.tracer import NotACase, trace

    as_of = parse_instant(args.as_of) if args.as_of else None
    index = _open_index(args.db)
    try:
        _write(trace(index, args.person, as_of=as_of))
    except NotACase as exc:
        raise TraceCommandError(str(exc)) from exc


def _trace_all(args: argparse.Namespace) -> None:
    from tracing.tracer import trace_many

    index = _open_index(args.db)
    cases = index.cases
    order = np.lexsort((cases.person_id, cases.confirmed))
    for begin in range(0, len(order), BATCH):
        for result in trace_many(index, cases.person_id[order[begin : begin + BATCH]]):
            _write(result)
    sys.stdout.flush()


def run_trace(args: argparse.Namespace) -> None:
    try:
        if args.all_cases:
            if args.as_of:
                raise TraceCommandError("--as-of applies to --person only")
            _trace_all(args)
        else:
            _trace_one(args)
    except TraceCommandError as exc:
        print(f"pccovid trace: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


def add_trace_command(subparsers: argparse._SubParsersAction, default_db: str | None = None) -> None:
    """Adds `trace` to the `pccovid` command line."""
    if default_db is None:
        from data.config import db_path

        default_db = str(db_path())
    p = subparsers.add_parser("trace", help="trace a confirmed case (F1, F2, points), or every case")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--person", type=int, metavar="ID", help="the confirmed case (person_id)")
    which.add_argument("--all-cases", action="store_true", help="every confirmed case, one result per line")
    p.add_argument("--as-of", metavar="TS", help="trace as at this instant (ISO 8601; Viet Nam time if no offset)")
    p.add_argument("--db", default=default_db)
    form = p.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="one JSON object (the default for --person)")
    form.add_argument("--jsonl", action="store_true", help="one JSON object per line (the default for --all-cases)")
    p.set_defaults(run=run_trace)
