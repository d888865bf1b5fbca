-- Records a batch's end: when, how many rows it appended, the data version it made.
UPDATE loads SET finished_at = $finished_at, rows_loaded = $rows_loaded, data_version = $data_version WHERE load_id = $load_id
