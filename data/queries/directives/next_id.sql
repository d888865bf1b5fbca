-- The next directive id: one row.
SELECT nextval('directive_ids') AS directive_id
