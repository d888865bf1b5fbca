-- Every traced case: one row per case (case_id).
SELECT case_id FROM traces
