-- Before clusters are rewritten: removes the clusters the rewritten cases were in (view old_clusters).
DELETE FROM clusters WHERE cluster_id IN (SELECT cluster_id FROM old_clusters)
