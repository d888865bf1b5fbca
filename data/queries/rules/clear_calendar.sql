-- Forgets the calendar before set_calendar.sql records the new one (it holds at most one row).
DELETE FROM rule_calendar
