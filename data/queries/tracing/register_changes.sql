-- What the loads after $after_load changed in the register: one row (people, venues, last_load).
-- last_load: the last finished load, or $upto_load when that is the load in progress (tracing inside it).
SELECT
    (SELECT count(*) FROM people WHERE load_id > $after_load) AS people,
    (SELECT count(*) FROM venues WHERE load_id > $after_load) AS venues,
    (SELECT coalesce(max(load_id), 0) FROM loads WHERE finished_at IS NOT NULL OR load_id = $upto_load) AS last_load
