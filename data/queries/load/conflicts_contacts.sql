-- The rows of the dataset that differ from the stored Bluetooth encounter of their event_id, each with its first differing column:
-- one row per conflicting row (load/first_conflict.sql reports the first and the count).
CREATE OR REPLACE TEMP TABLE conflicting AS
SELECT * FROM (
    SELECT s._file, s._row, s.event_id AS key, k.load_id = $load_id AS sent_earlier,
        CASE
            WHEN s.person_a IS DISTINCT FROM k.person_a
                THEN {'field': 'person_a', 'known': shown(k.person_a), 'sent': shown(s.person_a)}
            WHEN s.person_b IS DISTINCT FROM k.person_b
                THEN {'field': 'person_b', 'known': shown(k.person_b), 'sent': shown(s.person_b)}
            WHEN s.start_ts IS DISTINCT FROM k.start_ts
                THEN {'field': 'start_ts', 'known': shown_instant(k.start_ts), 'sent': shown_instant(s.start_ts)}
            WHEN s.duration_s IS DISTINCT FROM k.duration_s
                THEN {'field': 'duration_s', 'known': shown(k.duration_s), 'sent': shown(s.duration_s)}
            WHEN s.distance_m IS DISTINCT FROM k.distance_m
                THEN {'field': 'distance_m', 'known': shown(k.distance_m), 'sent': shown(s.distance_m)}
        END AS difference
    FROM src AS s
    JOIN contacts AS k ON k.event_id = s.event_id
    -- Without copies in the dataset, a row appended by this load is the row itself: only earlier loads can differ.
    WHERE k.load_id <> $load_id OR $repeated
)
WHERE difference IS NOT NULL
