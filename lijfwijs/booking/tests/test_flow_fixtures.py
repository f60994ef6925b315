"""The shared fixtures hold what their docstring says (conftest.py)."""

from lijfwijs.booking import services
from lijfwijs.booking.models import Booking

from .conftest import TUESDAY, book_for, free_start


def test_first_free_time_is_tuesday_nine(frozen, advice_type, session_type, anna_client):
    start = free_start(advice_type, TUESDAY)
    assert start.isoformat() == "2026-12-08T08:00:00+00:00"  # 09:00 in Amsterdam
    assert services.may_book(session_type, anna_client)
    assert not services.may_book(session_type, None)
    booking = book_for(advice_type, start)
    assert booking.status == Booking.Status.HELD
    assert booking.practitioner.display_name == "Lotte"  # the first giver by name
    assert book_for(session_type, start, client=anna_client).status == Booking.Status.CONFIRMED
