-- Confirms cases from one load's positive tests: one row per person whose first counted positive is new or earlier than known.
-- Which test kinds count is the rule version's (PCR only, or antigen too).
INSERT INTO cases
SELECT t.person_id, any_value(p.ward_code), min(t.sample_ts), arg_min(t.result_ts, t.sample_ts), arg_min(t.kind, t.sample_ts), $rule_version
FROM tests AS t JOIN people AS p ON p.person_id = t.person_id
WHERE t.load_id = $load_id AND t.result = 'positive' AND list_contains($counted_kinds, t.kind)
GROUP BY t.person_id
ON CONFLICT (person_id) DO UPDATE SET
    sample_ts = excluded.sample_ts,
    confirmed_ts = excluded.confirmed_ts,
    test_kind = excluded.test_kind,
    rule_version = excluded.rule_version
    WHERE excluded.sample_ts < cases.sample_ts
