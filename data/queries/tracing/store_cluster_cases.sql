-- Writes the rewritten cases' clusters (view new_cluster_cases): one row per case (cluster_id, case_id, and the link it
-- joined by: source_id, via, venue_id).
INSERT INTO cluster_cases (cluster_id, case_id, source_id, via, venue_id)
SELECT cluster_id, case_id, source_id, via, venue_id FROM new_cluster_cases
