"""Cases and the per-ward daily summaries: the first derivations of a batch, from its tests and registrations."""

from __future__ import annotations

import duckdb

from data.sql import sql
from rules.case_definition import case_definition_in_force


def derive_cases(con: duckdb.DuckDBPyConnection, load_id: int) -> None:
    """Confirms the cases the batch's positive tests make (first positive test of a counted kind per person), and
    remembers the (ward, day) pairs whose counts change, before and after: a case may move to an earlier day."""
    rule = case_definition_in_force()
    con.execute(sql("cases/start_touched_case_days"))
    con.execute(sql("cases/touch_case_days"), {"load_id": load_id})
    con.execute(
        sql("cases/derive_cases"),
        {"load_id": load_id, "rule_version": rule.name, "counted_kinds": list(rule.counted_kinds)},
    )
    con.execute(sql("cases/touch_case_days"), {"load_id": load_id})


def summarise_ward_days(con: duckdb.DuckDBPyConnection, load_id: int) -> None:
    """Brings the per-ward daily counts (cases, check-ins, tests, doses, registered people) up to date with the
    batch: recounts the touched (ward, day) cases, adds the batch's events to their days."""
    con.execute(sql("cases/recount_new_cases"))
    con.execute(sql("cases/accumulate_ward_day"), {"load_id": load_id})
    con.execute(sql("cases/accumulate_ward_population"), {"load_id": load_id})
    con.execute(sql("cases/drop_touched_case_days"))
