-- One person's tests: one row per test, newest sample first, times as local ISO text.
SELECT
    event_id, kind, result,
    strftime(timezone('Asia/Ho_Chi_Minh', sample_ts), '%Y-%m-%dT%H:%M') AS sample_ts,
    strftime(timezone('Asia/Ho_Chi_Minh', result_ts), '%Y-%m-%dT%H:%M') AS result_ts
FROM tests
WHERE person_id = $person_id
ORDER BY tests.sample_ts DESC, event_id
