-- Gives a new store its id and data version 0 (once, when it is created).
INSERT INTO meta VALUES ('store_id', $store_id), ('data_version', '0')
