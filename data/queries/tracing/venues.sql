-- The places as the tracer needs them: one row per venue (venue_id, kind), by venue_id.
SELECT venue_id, kind
FROM venues
ORDER BY venue_id
