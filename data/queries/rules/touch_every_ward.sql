-- Every ward's levels from week $first_week on are reassessed (the calendar gained days): one row per ward.
INSERT INTO level_scope SELECT code, $first_week FROM areas WHERE level = 'ward'
