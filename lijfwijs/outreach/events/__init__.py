"""Events (the masterclass and others): sign-ups under a capacity the database enforces, a waiting list, reminders."""
