-- Before cases are traced again (view retraced): removes their rows of trace_contacts, written by their previous trace.
DELETE FROM trace_contacts WHERE case_id IN (SELECT case_id FROM retraced)
