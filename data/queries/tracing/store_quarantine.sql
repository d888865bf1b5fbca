-- Quarantines the F1 of the cases just traced: from the case's confirmation for the rule's days (view new_traces).
INSERT INTO quarantine
SELECT k.person_id, c.confirmed_ts, c.confirmed_ts + to_days(CAST(n.quarantine_days AS INTEGER)), n.rule_version, $load_id
FROM trace_contacts AS k
JOIN new_traces AS n ON n.case_id = k.case_id
JOIN cases AS c ON c.person_id = k.case_id
WHERE k.load_id = $load_id AND k.degree = 1
