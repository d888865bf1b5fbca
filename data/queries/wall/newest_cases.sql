-- The newest confirmed cases living inside the viewer's jurisdiction and their trace status, without personal data
-- (no id, name or ward): one row per case, newest confirmation first, at most $limit. f1_quarantined counts the
-- case's F1 whose quarantine its confirmation started; a case not traced yet has NULL trace figures.
WITH latest AS (
    SELECT c.person_id, c.confirmed_ts, a.province_code, a.district_code
    FROM cases AS c
    JOIN areas AS a ON a.code = c.ward_code
    WHERE in_scope(a.province_code, a.district_code, $scope_level, $scope_codes)
    ORDER BY c.confirmed_ts DESC, c.person_id DESC
    LIMIT $limit
),
quarantined AS (
    SELECT l.person_id, count(DISTINCT f.person_id) AS f1_quarantined
    FROM latest AS l
    JOIN trace_contacts AS f ON f.case_id = l.person_id AND f.degree = 1
    JOIN quarantine AS q ON q.person_id = f.person_id AND q.start_ts = l.confirmed_ts
    GROUP BY l.person_id
)
SELECT
    strftime(timezone('Asia/Ho_Chi_Minh', l.confirmed_ts), '%Y-%m-%dT%H:%M') AS confirmed_ts,
    d.short_name AS district_name,
    p.short_name AS province_name,
    t.case_id IS NOT NULL AS traced,
    t.f1_count,
    t.f2_count,
    CASE WHEN t.case_id IS NULL THEN NULL ELSE coalesce(q.f1_quarantined, 0) END AS f1_quarantined,
    date_diff('millisecond', t.stored_ts, t.ready_ts) / 1000.0 AS ready_s
FROM latest AS l
LEFT JOIN traces AS t ON t.case_id = l.person_id AND t.confirmed_ts = l.confirmed_ts
LEFT JOIN quarantined AS q ON q.person_id = l.person_id
LEFT JOIN areas AS d ON d.code = l.district_code
LEFT JOIN areas AS p ON p.code = l.province_code
ORDER BY l.confirmed_ts DESC, l.person_id DESC
