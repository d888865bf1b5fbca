-- Writes each stored F1's place in its case's call list (view new_ranks: case_id, person_id, risk_rank).
UPDATE trace_contacts SET risk_rank = r.risk_rank
FROM new_ranks AS r
WHERE trace_contacts.case_id = r.case_id AND trace_contacts.person_id = r.person_id AND trace_contacts.degree = 1
