-- What one person's card depends on, as rules/card.py reads it: one row per fact (kind 'case', 'dose', 'negative_test',
-- 'quarantine', 'exposure'), instants as TIMESTAMPTZ; detail_ts is a test's sample or a quarantine's exposure. A quarantine carries the case that set it (the case confirmed at
-- its start that named the person F1), the exposure's time and link and the venue's name; an exposure its case.
SELECT 'case' AS kind, confirmed_ts AS start_ts, NULL::TIMESTAMPTZ AS end_ts, NULL::TIMESTAMPTZ AS detail_ts,
    NULL AS test_kind, NULL::INTEGER AS dose, person_id AS case_id, NULL AS via, NULL AS venue_name, NULL AS rule_version
FROM cases WHERE person_id = $person_id
UNION ALL
SELECT 'dose', ts, NULL, NULL, NULL, dose, NULL, NULL, NULL, NULL FROM vaccinations WHERE person_id = $person_id
UNION ALL
SELECT 'negative_test', result_ts, NULL, sample_ts, kind, NULL, NULL, NULL, NULL, NULL
FROM tests WHERE person_id = $person_id AND result = 'negative'
UNION ALL
SELECT 'quarantine', q.start_ts, q.end_ts, e.exposure_ts, NULL, NULL, e.case_id, e.via, v.name, q.rule_version
FROM quarantine AS q
LEFT JOIN cases AS c ON c.confirmed_ts = q.start_ts
LEFT JOIN exposures AS e ON e.person_id = q.person_id AND e.case_id = c.person_id
LEFT JOIN trace_contacts AS k ON k.case_id = e.case_id AND k.person_id = q.person_id AND k.degree = 1
LEFT JOIN venues AS v ON v.venue_id = k.venue_id
WHERE q.person_id = $person_id
    AND (c.person_id IS NULL OR e.case_id IS NOT NULL)
UNION ALL
SELECT 'exposure', exposure_ts, NULL, NULL, NULL, NULL, case_id, via, NULL, NULL FROM exposures WHERE person_id = $person_id
ORDER BY kind, start_ts
