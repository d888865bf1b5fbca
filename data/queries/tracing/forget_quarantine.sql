-- Before cases are traced again (view retraced): removes the quarantine their previous trace gave its F1s.
DELETE FROM quarantine AS q
USING trace_contacts AS k, traces AS t
WHERE k.case_id IN (SELECT case_id FROM retraced) AND k.degree = 1 AND t.case_id = k.case_id
    AND q.person_id = k.person_id AND q.start_ts = t.confirmed_ts
