-- Empties the card delta before the days new to the calendar are filled from every span.
DELETE FROM card_delta
