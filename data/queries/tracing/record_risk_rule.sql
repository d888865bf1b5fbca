-- Records the risk order ($name) the stored F1 lists are ranked under, replacing the one recorded.
INSERT OR REPLACE INTO meta VALUES ('risk_rule', $name)
