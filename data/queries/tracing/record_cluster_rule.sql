-- Records the cluster rule ($name) the clusters were just built under, replacing the one recorded.
INSERT OR REPLACE INTO meta VALUES ('cluster_rule', $name)
