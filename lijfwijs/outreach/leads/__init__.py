"""The contact form and the practice's leads (contact form, Pijntest, advice-call bookings)."""
