-- Tracing speed and yield for the cases confirmed in the 7 local days up to $day, living inside the viewer's jurisdiction
-- (and inside $area_code, a province, district or ward, when given): one row.
SELECT
    count(*) AS cases_traced,
    median(date_diff('millisecond', t.stored_ts, t.ready_ts)) / 1000.0 AS ready_median_s,
    quantile_cont(date_diff('millisecond', t.stored_ts, t.ready_ts), 0.95) / 1000.0 AS ready_p95_s,
    avg(t.f1_count) AS f1_per_case,
    avg(t.f2_count) AS f2_per_case,
    CAST(coalesce(sum(t.f1_count), 0) AS BIGINT) AS f1_total
FROM traces AS t
JOIN cases AS c ON c.person_id = t.case_id
JOIN areas AS a ON a.code = c.ward_code
WHERE local_day(t.confirmed_ts) BETWEEN $day - INTERVAL 6 DAY AND $day
    AND in_scope(a.province_code, a.district_code, $scope_level, $scope_codes)
    AND in_area(c.ward_code, a.province_code, a.district_code, $area_code)
