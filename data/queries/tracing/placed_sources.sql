-- The cluster and its focus of each given case already clustered (view source_cases): one row per case (case_id,
-- cluster_id, focus_kind, focus_venue_id).
SELECT k.case_id, k.cluster_id, c.focus_kind, c.focus_venue_id
FROM cluster_cases AS k
JOIN clusters AS c USING (cluster_id)
WHERE k.case_id IN (SELECT case_id FROM source_cases)
