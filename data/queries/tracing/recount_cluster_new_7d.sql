-- Cases of each cluster confirmed in the 7 days up to the latest confirmation in the store (the data's today).
UPDATE clusters SET new_7d = recent.n
FROM (
    SELECT k.cluster_id, count(*) FILTER (
        WHERE c.confirmed_ts > (SELECT max(confirmed_ts) FROM cases) - to_days(7)
    ) AS n
    FROM cluster_cases AS k JOIN cases AS c ON c.person_id = k.case_id
    GROUP BY k.cluster_id
) AS recent
WHERE clusters.cluster_id = recent.cluster_id AND clusters.new_7d <> recent.n
