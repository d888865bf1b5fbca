-- Records when a batch's commit returned (its rows visible to every reader from then on): one row of loads updated.
UPDATE loads SET committed_at = $committed_at WHERE load_id = $load_id
