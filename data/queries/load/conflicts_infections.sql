-- The rows of the dataset that differ from the stored ground-truth infection of their infectee, each with its first differing column:
-- one row per conflicting row (load/first_conflict.sql reports the first and the count).
CREATE OR REPLACE TEMP TABLE conflicting AS
SELECT * FROM (
    SELECT s._file, s._row, s.infectee AS key, k.load_id = $load_id AS sent_earlier,
        CASE
            WHEN s.infector IS DISTINCT FROM k.infector
                THEN {'field': 'infector', 'known': shown(k.infector), 'sent': shown(s.infector)}
            WHEN s.ts IS DISTINCT FROM k.ts
                THEN {'field': 'ts', 'known': shown_instant(k.ts), 'sent': shown_instant(s.ts)}
            WHEN s.setting IS DISTINCT FROM k.setting
                THEN {'field': 'setting', 'known': shown(k.setting), 'sent': shown(s.setting)}
            WHEN s.venue_id IS DISTINCT FROM k.venue_id
                THEN {'field': 'venue_id', 'known': shown(k.venue_id), 'sent': shown(s.venue_id)}
        END AS difference
    FROM src AS s
    JOIN infections AS k ON k.infectee = s.infectee
    -- Without copies in the dataset, a row appended by this load is the row itself: only earlier loads can differ.
    WHERE k.load_id <> $load_id OR $repeated
)
WHERE difference IS NOT NULL
