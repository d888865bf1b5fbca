-- The clusters opened at a venue by a case infected there by one of the given cases (view source_cases): one row per
-- such cluster (source_id, venue_id, cluster_id: its first case, whose source link that is).
SELECT source_id, venue_id, cluster_id
FROM cluster_cases
WHERE source_id IN (SELECT case_id FROM source_cases) AND via = 'venue' AND cluster_id = case_id
