-- The first row of the dataset that differs from the stored vaccination of its event_id, and how many differ: at most one row.
-- Run after appending, so every row's key is stored: from an earlier load, or as the first copy this load appended
-- (sent_earlier; $repeated: the dataset holds copies of a key). A copy equal in every column is no conflict:
-- re-sending changes nothing. The vaccine is stored trimmed (insert_vaccinations.sql).
WITH compared AS (
    SELECT s._file, s._row, s.event_id AS key, k.load_id = $load_id AS sent_earlier,
        CASE
            WHEN s.person_id IS DISTINCT FROM k.person_id
                THEN {'field': 'person_id', 'known': shown(k.person_id), 'sent': shown(s.person_id)}
            WHEN s.ts IS DISTINCT FROM k.ts
                THEN {'field': 'ts', 'known': shown_instant(k.ts), 'sent': shown_instant(s.ts)}
            WHEN s.dose IS DISTINCT FROM k.dose
                THEN {'field': 'dose', 'known': shown(k.dose), 'sent': shown(s.dose)}
            WHEN trim(s.vaccine) IS DISTINCT FROM k.vaccine
                THEN {'field': 'vaccine', 'known': shown(k.vaccine), 'sent': shown(trim(s.vaccine))}
        END AS difference
    FROM src AS s
    JOIN vaccinations AS k ON k.event_id = s.event_id
    -- Without copies in the dataset, a row appended by this load is the row itself: only earlier loads can differ.
    WHERE k.load_id <> $load_id OR $repeated
)
SELECT _file, _row, difference.field, key, difference.known, difference.sent, sent_earlier, count(*) OVER () AS conflicts
FROM compared
WHERE difference IS NOT NULL
ORDER BY _file, _row
LIMIT 1
