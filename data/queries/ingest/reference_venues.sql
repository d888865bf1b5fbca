-- Every venue with its province code as a number (79): one row per venue, for the ingest API's reference snapshot.
SELECT v.venue_id, CAST(a.province_code AS UTINYINT) AS province
FROM venues AS v
JOIN areas AS a ON a.code = v.ward_code
