-- The wards of one province are reassessed from $from_day on (its treatment capacity changed): one row per ward.
INSERT INTO level_scope SELECT code, $from_day FROM areas WHERE level = 'ward' AND province_code = $province_code
