"""The audit log in the store: the stream copied once whatever happens, read by the admin only, never changed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import redis

from data import audit, audit_log
from data.access import AccessDenied, Principal, acting_as, role
from data.viewer import NATIONAL

ROOT = Path(__file__).resolve().parents[2]
ADMIN = Principal("root", role("admin"), NATIONAL)


@pytest.fixture
def audit_stream(seeded_runtime, redis_url: str):
    """The runtime's store and a clean audit stream (the session's Redis is shared by every test)."""
    client = redis.Redis.from_url(redis_url)
    client.delete(audit.stream_key())
    yield seeded_runtime, client
    client.delete(audit.stream_key())
    client.close()


def stored(store) -> list[tuple]:
    return (
        store.cursor()
        .execute("SELECT entry_id, username, action, target, address, detail FROM audit_log ORDER BY entry_id")
        .fetchall()
    )


def test_entries_are_copied_once_and_acknowledged_after_the_commit(audit_stream) -> None:
    store, client = audit_stream
    first = audit.record("login_failed", "lan", {"reason": "wrong_password"}, username="lan")
    second = audit.record("login", "lan", {"role": "province"}, username="lan")
    # A drain that read the entries and died before inserting them: they stay pending in its group.
    killed = audit_log.AuditDrain(store, client)
    killed.ensure_group()
    killed._claim = False
    assert len(client.xreadgroup(killed.group, "dead-drain", {audit.stream_key(): ">"}, count=10)[0][1]) == 2
    assert client.xlen(audit.stream_key()) == 2

    drain = audit_log.AuditDrain(store, client)
    drain.drain()
    rows = stored(store)
    assert [(r[0], r[1], r[2]) for r in rows] == [(first, "lan", "login_failed"), (second, "lan", "login")]
    assert rows[0][4] == "local" and rows[0][5] == '{"reason": "wrong_password"}'
    assert client.xlen(audit.stream_key()) == 0  # acknowledged and deleted after the commit
    assert client.xpending(audit.stream_key(), audit_log.GROUP)["pending"] == 0

    # The same entries copied again (a drain killed between its commit and its acknowledgement) change nothing.
    store.writer.run(audit_log._insert, audit_log._frame([(first.encode(), {b"at": b"x", b"action": b"forged"})]))
    assert stored(store) == rows


def test_the_admin_reads_pages_of_the_log_newest_first_and_nobody_else(audit_stream) -> None:
    store, client = audit_stream
    for n in range(audit_log.PAGE_ROWS + 5):
        audit.record("view_person", str(n), username="tracer" if n % 2 else "other")
    audit.record("export", "audit_log", username="root")
    audit_log.AuditDrain(store, client).drain()
    with acting_as(ADMIN):
        rows, total = audit_log.audit_entries()
        assert total == audit_log.PAGE_ROWS + 6 and len(rows) == audit_log.PAGE_ROWS
        assert rows[0]["action"] == "export"  # the newest first
        second, _ = audit_log.audit_entries(page=2)
        assert len(second) == 6 and second[-1]["target"] == "0"
        mine, count = audit_log.audit_entries(username="tracer", action="view_person")
        assert count == 27 and {r["username"] for r in mine} == {"tracer"}
        assert audit_log.audit_entries(day="2020-01-01") == ([], 0)
        assert audit_log.audit_actions() == ["export", "view_person"]
        assert audit_log.audit_export(username="root").num_rows == 1
    for name in ("national", "province", "tracer", "press"):
        with acting_as(Principal(name, role(name), NATIONAL)), pytest.raises(AccessDenied):
            audit_log.audit_entries()


WRITES = re.compile(
    r"\b(UPDATE|DELETE\s+FROM|TRUNCATE|DROP\s+TABLE|ALTER\s+TABLE|INSERT\s+OR\s+REPLACE\s+INTO)\b"
    r"[^;]{0,200}?\baudit_log\b",
    re.IGNORECASE,
)


def test_no_code_path_updates_or_deletes_the_audit_log() -> None:
    """Every SQL file and every module of the app, searched for a statement that changes audit_log's rows."""
    searched = 0
    offenders = []
    for path in [*ROOT.glob("data/**/*.sql"), *ROOT.glob("*.py")] + [
        p for folder in ("data", "web", "pages", "components", "ingest") for p in (ROOT / folder).rglob("*.py")
    ]:
        text = path.read_text(encoding="utf-8")
        searched += 1
        offenders += [f"{path.relative_to(ROOT)}: {m.group(0)[:80]}" for m in WRITES.finditer(text)]
    assert searched > 100
    assert not offenders, offenders
    # The one statement that writes it inserts, keeping what is there.
    writes = [p for p in ROOT.glob("data/queries/**/*.sql") if re.search(r"INSERT[^;]*audit_log", p.read_text())]
    assert [p.name for p in writes] == ["insert_entries.sql"]
    assert "INSERT OR IGNORE INTO audit_log" in writes[0].read_text()
    # And the pattern does catch such a statement.
    assert WRITES.search("DELETE FROM audit_log WHERE true") and WRITES.search("update main.audit_log set x = 1")
