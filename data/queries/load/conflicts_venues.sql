-- The rows of the dataset that differ from the stored venue of their venue_id, each with its first differing column:
-- one row per conflicting row (load/first_conflict.sql reports the first and the count).
CREATE OR REPLACE TEMP TABLE conflicting AS
SELECT * FROM (
    SELECT s._file, s._row, s.venue_id AS key, k.load_id = $load_id AS sent_earlier,
        CASE
            WHEN trim(s.name) IS DISTINCT FROM k.name
                THEN {'field': 'name', 'known': shown(k.name), 'sent': shown(trim(s.name))}
            WHEN s.kind IS DISTINCT FROM k.kind
                THEN {'field': 'kind', 'known': shown(k.kind), 'sent': shown(s.kind)}
            WHEN s.ward_code IS DISTINCT FROM k.ward_code
                THEN {'field': 'ward_code', 'known': shown(k.ward_code), 'sent': shown(s.ward_code)}
            WHEN s.lat IS DISTINCT FROM k.lat
                THEN {'field': 'lat', 'known': shown(k.lat), 'sent': shown(s.lat)}
            WHEN s.lon IS DISTINCT FROM k.lon
                THEN {'field': 'lon', 'known': shown(k.lon), 'sent': shown(s.lon)}
        END AS difference
    FROM src AS s
    JOIN venues AS k ON k.venue_id = s.venue_id
    -- Without copies in the dataset, a row appended by this load is the row itself: only earlier loads can differ.
    WHERE k.load_id <> $load_id OR $repeated
)
WHERE difference IS NOT NULL
