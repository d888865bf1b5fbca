-- How many audit entries match the filters (user, action, local day; NULL: any): one row.
SELECT count(*)
FROM audit_log
WHERE ($username IS NULL OR username = $username)
  AND ($action IS NULL OR action = $action)
  AND ($day IS NULL OR CAST(timezone('Asia/Ho_Chi_Minh', logged_at) AS DATE) = CAST($day AS DATE))
