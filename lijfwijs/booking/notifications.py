"""What a booking's changes send: emails to the person and notices to the practitioner.

`booking_event(booking, event)` is called by services.py after each change ("held", "confirmed",
"cancelled", "rescheduled"), inside the change's transaction; anything sent is queued on commit.
"""

from typing import Any


def booking_event(booking: Any, event: str) -> None:
    """Queue the emails of one change of a booking (written by the booking-mail work)."""
