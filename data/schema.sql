-- The store: canonical events (append-only, idempotent by key), the geography, and what is derived from them.

CREATE TABLE IF NOT EXISTS meta (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);

-- One row per committed batch: started_at when it was handed to the write path (it may then wait for the writer),
-- finished_at when its derivations ended (inside its transaction), committed_at when its commit returned, the instant
-- readers see it (written just after, so NULL if the process stopped in between, and for stores older than it).
CREATE TABLE IF NOT EXISTS loads (
    load_id      INTEGER PRIMARY KEY,
    source       VARCHAR NOT NULL,
    started_at   TIMESTAMPTZ NOT NULL,
    finished_at  TIMESTAMPTZ,
    rows_loaded  BIGINT,
    data_version BIGINT
);
ALTER TABLE loads ADD COLUMN IF NOT EXISTS committed_at TIMESTAMPTZ;

-- Events by arrival, for the wall's live panel: one row per minute (of the commit, UTC) per kind of event per
-- district, added to by every batch. Check-ins count where the venue is, an encounter where its first person lives,
-- the rest where the person lives (as ward_day). A minute's rows, not a batch's: a stream commits every second.
CREATE TABLE IF NOT EXISTS arrivals (
    minute        TIMESTAMPTZ NOT NULL,
    kind          VARCHAR NOT NULL,
    district_code VARCHAR NOT NULL,
    province_code VARCHAR NOT NULL,
    events        BIGINT NOT NULL,
    last_ts       TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (minute, kind, district_code)
);

CREATE TABLE IF NOT EXISTS areas (
    code                 VARCHAR PRIMARY KEY,
    level                VARCHAR NOT NULL,
    parent_code          VARCHAR,
    province_code        VARCHAR NOT NULL,
    district_code        VARCHAR,
    name                 VARCHAR NOT NULL,
    short_name           VARCHAR NOT NULL,
    name_ascii           VARCHAR NOT NULL,
    unit_type            VARCHAR NOT NULL,
    lat                  DOUBLE NOT NULL,
    lon                  DOUBLE NOT NULL,
    population           BIGINT NOT NULL,
    population_estimated BOOLEAN NOT NULL,
    centroid_estimated   BOOLEAN NOT NULL
);

CREATE TABLE IF NOT EXISTS people (
    person_id    BIGINT PRIMARY KEY,
    citizen_id   VARCHAR,
    full_name    VARCHAR NOT NULL,
    birth_date   DATE NOT NULL,
    sex          VARCHAR NOT NULL,
    phone        VARCHAR,
    household_id BIGINT NOT NULL,
    ward_code    VARCHAR NOT NULL,
    load_id      INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS venues (
    venue_id  BIGINT PRIMARY KEY,
    name      VARCHAR NOT NULL,
    kind      VARCHAR NOT NULL,
    ward_code VARCHAR NOT NULL,
    lat       DOUBLE NOT NULL,
    lon       DOUBLE NOT NULL,
    load_id   INTEGER NOT NULL
);

-- Event tables carry no index: uniqueness of event_id is kept by the loader's anti-join,
-- and load_id (appended in runs) lets zone maps find one load's rows cheaply.
CREATE TABLE IF NOT EXISTS checkins (
    event_id  BIGINT NOT NULL,
    person_id BIGINT NOT NULL,
    venue_id  BIGINT NOT NULL,
    ts        TIMESTAMPTZ NOT NULL,
    source    VARCHAR NOT NULL,
    direction VARCHAR NOT NULL,
    load_id   INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS contacts (
    event_id   BIGINT NOT NULL,
    person_a   BIGINT NOT NULL,
    person_b   BIGINT NOT NULL,
    start_ts   TIMESTAMPTZ NOT NULL,
    duration_s BIGINT NOT NULL,
    distance_m DOUBLE NOT NULL,
    load_id    INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS tests (
    event_id  BIGINT NOT NULL,
    person_id BIGINT NOT NULL,
    sample_ts TIMESTAMPTZ NOT NULL,
    result_ts TIMESTAMPTZ NOT NULL,
    kind      VARCHAR NOT NULL,
    result    VARCHAR NOT NULL,
    load_id   INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS vaccinations (
    event_id  BIGINT NOT NULL,
    person_id BIGINT NOT NULL,
    ts        TIMESTAMPTZ NOT NULL,
    dose      BIGINT NOT NULL,
    vaccine   VARCHAR NOT NULL,
    load_id   INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS declarations (
    event_id          BIGINT NOT NULL,
    person_id         BIGINT NOT NULL,
    ts                TIMESTAMPTZ NOT NULL,
    fever             BOOLEAN NOT NULL,
    cough             BOOLEAN NOT NULL,
    breathless        BOOLEAN NOT NULL,
    lost_taste        BOOLEAN NOT NULL,
    contact_with_case BOOLEAN NOT NULL,
    load_id           INTEGER NOT NULL
);

-- Ground truth from the synthetic scenario, for evaluation only: the dashboard never reads it.
CREATE TABLE IF NOT EXISTS infections (
    infectee BIGINT NOT NULL,
    infector BIGINT,
    ts       TIMESTAMPTZ NOT NULL,
    setting  VARCHAR NOT NULL,
    venue_id BIGINT,
    load_id  INTEGER NOT NULL
);

-- Events the stream's writer refused alone (data/stream.py): one row per refused event of a stream entry (event_index
-- -1: the whole entry could not be read). The API accepted them, the store could not (a person the register does
-- not know yet, a conflicting re-send): kept with the reason instead of blocking the stream or being dropped.
CREATE TABLE IF NOT EXISTS refused_events (
    entry_id    VARCHAR NOT NULL,
    event_index INTEGER NOT NULL,
    site        VARCHAR NOT NULL,
    kind        VARCHAR NOT NULL,
    event_id    BIGINT,
    field       VARCHAR NOT NULL,
    reason      VARCHAR NOT NULL,
    event       VARCHAR NOT NULL,
    received_at TIMESTAMPTZ,
    load_id     INTEGER NOT NULL
);

-- Derived: one row per confirmed case (F0), the first positive test that counts under the rule version.
CREATE TABLE IF NOT EXISTS cases (
    person_id    BIGINT PRIMARY KEY,
    ward_code    VARCHAR NOT NULL,
    sample_ts    TIMESTAMPTZ NOT NULL,
    confirmed_ts TIMESTAMPTZ NOT NULL,
    test_kind    VARCHAR NOT NULL,
    rule_version VARCHAR NOT NULL
);

-- Derived: one row per ward per local day (Asia/Ho_Chi_Minh); what every chart reads.
CREATE TABLE IF NOT EXISTS ward_day (
    ward_code     VARCHAR NOT NULL,
    day           DATE NOT NULL,
    checkins      BIGINT NOT NULL DEFAULT 0,
    tests         BIGINT NOT NULL DEFAULT 0,
    positives     BIGINT NOT NULL DEFAULT 0,
    doses         BIGINT NOT NULL DEFAULT 0,
    first_doses   BIGINT NOT NULL DEFAULT 0,
    second_doses  BIGINT NOT NULL DEFAULT 0,
    declarations  BIGINT NOT NULL DEFAULT 0,
    symptomatic   BIGINT NOT NULL DEFAULT 0,
    new_cases     BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (ward_code, day)
);

-- The local calendar day of an instant: the epidemic is reported in Viet Nam's time (UTC+7, no DST).
CREATE OR REPLACE MACRO local_day(ts) AS CAST(timezone('Asia/Ho_Chi_Minh', ts) AS DATE);

-- Whether an area (by its province and district codes) lies inside a viewer's jurisdiction.
CREATE OR REPLACE MACRO in_scope(province_code, district_code, scope_level, scope_codes) AS
    scope_level = 'national'
    OR (scope_level = 'province' AND list_contains(scope_codes, province_code))
    OR (scope_level = 'district' AND list_contains(scope_codes, district_code));

-- A person's time as a reader may see it (local ISO text): to the minute for a reader of personal data, else the day
-- only (issue 13: a person's exact times are personal; leaders read dates).
CREATE OR REPLACE MACRO person_time(ts, personal) AS
    strftime(timezone('Asia/Ho_Chi_Minh', ts), CASE WHEN personal THEN '%Y-%m-%dT%H:%M' ELSE '%Y-%m-%d' END);

-- Whether a viewer may see an area's own figures: a province only by a national or that province's viewer.
CREATE OR REPLACE MACRO area_visible(level, province_code, district_code, scope_level, scope_codes) AS
    CASE WHEN level = 'province'
         THEN scope_level = 'national' OR (scope_level = 'province' AND list_contains(scope_codes, province_code))
         ELSE in_scope(province_code, district_code, scope_level, scope_codes) END;

-- Derived: registered people per ward, the denominator of every rate (the register covers the population).
CREATE TABLE IF NOT EXISTS ward_population (
    ward_code VARCHAR PRIMARY KEY,
    people    BIGINT NOT NULL
);

-- Whether a ward lies in the chosen area (a province, district or ward code; any area when NULL).
CREATE OR REPLACE MACRO in_area(ward_code, province_code, district_code, area_code) AS
    area_code IS NULL OR area_code = ward_code OR area_code = province_code OR area_code = district_code;
