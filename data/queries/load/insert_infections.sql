-- Appends the dataset's ground-truth infections not yet in the store (idempotent by infectee): one row per new infection.
-- The stored keys are found from the batch's side (a semi join builds on the few rows sent and their key range skips
-- the stored row groups around them); an anti join straight against the stored table built a hash table of all of it,
-- half a second per batch against 69 M encounters.
INSERT INTO infections
WITH stored AS (SELECT t.infectee FROM infections AS t SEMI JOIN src AS s ON s.infectee = t.infectee)
SELECT s.infectee, s.infector, s.ts, s.setting, s.venue_id, $load_id
FROM src AS s
ANTI JOIN stored AS t ON t.infectee = s.infectee
