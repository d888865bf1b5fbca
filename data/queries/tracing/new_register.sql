-- The register rows the loads after $after_load added (up to $upto_load): one row per person (person_id) and per venue (venue_id), with kind 'person' or 'venue'.
SELECT 'person' AS kind, person_id AS id, NULL AS venue_kind FROM people WHERE load_id > $after_load AND load_id <= $upto_load
UNION ALL
SELECT 'venue', venue_id, kind FROM venues WHERE load_id > $after_load AND load_id <= $upto_load
ORDER BY 1, 2
