-- The steering committees' directives (rules/directives.toml): one row per directive and recipient with its current
-- status (a directive issued to several provinces is one row each, issued together under one batch_id, so that each
-- acknowledges, reports and closes its own and sees nothing of the others), the areas it acts on, and its history,
-- one appended row per action. Written only by the writer (data/directives.py through store.writer.run).

CREATE SEQUENCE IF NOT EXISTS directive_ids START 1;

-- issuer_area is NULL for the national committee, the province's code for a province. The recipient is one area
-- (a province; a district or ward of the issuing province) with its province and district for the jurisdiction
-- filter. owner is who answers for it at the recipient: 'role:<role>' (the committee) or 'user:<username>'.
CREATE TABLE IF NOT EXISTS directives (
    directive_id       BIGINT PRIMARY KEY,
    batch_id           BIGINT NOT NULL,
    kind               VARCHAR NOT NULL,
    issuer             VARCHAR NOT NULL,
    issuer_role        VARCHAR NOT NULL,
    issuer_level       VARCHAR NOT NULL,
    issuer_area        VARCHAR,
    recipient_code     VARCHAR NOT NULL,
    recipient_level    VARCHAR NOT NULL,
    recipient_province VARCHAR NOT NULL,
    recipient_district VARCHAR,
    text               VARCHAR NOT NULL,
    level              INTEGER,
    cluster_id         BIGINT,
    deadline           TIMESTAMPTZ NOT NULL,
    owner              VARCHAR NOT NULL,
    issued_at          TIMESTAMPTZ NOT NULL,
    status             VARCHAR NOT NULL,
    progress           INTEGER NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL,
    rule_version       VARCHAR NOT NULL
);

-- The areas a directive acts on (inside its recipient's area), one row each.
CREATE TABLE IF NOT EXISTS directive_areas (
    directive_id       BIGINT NOT NULL,
    area_code          VARCHAR NOT NULL,
    area_level         VARCHAR NOT NULL,
    province_code      VARCHAR NOT NULL,
    district_code      VARCHAR
);

-- Every action on a directive, appended, never changed: who (user, role, jurisdiction), when, the note, the progress
-- reported and the status it left. seq orders every action of the store (the sequence pushed to open pages).
CREATE TABLE IF NOT EXISTS directive_actions (
    seq                BIGINT NOT NULL,
    directive_id       BIGINT NOT NULL,
    action             VARCHAR NOT NULL,
    username           VARCHAR NOT NULL,
    role               VARCHAR NOT NULL,
    jurisdiction       VARCHAR NOT NULL,
    acted_at           TIMESTAMPTZ NOT NULL,
    note               VARCHAR,
    progress           INTEGER,
    status             VARCHAR NOT NULL
);
