-- Every province's code, for the card rule each one has in force: one row per province.
SELECT code FROM areas WHERE level = 'province' ORDER BY code
