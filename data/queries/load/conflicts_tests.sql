-- The first row of the dataset that differs from the stored test of its event_id, and how many differ: at most one row.
-- Run after appending, so every row's key is stored: from an earlier load, or as the first copy this load appended
-- (sent_earlier; $repeated: the dataset holds copies of a key). A copy equal in every column is no conflict:
-- re-sending changes nothing.
WITH compared AS (
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
SELECT _file, _row, difference.field, key, difference.known, difference.sent, sent_earlier, count(*) OVER () AS conflicts
FROM compared
WHERE difference IS NOT NULL
ORDER BY _file, _row
LIMIT 1
