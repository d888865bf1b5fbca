-- Tracing's tables: the stored trace of every confirmed case and the clusters of linked cases (executed after
-- schema.sql and rules_schema.sql; every statement is idempotent). Filled by data/derive/tracing.py inside the load.

-- One row per traced case: when its positive result was stored (stored_ts), when its lists were written (ready_ts),
-- inside the load's transaction (the lists are visible only from the load's loads.committed_at), how long the trace
-- took and what it found. The infectious window is [window_start_ts, confirmed_ts).
CREATE TABLE IF NOT EXISTS traces (
    case_id      BIGINT NOT NULL,
    confirmed_ts TIMESTAMPTZ NOT NULL,
    window_start_ts TIMESTAMPTZ NOT NULL,
    stored_ts    TIMESTAMPTZ NOT NULL,
    ready_ts     TIMESTAMPTZ NOT NULL,
    elapsed_ms   DOUBLE NOT NULL,
    f1_count     INTEGER NOT NULL,
    f2_count     INTEGER NOT NULL,
    points_count INTEGER NOT NULL,
    rule_version VARCHAR NOT NULL,
    load_id      INTEGER NOT NULL
);

-- One row per person a case's trace names: degree 1 (F1, through = NULL) or 2 (F2, through = the F1).
-- exposure_ts is when the contact began (the start of the case's window for a household member). risk_rank is an
-- F1's place in the case's call list, from 1 (rules/tracing.toml [risk]); NULL for an F2 (called through its F1).
CREATE TABLE IF NOT EXISTS trace_contacts (
    case_id      BIGINT NOT NULL,
    person_id    BIGINT NOT NULL,
    degree       TINYINT NOT NULL,
    via          VARCHAR NOT NULL,
    through      BIGINT,
    venue_id     BIGINT,
    exposure_ts  TIMESTAMPTZ NOT NULL,
    overlap_s    BIGINT,
    duration_s   BIGINT,
    distance_m   DOUBLE,
    ward_code    VARCHAR NOT NULL,
    rule_version VARCHAR NOT NULL,
    load_id      INTEGER NOT NULL,
    risk_rank    INTEGER
);
-- Stores traced before the risk order: the column is added empty, and the server ranks their F1 at start
-- (data/derive/tracing.py, TracingService.warm), as after a change of the [risk] rule.
ALTER TABLE trace_contacts ADD COLUMN IF NOT EXISTS risk_rank INTEGER;

-- One row per person on a case's watch list: met in the days before its infectious window opened (rules/tracing.toml
-- [watch]); not F1, quarantined by no one. risk_rank is the place in the watch list, from 1. Stores traced before
-- there were watch lists have them for the cases traced since.
CREATE TABLE IF NOT EXISTS trace_watch (
    case_id      BIGINT NOT NULL,
    person_id    BIGINT NOT NULL,
    via          VARCHAR NOT NULL,
    venue_id     BIGINT,
    exposure_ts  TIMESTAMPTZ NOT NULL,
    overlap_s    BIGINT,
    duration_s   BIGINT,
    distance_m   DOUBLE,
    ward_code    VARCHAR NOT NULL,
    rule_version VARCHAR NOT NULL,
    risk_rank    INTEGER NOT NULL,
    load_id      INTEGER NOT NULL
);

-- One row per venue a case visited inside its window (an epidemiological point).
CREATE TABLE IF NOT EXISTS trace_points (
    case_id        BIGINT NOT NULL,
    venue_id       BIGINT NOT NULL,
    first_ts       TIMESTAMPTZ NOT NULL,
    last_ts        TIMESTAMPTZ NOT NULL,
    people_exposed INTEGER NOT NULL,
    load_id        INTEGER NOT NULL
);

-- Clusters (outbreak foci): every traced case is in exactly one (alone: size 1), the cluster of its source (the
-- [cluster] rule of rules/tracing.toml). cluster_id is the cluster's first case id, so it stays as the cluster grows.
-- The focus names the cluster: a venue (focus_venue_id) or the household of its first case (focus_venue_id NULL).
CREATE TABLE IF NOT EXISTS clusters (
    cluster_id         BIGINT NOT NULL,
    size               INTEGER NOT NULL,
    first_confirmed_ts TIMESTAMPTZ NOT NULL,
    last_confirmed_ts  TIMESTAMPTZ NOT NULL,
    province_codes     VARCHAR[] NOT NULL,
    district_codes     VARCHAR[] NOT NULL,
    new_7d             INTEGER NOT NULL,
    load_id            INTEGER NOT NULL,
    focus_kind         VARCHAR,
    focus_venue_id     BIGINT
);

-- One row per traced case: its cluster and the link it joined by (source_id, via, venue_id; NULL for a first case).
CREATE TABLE IF NOT EXISTS cluster_cases (
    cluster_id BIGINT NOT NULL,
    case_id    BIGINT NOT NULL,
    source_id  BIGINT,
    via        VARCHAR,
    venue_id   BIGINT
);

-- Stores made before clusters had a focus and a source: the columns are added, and the changed cluster rule's name
-- makes the server recluster every case at its next start.
ALTER TABLE clusters ADD COLUMN IF NOT EXISTS focus_kind VARCHAR;
ALTER TABLE clusters ADD COLUMN IF NOT EXISTS focus_venue_id BIGINT;
ALTER TABLE cluster_cases ADD COLUMN IF NOT EXISTS source_id BIGINT;
ALTER TABLE cluster_cases ADD COLUMN IF NOT EXISTS via VARCHAR;
ALTER TABLE cluster_cases ADD COLUMN IF NOT EXISTS venue_id BIGINT;
