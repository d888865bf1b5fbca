-- The first row of the dataset that differs from the stored person of its person_id, and how many differ: at most one row.
-- Run after appending, so every row's key is stored: from an earlier load, or as the first copy this load appended
-- (sent_earlier; $repeated: the dataset holds copies of a key). A copy equal in every column is no conflict:
-- re-sending changes nothing. The full_name is stored trimmed (insert_people.sql).
WITH compared AS (
    SELECT s._file, s._row, s.person_id AS key, k.load_id = $load_id AS sent_earlier,
        CASE
            WHEN s.citizen_id IS DISTINCT FROM k.citizen_id
                THEN {'field': 'citizen_id', 'known': shown(k.citizen_id), 'sent': shown(s.citizen_id)}
            WHEN trim(s.full_name) IS DISTINCT FROM k.full_name
                THEN {'field': 'full_name', 'known': shown(k.full_name), 'sent': shown(trim(s.full_name))}
            WHEN s.birth_date IS DISTINCT FROM k.birth_date
                THEN {'field': 'birth_date', 'known': shown(k.birth_date), 'sent': shown(s.birth_date)}
            WHEN s.sex IS DISTINCT FROM k.sex
                THEN {'field': 'sex', 'known': shown(k.sex), 'sent': shown(s.sex)}
            WHEN s.phone IS DISTINCT FROM k.phone
                THEN {'field': 'phone', 'known': shown(k.phone), 'sent': shown(s.phone)}
            WHEN s.household_id IS DISTINCT FROM k.household_id
                THEN {'field': 'household_id', 'known': shown(k.household_id), 'sent': shown(s.household_id)}
            WHEN s.ward_code IS DISTINCT FROM k.ward_code
                THEN {'field': 'ward_code', 'known': shown(k.ward_code), 'sent': shown(s.ward_code)}
        END AS difference
    FROM src AS s
    JOIN people AS k ON k.person_id = s.person_id
    -- Without copies in the dataset, a row appended by this load is the row itself: only earlier loads can differ.
    WHERE k.load_id <> $load_id OR $repeated
)
SELECT _file, _row, difference.field, key, difference.known, difference.sent, sent_earlier, count(*) OVER () AS conflicts
FROM compared
WHERE difference IS NOT NULL
ORDER BY _file, _row
LIMIT 1
