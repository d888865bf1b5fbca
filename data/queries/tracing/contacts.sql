-- Bluetooth encounters of the loads after $after_load up to $upto_load: one row per encounter (person_a, person_b, start in seconds since $base, duration_s, distance_m).
SELECT
    person_a,
    person_b,
    CAST(epoch_ms(start_ts) // 1000 - $base AS INTEGER) AS start,
    CAST(least(duration_s, 2147483647) AS INTEGER) AS duration_s,
    CAST(distance_m AS FLOAT) AS distance_m
FROM contacts
WHERE load_id > $after_load AND load_id <= $upto_load
