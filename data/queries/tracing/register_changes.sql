-- What the loads after $after_load changed in the register: one row (people, venues, last_load).
SELECT
    (SELECT count(*) FROM people WHERE load_id > $after_load) AS people,
    (SELECT count(*) FROM venues WHERE load_id > $after_load) AS venues,
    (SELECT coalesce(max(load_id), 0) FROM loads WHERE finished_at IS NOT NULL) AS last_load
