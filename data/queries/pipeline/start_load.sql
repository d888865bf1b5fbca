-- Records a batch as it starts, inside its transaction (a batch rolled back leaves no row).
INSERT INTO loads (load_id, source, started_at) VALUES ($load_id, $source, $started_at)
