-- Before cases are traced again (view retraced): removes their rows of exposures, written by their previous trace.
DELETE FROM exposures WHERE case_id IN (SELECT case_id FROM retraced)
