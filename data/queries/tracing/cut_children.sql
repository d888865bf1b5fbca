-- The cases outside a set (view scope_cases) infected at a venue by a case inside it: one row per case (case_id,
-- source_id, venue_id). Those not in their source's cluster are in a focus opened at that venue, which depends on the
-- focus their source's cluster gets and on who else that source infected there.
SELECT case_id, source_id, venue_id
FROM cluster_cases
WHERE source_id IN (SELECT case_id FROM scope_cases)
    AND case_id NOT IN (SELECT case_id FROM scope_cases)
    AND via = 'venue'
