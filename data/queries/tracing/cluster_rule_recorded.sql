-- Whether any case is traced, and the cluster rule its clusters were built under: one row (traced, cluster_rule; NULL when none is recorded).
SELECT EXISTS (SELECT 1 FROM traces) AS traced, (SELECT value FROM meta WHERE key = 'cluster_rule') AS cluster_rule
