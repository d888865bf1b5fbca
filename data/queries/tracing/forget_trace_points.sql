-- Before cases are traced again (view retraced): removes their rows of trace_points, written by their previous trace.
DELETE FROM trace_points WHERE case_id IN (SELECT case_id FROM retraced)
