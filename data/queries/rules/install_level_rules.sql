-- The area-level rule versions (view rule_frame) as the work table the level queries join: one row per version.
CREATE OR REPLACE TEMP TABLE level_rule AS SELECT * FROM rule_frame
