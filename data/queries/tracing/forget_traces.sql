-- Before cases are traced again (view retraced): removes their rows of traces, written by their previous trace.
DELETE FROM traces WHERE case_id IN (SELECT case_id FROM retraced)
