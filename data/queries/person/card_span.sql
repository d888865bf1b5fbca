-- One person's card on a local day as the rules engine stored it: zero rows (red, the colour of no span) or one (green or yellow) with the rule version that decided it.
SELECT colour, rule_version, from_day, to_day
FROM card_spans
WHERE person_id = $person_id AND from_day <= $day AND $day < to_day
