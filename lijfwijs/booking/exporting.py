"""Booking's part of a person's data export: the appointments they booked (accounts/exporting.py
gathers every app's part through the `export_user_data` hook named in apps.py)."""

from typing import Any

from .models import Booking


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def export_user_data(user: Any) -> dict[str, Any]:
    """The person's own bookings (as a client), every status, oldest first; times in UTC."""
    bookings = (
        Booking.objects.filter(client=user)
        .select_related("appointment_type", "practice", "practitioner")
        .order_by("start", "pk")
    )
    return {
        "bookings": [
            {
                "uid": str(b.uid),
                "start": _iso(b.start),
                "end": _iso(b.end),
                "time_zone": b.practice.time_zone,
                "appointment_type": b.appointment_type.name if b.appointment_type else None,
                "location": b.appointment_type.location if b.appointment_type else None,
                "practice": b.practice.name,
                "practitioner": str(b.practitioner),
                "status": b.status,
                "origin": b.origin,
                "phone": b.phone,
                "question": b.question,
                "pijntest_result": b.assessment_response_id,
                "language": b.language,
                "created_at": _iso(b.created_at),
                "confirmed_at": _iso(b.confirmed_at),
                "cancelled_at": _iso(b.cancelled_at),
                "cancelled_by": b.cancelled_by,
            }
            for b in bookings
        ]
    }


def erase_user_health_data(user: Any) -> None:
    """Withdrawn consent for health data: the questions the person wrote with their bookings and
    the Pijntest results they attached go; the appointments themselves stay (a time agreed with
    a practice is no health data)."""
    Booking.objects.filter(client=user).update(question="", assessment_response=None)
