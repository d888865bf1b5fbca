-- Stores one new directive (one recipient) as issued: no rows returned.
INSERT INTO directives (
    directive_id, batch_id, kind, issuer, issuer_role, issuer_level, issuer_area, recipient_code, recipient_level,
    recipient_province, recipient_district, text, level, cluster_id, deadline, owner, issued_at, status, progress,
    updated_at, rule_version
)
SELECT $directive_id, $batch_id, $kind, $issuer, $issuer_role, $issuer_level, $issuer_area, a.code, a.level,
       a.province_code, a.district_code, $text, $level, $cluster_id, $deadline, $owner, $at, 'issued', 0, $at,
       $rule_version
FROM areas AS a
WHERE a.code = $recipient_code
