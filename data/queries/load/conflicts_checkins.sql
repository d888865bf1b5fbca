-- The rows of the dataset that differ from the stored check-in of their event_id, each with its first differing column:
-- one row per conflicting row (load/first_conflict.sql reports the first and the count).
CREATE OR REPLACE TEMP TABLE conflicting AS
SELECT * FROM (
    SELECT s._file, s._row, s.event_id AS key, k.load_id = $load_id AS sent_earlier,
        CASE
            WHEN s.person_id IS DISTINCT FROM k.person_id
                THEN {'field': 'person_id', 'known': shown(k.person_id), 'sent': shown(s.person_id)}
            WHEN s.venue_id IS DISTINCT FROM k.venue_id
                THEN {'field': 'venue_id', 'known': shown(k.venue_id), 'sent': shown(s.venue_id)}
            WHEN s.ts IS DISTINCT FROM k.ts
                THEN {'field': 'ts', 'known': shown_instant(k.ts), 'sent': shown_instant(s.ts)}
            WHEN s.source IS DISTINCT FROM k.source
                THEN {'field': 'source', 'known': shown(k.source), 'sent': shown(s.source)}
            WHEN s.direction IS DISTINCT FROM k.direction
                THEN {'field': 'direction', 'known': shown(k.direction), 'sent': shown(s.direction)}
        END AS difference
    FROM src AS s
    JOIN checkins AS k ON k.event_id = s.event_id
    -- Without copies in the dataset, a row appended by this load is the row itself: only earlier loads can differ.
    WHERE k.load_id <> $load_id OR $repeated
)
WHERE difference IS NOT NULL
