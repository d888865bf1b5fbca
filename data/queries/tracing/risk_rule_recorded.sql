-- The risk order the stored F1 lists were ranked under: one row (risk_rule; NULL when none is recorded).
SELECT (SELECT value FROM meta WHERE key = 'risk_rule') AS risk_rule
