-- The first row of the dataset that differs from the stored venue of its venue_id, and how many differ: at most one row.
-- Run after appending, so every row's key is stored: from an earlier load, or as the first copy this load appended
-- (sent_earlier; $repeated: the dataset holds copies of a key). A copy equal in every column is no conflict:
-- re-sending changes nothing. The name is stored trimmed (insert_venues.sql).
WITH compared AS (
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
SELECT _file, _row, difference.field, key, difference.known, difference.sent, sent_earlier, count(*) OVER () AS conflicts
FROM compared
WHERE difference IS NOT NULL
ORDER BY _file, _row
LIMIT 1
