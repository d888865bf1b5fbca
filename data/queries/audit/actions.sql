-- The actions the audit log holds, for the admin page's filter: one row per action.
SELECT DISTINCT action FROM audit_log ORDER BY action
