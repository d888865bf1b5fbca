-- Empties the coverage delta before the days new to the calendar are filled from everyone's doses.
DELETE FROM coverage_delta
