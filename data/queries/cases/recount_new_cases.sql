-- Recounts confirmed cases by ward and local day of confirmation for the keys in touched_case_days: one row per key.
INSERT INTO ward_day (ward_code, day, new_cases)
SELECT k.ward_code, k.day, count(c.person_id)
FROM (SELECT DISTINCT ward_code, day FROM touched_case_days) AS k
LEFT JOIN cases AS c ON c.ward_code = k.ward_code AND local_day(c.confirmed_ts) = k.day
GROUP BY k.ward_code, k.day
ON CONFLICT (ward_code, day) DO UPDATE SET new_cases = excluded.new_cases
