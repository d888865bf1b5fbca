-- Check-ins of the loads after $after_load up to $upto_load: one row per scan (person_id, venue_id, ts in seconds since $base, is_exit).
SELECT
    person_id,
    venue_id,
    CAST(epoch_ms(ts) // 1000 - $base AS INTEGER) AS ts,
    direction = 'out' AS is_exit
FROM checkins
WHERE load_id > $after_load AND load_id <= $upto_load
