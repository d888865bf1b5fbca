-- Confirmed cases without a trace for their current confirmation (new, or confirmed earlier by a later test): one row per case (person_id, already_traced).
SELECT c.person_id, EXISTS (SELECT 1 FROM traces AS t WHERE t.case_id = c.person_id) AS already_traced
FROM cases AS c
WHERE NOT EXISTS (SELECT 1 FROM traces AS t WHERE t.case_id = c.person_id AND t.confirmed_ts = c.confirmed_ts)
ORDER BY c.person_id
