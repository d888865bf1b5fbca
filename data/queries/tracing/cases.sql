-- Confirmed cases with their onset: one row per case (person_id, sample, confirmed, onset or NULL; seconds since $base).
-- Onset is the first declaration with any symptom in the $lookback_days days before the sample.
SELECT
    c.person_id,
    CAST(epoch_ms(c.sample_ts) // 1000 - $base AS INTEGER) AS sample,
    CAST(epoch_ms(c.confirmed_ts) // 1000 - $base AS INTEGER) AS confirmed,
    CAST(epoch_ms(min(d.ts)) // 1000 - $base AS INTEGER) AS onset
FROM cases AS c
LEFT JOIN declarations AS d
    ON d.person_id = c.person_id
    AND (d.fever OR d.cough OR d.breathless OR d.lost_taste)
    AND d.ts <= c.sample_ts
    AND d.ts >= c.sample_ts - to_days(CAST($lookback_days AS INTEGER))
GROUP BY c.person_id, c.sample_ts, c.confirmed_ts
ORDER BY c.person_id
