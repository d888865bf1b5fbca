-- Adds the people a step outside the batch changed (view changed_people, e.g. quarantines tracing rewrote) to the
-- people whose card spans are recomputed, each once.
INSERT INTO rule_people SELECT DISTINCT c.person_id FROM changed_people AS c ANTI JOIN rule_people AS r USING (person_id)
