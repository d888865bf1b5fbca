-- Evaluation only: every clustered case (in a cluster of two or more) with its cluster and its true seed, the
-- imported infection its transmission chain in the scenario's `infections` starts from (NULL if unknown).
WITH RECURSIVE chain(infectee, seed) AS (
    SELECT infectee, infectee FROM infections WHERE infector IS NULL
    UNION ALL
    SELECT i.infectee, c.seed FROM infections AS i JOIN chain AS c ON i.infector = c.infectee
),
sizes AS (
    SELECT cluster_id, count(*) AS size FROM cluster_cases GROUP BY ALL
)
SELECT k.cluster_id, k.case_id, min(c.seed) AS seed
FROM cluster_cases AS k
JOIN sizes AS s USING (cluster_id)
LEFT JOIN chain AS c ON c.infectee = k.case_id
WHERE s.size >= 2
GROUP BY ALL
