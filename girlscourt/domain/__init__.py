"""Rules with no I/O: validation, scoring, calendars, deadlines, matching and permissions."""
