-- Appends the dataset's venues not yet in the store (idempotent by venue_id): one row per new venue.
-- The stored keys are found from the batch's side (a semi join builds on the few rows sent and their key range skips
-- the stored row groups around them); an anti join straight against the stored table built a hash table of all of it,
-- half a second per batch against 69 M encounters.
INSERT INTO venues
WITH stored AS (SELECT t.venue_id FROM venues AS t SEMI JOIN src AS s ON s.venue_id = t.venue_id)
SELECT s.venue_id, trim(s.name), s.kind, s.ward_code, s.lat, s.lon, $load_id
FROM src AS s
ANTI JOIN stored AS t ON t.venue_id = s.venue_id
