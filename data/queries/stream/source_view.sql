-- The view `src` the loader's queries read (load/validate_*, insert_*, conflicts_*): one row per event of the stream's
-- batch of one table, copied from the registered Arrow table `stream_rows` (already of the store's types, with _key,
-- _file, _row). A plain view like the loader's, so load/keep_first_copies.sql can replace it; a stored view may not
-- read a Python object, hence the temporary copy.
CREATE OR REPLACE TEMP TABLE stream_src AS SELECT * FROM stream_rows;
CREATE OR REPLACE VIEW src AS SELECT * FROM stream_src
