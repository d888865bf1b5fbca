-- How many people and venues the store holds: one row (people, venues); a change means a new reference snapshot.
SELECT (SELECT count(*) FROM people) AS people, (SELECT count(*) FROM venues) AS venues
