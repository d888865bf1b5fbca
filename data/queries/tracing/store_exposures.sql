-- Hands the F1 of the cases just traced to the rules engine: one exposure per F1 per case.
INSERT INTO exposures
SELECT person_id, case_id, exposure_ts, via, load_id
FROM trace_contacts
WHERE load_id = $load_id AND degree = 1 AND case_id IN (SELECT case_id FROM new_traces)
