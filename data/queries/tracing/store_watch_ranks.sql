-- Writes each watch-list row's place in its case's watch list (view new_ranks: case_id, person_id, risk_rank).
UPDATE trace_watch SET risk_rank = r.risk_rank
FROM new_ranks AS r
WHERE trace_watch.case_id = r.case_id AND trace_watch.person_id = r.person_id
