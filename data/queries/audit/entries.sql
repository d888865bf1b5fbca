-- One page of the audit log, newest first: one row per entry, filtered by user, action and local day (NULL: any).
SELECT entry_id, logged_at, username, role, action, target, address, detail
FROM audit_log
WHERE ($username IS NULL OR username = $username)
  AND ($action IS NULL OR action = $action)
  AND ($day IS NULL OR CAST(timezone('Asia/Ho_Chi_Minh', logged_at) AS DATE) = CAST($day AS DATE))
ORDER BY logged_at DESC, entry_id DESC
LIMIT $limit OFFSET $offset
