-- The register as the tracer needs it: one row per person (person_id, household_id), by person_id.
SELECT person_id, household_id
FROM people
ORDER BY person_id
