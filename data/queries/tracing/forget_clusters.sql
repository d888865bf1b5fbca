-- Before clusters are rewritten: removes the clusters the rewritten cases were in (view old_clusters) and those they
-- now join (view new_cluster_cases), which are counted again from all their cases.
DELETE FROM clusters
WHERE cluster_id IN (SELECT cluster_id FROM old_clusters) OR cluster_id IN (SELECT cluster_id FROM new_cluster_cases)
