-- Every person id of the register: one row per person (person_id), for the ingest API's reference snapshot.
SELECT person_id FROM people
