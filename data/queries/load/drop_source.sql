-- Drops the views and work tables of the table last loaded.
DROP VIEW IF EXISTS src;
DROP TABLE IF EXISTS src_once;
DROP TABLE IF EXISTS conflicting
