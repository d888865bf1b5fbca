-- The rows of the dataset that differ from the stored test of their event_id, each with its first differing column:
-- one row per conflicting row (load/first_conflict.sql reports the first and the count).
CREATE OR REPLACE TEMP TABLE conflicting AS
SELECT * FROM (
    SELECT s._file, s._row, s.event_id AS key, k.load_id = $load_id AS sent_earlier,
        CASE
            WHEN s.person_id IS DISTINCT FROM k.person_id
                THEN {'field': 'person_id', 'known': shown(k.person_id), 'sent': shown(s.person_id)}
            WHEN s.sample_ts IS DISTINCT FROM k.sample_ts
                THEN {'field': 'sample_ts', 'known': shown_instant(k.sample_ts), 'sent': shown_instant(s.sample_ts)}
            WHEN s.result_ts IS DISTINCT FROM k.result_ts
                THEN {'field': 'result_ts', 'known': shown_instant(k.result_ts), 'sent': shown_instant(s.result_ts)}
            WHEN s.kind IS DISTINCT FROM k.kind
                THEN {'field': 'kind', 'known': shown(k.kind), 'sent': shown(s.kind)}
            WHEN s.result IS DISTINCT FROM k.result
                THEN {'field': 'result', 'known': shown(k.result), 'sent': shown(s.result)}
        END AS difference
    FROM src AS s
    JOIN tests AS k ON k.event_id = s.event_id
    -- Without copies in the dataset, a row appended by this load is the row itself: only earlier loads can differ.
    WHERE k.load_id <> $load_id OR $repeated
)
WHERE difference IS NOT NULL
