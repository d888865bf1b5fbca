-- The cases outside a set (view scope_cases) whose source is inside it but who opened a cluster of their own at a venue
-- (the source's cluster had another focus): one row per case (case_id, source_id, venue_id). Their cluster depends on
-- the focus their source's cluster gets.
SELECT k.case_id, k.source_id, k.venue_id
FROM cluster_cases AS k
WHERE k.source_id IN (SELECT case_id FROM scope_cases)
    AND k.case_id NOT IN (SELECT case_id FROM scope_cases)
    AND k.cluster_id = k.case_id
    AND k.via = 'venue'
