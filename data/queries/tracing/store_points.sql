-- Writes the epidemiological points of the cases just traced (view new_points, times in seconds since $base).
INSERT INTO trace_points
SELECT case_id, venue_id, to_timestamp(first_s + $base), to_timestamp(last_s + $base), people_exposed, $load_id
FROM new_points
