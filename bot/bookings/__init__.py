"""Events, sessions, bookings, waiting lists and reminders."""
