-- The rows of the dataset that differ from the stored person of their person_id, each with its first differing column:
-- one row per conflicting row (load/first_conflict.sql reports the first and the count).
CREATE OR REPLACE TEMP TABLE conflicting AS
SELECT * FROM (
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
WHERE difference IS NOT NULL
