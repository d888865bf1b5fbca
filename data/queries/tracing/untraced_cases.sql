-- The cases to trace in load $load_id: one row per case (person_id, already_traced). Cases with no trace for their
-- current confirmation (new, or confirmed earlier by a later test), and cases traced by an earlier load whose trace
-- this load's events may change: their own check-ins or encounters inside their window (a phone's log uploaded
-- after the positive result), others' check-ins at their points while they were there, and an F1's own check-ins or
-- encounters between its exposure and the case's confirmation (its F2 may change). 12 hours: the longest dwell
-- time, so a check-in that early may still be a presence inside the window.
WITH stale AS (
    SELECT c.person_id
    FROM cases AS c
    WHERE NOT EXISTS (SELECT 1 FROM traces AS t WHERE t.case_id = c.person_id AND t.confirmed_ts = c.confirmed_ts)
    UNION
    SELECT t.case_id
    FROM traces AS t
    WHERE t.load_id < $load_id
        AND (
            EXISTS (
                SELECT 1 FROM checkins AS k
                WHERE k.load_id = $load_id AND k.person_id = t.case_id
                    AND k.ts >= t.window_start_ts - INTERVAL 12 HOUR AND k.ts < t.confirmed_ts
            )
            OR EXISTS (
                SELECT 1 FROM contacts AS e
                WHERE e.load_id = $load_id AND (e.person_a = t.case_id OR e.person_b = t.case_id)
                    AND e.start_ts < t.confirmed_ts
                    AND e.start_ts + to_seconds(greatest(e.duration_s, 1)) > t.window_start_ts
            )
            OR EXISTS (
                SELECT 1 FROM trace_points AS q JOIN checkins AS k ON k.venue_id = q.venue_id
                WHERE q.case_id = t.case_id AND k.load_id = $load_id
                    AND k.ts >= q.first_ts - INTERVAL 12 HOUR AND k.ts < q.last_ts
            )
            OR EXISTS (
                SELECT 1 FROM trace_contacts AS f JOIN checkins AS k ON k.person_id = f.person_id
                WHERE f.case_id = t.case_id AND f.degree = 1 AND k.load_id = $load_id
                    AND k.ts >= f.exposure_ts - INTERVAL 12 HOUR AND k.ts < t.confirmed_ts
            )
            OR EXISTS (
                SELECT 1 FROM trace_contacts AS f JOIN contacts AS e ON e.person_a = f.person_id
                WHERE f.case_id = t.case_id AND f.degree = 1 AND e.load_id = $load_id
                    AND e.start_ts < t.confirmed_ts AND e.start_ts + to_seconds(greatest(e.duration_s, 1)) > f.exposure_ts
            )
            OR EXISTS (
                SELECT 1 FROM trace_contacts AS f JOIN contacts AS e ON e.person_b = f.person_id
                WHERE f.case_id = t.case_id AND f.degree = 1 AND e.load_id = $load_id
                    AND e.start_ts < t.confirmed_ts AND e.start_ts + to_seconds(greatest(e.duration_s, 1)) > f.exposure_ts
            )
        )
)
SELECT s.person_id, EXISTS (SELECT 1 FROM traces AS t WHERE t.case_id = s.person_id) AS already_traced
FROM stale AS s
SEMI JOIN cases AS c ON c.person_id = s.person_id
ORDER BY s.person_id
