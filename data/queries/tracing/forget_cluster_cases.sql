-- Before clusters are rewritten: removes the members of the old clusters (view old_clusters) and the rewritten cases (view new_cluster_cases).
DELETE FROM cluster_cases
WHERE cluster_id IN (SELECT cluster_id FROM old_clusters) OR case_id IN (SELECT case_id FROM new_cluster_cases)
