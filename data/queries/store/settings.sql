-- The connection's settings, run when the store is opened. DuckDB 2.0.0 fails an internal assertion ("dict-surviving
-- cache: global dictionary column changed identity") in the caching operator of a hash join over many segments, as
-- the rules' refresh hits at 7 M people; without caching operators the same plans run and give the same results.
SET GLOBAL enable_caching_operators = false
