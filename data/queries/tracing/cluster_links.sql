-- Links between the cases just traced (view new_traces) and any traced case: one row per pair (case_a, case_b).
-- An F1 link (either case named the other as F1), or a shared point: the same venue visited by both while both
-- infectious windows overlapped.
SELECT k.case_id AS case_a, k.person_id AS case_b
FROM trace_contacts AS k
WHERE k.degree = 1
    AND (k.case_id IN (SELECT case_id FROM new_traces) OR k.person_id IN (SELECT case_id FROM new_traces))
    AND k.person_id IN (SELECT case_id FROM traces)
UNION
SELECT a.case_id, b.case_id
FROM trace_points AS a
JOIN trace_points AS b ON b.venue_id = a.venue_id AND b.case_id <> a.case_id
JOIN traces AS ta ON ta.case_id = a.case_id
JOIN traces AS tb ON tb.case_id = b.case_id
WHERE a.case_id IN (SELECT case_id FROM new_traces)
    AND ta.window_start_ts < tb.confirmed_ts AND tb.window_start_ts < ta.confirmed_ts
