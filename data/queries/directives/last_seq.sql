-- The sequence number of the store's newest directive action (0 when none): one row.
SELECT coalesce(max(seq), 0) AS seq FROM directive_actions
