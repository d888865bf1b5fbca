-- Records the cases just traced (view new_traces, window start in seconds since $base): $stored_ts is when their
-- case rows had been stored and were handed to tracing, $ready_ts when their lists were written.
INSERT INTO traces
SELECT n.case_id, c.confirmed_ts, to_timestamp(n.window_start_s + $base), $stored_ts, $ready_ts, n.elapsed_ms, n.f1_count, n.f2_count, n.points_count,
       n.rule_version, $load_id
FROM new_traces AS n
JOIN cases AS c ON c.person_id = n.case_id
