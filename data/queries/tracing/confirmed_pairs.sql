-- Evaluation only (reads the scenario's ground truth): every true transmission between two confirmed cases, one row per
-- infection (infector, infectee).
SELECT i.infector, i.infectee
FROM infections AS i
SEMI JOIN cases AS a ON a.person_id = i.infector
SEMI JOIN cases AS b ON b.person_id = i.infectee
WHERE i.infector IS NOT NULL
ORDER BY i.infector, i.infectee
