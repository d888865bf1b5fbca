-- Appends the audit entries of `audit_frame` (one row per stream entry); an entry already stored is left as it is.
INSERT OR IGNORE INTO audit_log (entry_id, logged_at, username, role, action, target, address, detail, stored_at)
SELECT entry_id, logged_at, username, role, action, target, address, detail, now()
FROM audit_frame
