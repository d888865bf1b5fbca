-- The dataset's rows with each key once, the first copy by file and row (the others are checked as conflicts).
CREATE OR REPLACE TEMP TABLE src_once AS
SELECT * FROM src
QUALIFY row_number() OVER (PARTITION BY _key ORDER BY _file, _row) = 1
