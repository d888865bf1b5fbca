-- Appends the dataset's ground-truth infections not yet in the store (idempotent by infectee): one row per new infection.
INSERT INTO infections
SELECT s.infectee, s.infector, s.ts, s.setting, s.venue_id, $load_id
FROM src AS s
ANTI JOIN infections AS t ON t.infectee = s.infectee
