-- Appends one action to a directive's history: no rows returned.
INSERT INTO directive_actions (seq, directive_id, action, username, role, jurisdiction, acted_at, note, progress, status)
VALUES ($seq, $directive_id, $action, $username, $role, $jurisdiction, $at, $note, $progress, $status)
