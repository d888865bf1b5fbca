-- The current cluster of the given cases (view touched_cases): one row per member of each of those clusters (cluster_id, case_id).
SELECT cluster_id, case_id
FROM cluster_cases
WHERE cluster_id IN (
    SELECT k.cluster_id FROM cluster_cases AS k WHERE k.case_id IN (SELECT case_id FROM touched_cases)
)
