-- The rows of the dataset that differ from the stored health declaration of their event_id, each with its first differing column:
-- one row per conflicting row (load/first_conflict.sql reports the first and the count).
CREATE OR REPLACE TEMP TABLE conflicting AS
SELECT * FROM (
    SELECT s._file, s._row, s.event_id AS key, k.load_id = $load_id AS sent_earlier,
        CASE
            WHEN s.person_id IS DISTINCT FROM k.person_id
                THEN {'field': 'person_id', 'known': shown(k.person_id), 'sent': shown(s.person_id)}
            WHEN s.ts IS DISTINCT FROM k.ts
                THEN {'field': 'ts', 'known': shown_instant(k.ts), 'sent': shown_instant(s.ts)}
            WHEN s.fever IS DISTINCT FROM k.fever
                THEN {'field': 'fever', 'known': shown(k.fever), 'sent': shown(s.fever)}
            WHEN s.cough IS DISTINCT FROM k.cough
                THEN {'field': 'cough', 'known': shown(k.cough), 'sent': shown(s.cough)}
            WHEN s.breathless IS DISTINCT FROM k.breathless
                THEN {'field': 'breathless', 'known': shown(k.breathless), 'sent': shown(s.breathless)}
            WHEN s.lost_taste IS DISTINCT FROM k.lost_taste
                THEN {'field': 'lost_taste', 'known': shown(k.lost_taste), 'sent': shown(s.lost_taste)}
            WHEN s.contact_with_case IS DISTINCT FROM k.contact_with_case
                THEN {'field': 'contact_with_case', 'known': shown(k.contact_with_case), 'sent': shown(s.contact_with_case)}
        END AS difference
    FROM src AS s
    JOIN declarations AS k ON k.event_id = s.event_id
    -- Without copies in the dataset, a row appended by this load is the row itself: only earlier loads can differ.
    WHERE k.load_id <> $load_id OR $repeated
)
WHERE difference IS NOT NULL
