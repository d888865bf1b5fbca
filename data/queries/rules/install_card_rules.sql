-- The card rule in force per province (view rule_frame) as the work table the card queries join: one row per province.
CREATE OR REPLACE TEMP TABLE card_rule_province AS SELECT * FROM rule_frame
