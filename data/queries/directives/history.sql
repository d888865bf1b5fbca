-- A directive's history, oldest first: one row per action (who, role, jurisdiction, when, note, progress, the status
-- it left). The caller has checked that the viewer may see the directive.
SELECT seq, action, username, role, jurisdiction, acted_at, note, progress, status
FROM directive_actions
WHERE directive_id = $directive_id
ORDER BY seq
