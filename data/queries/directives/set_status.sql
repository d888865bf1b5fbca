-- Moves a directive to the status an action left it in, only if it still is in the status the action was checked
-- against (another action may have come first): the one row changed, or none.
UPDATE directives
SET status = $status, progress = $progress, updated_at = $at
WHERE directive_id = $directive_id AND status = $expected
RETURNING directive_id
