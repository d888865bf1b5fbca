-- Whether any stored F1 has no place in its call list (a store traced before the risk order): one row (unranked).
SELECT EXISTS (SELECT 1 FROM trace_contacts WHERE degree = 1 AND risk_rank IS NULL) AS unranked
