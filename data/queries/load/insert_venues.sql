-- Appends the dataset's venues not yet in the store (idempotent by venue_id): one row per new venue.
INSERT INTO venues
SELECT s.venue_id, trim(s.name), s.kind, s.ward_code, s.lat, s.lon, $load_id
FROM src AS s
ANTI JOIN venues AS t ON t.venue_id = s.venue_id
