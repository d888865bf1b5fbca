-- The bands of every area-level rule version (view rule_frame) as a work table: one row per version and band.
CREATE OR REPLACE TEMP TABLE level_band AS SELECT * FROM rule_frame
