-- One person of the register whom the viewer may open (home ward inside its jurisdiction, or named by a trace as a contact living there): zero or one row, with the ward, district and province names and the store's last day.
-- Personal columns for a reader of personal data only ($personal; NULL otherwise): data/person.py refuses anyone else before this runs.
SELECT
    p.person_id,
    CASE WHEN $personal THEN p.full_name END AS full_name,
    CASE WHEN $personal THEN p.citizen_id END AS citizen_id,
    CASE WHEN $personal THEN p.phone END AS phone,
    CASE WHEN $personal THEN p.birth_date END AS birth_date,
    p.sex, p.household_id, p.ward_code, a.name AS ward_name, d.name AS district_name,
    a.province_code, pr.name AS province_name,
    (SELECT last_day FROM rule_calendar) AS last_day
FROM people AS p
JOIN areas AS a ON a.code = p.ward_code
LEFT JOIN areas AS d ON d.code = a.district_code
LEFT JOIN areas AS pr ON pr.code = a.province_code
WHERE p.person_id = $person_id
    AND (
        in_scope(a.province_code, a.district_code, $scope_level, $scope_codes)
        OR EXISTS (
            SELECT 1
            FROM trace_contacts AS k
            JOIN areas AS ka ON ka.code = k.ward_code
            WHERE k.person_id = $person_id AND in_scope(ka.province_code, ka.district_code, $scope_level, $scope_codes)
        )
    )
