-- Drops the stream batch's copy of its rows (after load/drop_source.sql dropped the view over it).
DROP TABLE IF EXISTS stream_src
