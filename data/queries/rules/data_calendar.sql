-- The first and last local day the per-ward summaries cover: one row (NULLs on an empty store).
SELECT min(day) AS first_day, max(day) AS last_day FROM ward_day
