-- Evaluation only: every stored F1 link between two traced cases (case_a named case_b as F1), at any time and through
-- any venue, one row per link: the most any clustering by the data's links could join.
SELECT k.case_id AS case_a, k.person_id AS case_b
FROM trace_contacts AS k
SEMI JOIN traces AS b ON b.case_id = k.person_id
WHERE k.degree = 1
