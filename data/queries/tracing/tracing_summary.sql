-- Tracing speed and yield for the cases confirmed in the 7 local days up to $day, living inside the viewer's jurisdiction
-- (and inside $area_code, a province, district or ward, when given): one row. The speed is result to visible list: from
-- the batch carrying the case's positive result being handed to the write path until its commit returned (the lists
-- are visible to tracers from then on); a trace the start-up catch-up wrote after its load had committed has none.
SELECT
    count(*) AS cases_traced,
    median(date_diff('millisecond', l.started_at, l.committed_at)) / 1000.0 AS visible_median_s,
    quantile_cont(date_diff('millisecond', l.started_at, l.committed_at), 0.95) / 1000.0 AS visible_p95_s,
    avg(t.f1_count) AS f1_per_case,
    avg(t.f2_count) AS f2_per_case,
    CAST(coalesce(sum(t.f1_count), 0) AS BIGINT) AS f1_total
FROM traces AS t
JOIN cases AS c ON c.person_id = t.case_id
JOIN areas AS a ON a.code = c.ward_code
LEFT JOIN loads AS l ON l.load_id = t.load_id AND t.ready_ts <= l.committed_at
WHERE local_day(t.confirmed_ts) BETWEEN $day - INTERVAL 6 DAY AND $day
    AND in_scope(a.province_code, a.district_code, $scope_level, $scope_codes)
    AND in_area(c.ward_code, a.province_code, a.district_code, $area_code)
