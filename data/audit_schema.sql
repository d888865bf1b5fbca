-- The audit log (issue 13, DESIGN.md "audited, append-only"): one row per entry of the Redis Stream pccovid:audit,
-- copied by data/audit_log.py. Rows are only ever inserted (INSERT OR IGNORE by entry_id): no code updates or deletes
-- them (tests/test_audit_log.py reads every SQL file and module to keep it so).
CREATE TABLE IF NOT EXISTS audit_log (
    entry_id  VARCHAR PRIMARY KEY,  -- the stream entry's id: copying an entry twice stores it once
    logged_at TIMESTAMPTZ NOT NULL,
    username  VARCHAR NOT NULL,
    role      VARCHAR NOT NULL,
    action    VARCHAR NOT NULL,
    target    VARCHAR NOT NULL,
    address   VARCHAR NOT NULL,
    detail    VARCHAR NOT NULL,     -- JSON
    stored_at TIMESTAMPTZ NOT NULL
);
