-- Writes the rewritten cases' clusters (view new_cluster_cases): one row per case (cluster_id, case_id).
INSERT INTO cluster_cases SELECT cluster_id, case_id FROM new_cluster_cases
