-- The cases of one cluster: one row per case (case_id).
SELECT case_id FROM cluster_cases WHERE cluster_id = $cluster_id
