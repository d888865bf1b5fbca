-- The rules engine's tables: inputs from tracing and operators, and what the rules derive (executed after schema.sql).

-- Input (filled by tracing): F1 in quarantine. load_id is the load whose cases put the person there, so
-- that the rules engine refreshes that person's card; a rewritten row carries the rewriting load's id.
CREATE TABLE IF NOT EXISTS quarantine (
    person_id    BIGINT NOT NULL,
    start_ts     TIMESTAMPTZ NOT NULL,
    end_ts       TIMESTAMPTZ NOT NULL,
    rule_version VARCHAR NOT NULL,
    load_id      INTEGER NOT NULL
);

-- Input (filled by tracing): a close contact of a person with a confirmed case (via proximity, venue, household).
CREATE TABLE IF NOT EXISTS exposures (
    person_id   BIGINT NOT NULL,
    case_id     BIGINT NOT NULL,
    exposure_ts TIMESTAMPTZ NOT NULL,
    via         VARCHAR NOT NULL,
    load_id     INTEGER NOT NULL
);

-- Input (operators): criterion 3 of the area level per province from a day on; no row means met.
CREATE TABLE IF NOT EXISTS treatment_capacity (
    province_code VARCHAR NOT NULL,
    from_day      DATE NOT NULL,
    capacity_met  BOOLEAN NOT NULL,
    note          VARCHAR,
    PRIMARY KEY (province_code, from_day)
);

-- The days the rule summaries cover (one row): every local day from the first to the last day of ward_day, and the
-- last load they include (a refresh for that load or an older one does nothing).
CREATE TABLE IF NOT EXISTS rule_calendar (
    first_day DATE NOT NULL,
    last_day  DATE NOT NULL,
    load_id   INTEGER NOT NULL
);

-- Derived: the whole local days on which a person's card is green or yellow (red otherwise); colour at the end of
-- each day. One row per person per span [from_day, to_day); to_day 9999-12-31 when open.
CREATE TABLE IF NOT EXISTS card_spans (
    person_id    BIGINT NOT NULL,
    ward_code    VARCHAR NOT NULL,
    colour       VARCHAR NOT NULL,
    from_day     DATE NOT NULL,
    to_day       DATE NOT NULL,
    rule_version VARCHAR NOT NULL
);

-- Unique keys are kept by the refresh (MERGE) and checked by the audit tests, not by indexes: an index made the
-- bulk upserts several times slower.

-- Derived: people of the register by card colour at the end of each local day, one row per ward (with people) per day.
CREATE TABLE IF NOT EXISTS card_ward_day (
    ward_code    VARCHAR NOT NULL,
    day          DATE NOT NULL,
    green        BIGINT NOT NULL,
    yellow       BIGINT NOT NULL,
    red          BIGINT NOT NULL,
    rule_version VARCHAR NOT NULL
);

-- Derived: vaccine coverage at the end of each local day, one row per ward (with people) per day. For each age band
-- (age reached on or before the day): its population, people with at least one dose, people fully vaccinated.
CREATE TABLE IF NOT EXISTS coverage_ward_day (
    ward_code    VARCHAR NOT NULL,
    day          DATE NOT NULL,
    population   BIGINT NOT NULL,
    first_all    BIGINT NOT NULL,
    fully_all    BIGINT NOT NULL,
    pop_18       BIGINT NOT NULL,
    first_18     BIGINT NOT NULL,
    fully_18     BIGINT NOT NULL,
    pop_50       BIGINT NOT NULL,
    first_50     BIGINT NOT NULL,
    fully_50     BIGINT NOT NULL,
    pop_65       BIGINT NOT NULL,
    first_65     BIGINT NOT NULL,
    fully_65     BIGINT NOT NULL,
    rule_version VARCHAR NOT NULL
);

-- Derived: the weekly epidemic level of each ward, district and province (with people), one row per area per
-- complete week (Monday to Sunday, local). Computed at the end of the week; the proposed level takes effect at
-- effective_ts; level_in_force is the level in force when the row was computed (the previous week's proposal).
CREATE TABLE IF NOT EXISTS area_level_week (
    area_code               VARCHAR NOT NULL,
    level                   VARCHAR NOT NULL,
    week_start              DATE NOT NULL,
    cases_7d                BIGINT NOT NULL,
    population              BIGINT NOT NULL,
    rate_per_100k           DOUBLE NOT NULL,
    adults_first_dose_share DOUBLE,
    older_fully_share       DOUBLE,
    all_fully_share         DOUBLE,
    coverage_met            BOOLEAN NOT NULL,
    capacity_met            BOOLEAN NOT NULL,
    proposed_level          INTEGER NOT NULL,
    level_in_force          INTEGER NOT NULL,
    computed_ts             TIMESTAMPTZ NOT NULL,
    effective_ts            TIMESTAMPTZ NOT NULL,
    rule_version            VARCHAR NOT NULL
);
