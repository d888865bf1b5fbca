-- Before cases are traced again (view retraced): removes their watch lists, written by their previous trace.
DELETE FROM trace_watch WHERE case_id IN (SELECT case_id FROM retraced)
