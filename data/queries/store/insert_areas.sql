-- Fills a new store's areas from the shared geography (view areas_frame): one row per province, district and ward.
INSERT INTO areas SELECT * FROM areas_frame
