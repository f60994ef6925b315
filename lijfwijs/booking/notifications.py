"""What a booking's changes send: emails to the person and notices to the practitioner.

`booking_event(booking, event)` is called by services.py after each change ("held", "confirmed",
"cancelled", "rescheduled"), inside the change's transaction; everything is queued through
`core.mail.send_email`, so it goes out when the change commits and not at all when it rolls back.

- held: the visitor gets the link that confirms their email address (and so the booking), signed
  and valid CONFIRM_MAX_AGE (the hold's 30 minutes);
- confirmed / rescheduled: the person gets the time, the place, the link to manage the booking and
  a calendar file (METHOD:REQUEST; a move keeps the UID and raises SEQUENCE);
- cancelled: the person gets a calendar file with METHOD:CANCEL (when they had one);
- every confirmed booking, move and cancellation: a notice to the practitioner with the time and
  the type, never the question or anything about the person's health ("log in to see").

Blocked time sends nothing. Emails are in the booking's language (the practitioner's notice in
theirs), text and HTML, without tracking.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.core import signing
from django.urls import NoReverseMatch, reverse
from django.utils import formats, translation

from lijfwijs.accounts.services import absolute, link
from lijfwijs.core.mail import email_language, send_email

CONFIRM_SALT = "lijfwijs.booking.confirm-email"
CONFIRM_MAX_AGE = 30 * 60  # seconds: as long as the booking is held
SIGN_SEP = "."  # not in the token's URL-safe alphabet, so the URL stays clean

EVENTS = ("held", "confirmed", "cancelled", "rescheduled")


# --- the signed confirm link --------------------------------------------------------------------


def _confirm_signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=CONFIRM_SALT, sep=SIGN_SEP)


def confirm_signature(token: str) -> str:
    """The signed part of a booking's confirm link (timestamp and signature of its token)."""
    return _confirm_signer().sign(token)[len(token) + len(SIGN_SEP) :]


def check_confirm_signature(token: str, signature: str, *, max_age: int = CONFIRM_MAX_AGE) -> None:
    """Raises signing.SignatureExpired when the link is older than `max_age` seconds and
    signing.BadSignature when it was not made for this token (compared in constant time)."""
    _confirm_signer().unsign(f"{token}{SIGN_SEP}{signature}", max_age=max_age)


def confirm_link(booking: Any, language: str) -> str:
    return link(
        "booking_confirm",
        language,
        token=booking.token,
        signature=confirm_signature(booking.token),
    )


def manage_link(booking: Any, language: str | None = None) -> str:
    return link("booking_manage", language or email_language(booking.language), token=booking.token)


# --- what the emails say ------------------------------------------------------------------------


def zone_of(booking: Any) -> ZoneInfo:
    return ZoneInfo(booking.practice.time_zone or "Europe/Amsterdam")


def when_text(booking: Any, start: datetime | None = None, end: datetime | None = None) -> str:
    """ "dinsdag 8 december 2026, 09:00–09:30" in the practice's zone and the active language."""
    zone = zone_of(booking)
    local_start = (start or booking.start).astimezone(zone)
    local_end = (end or booking.end).astimezone(zone)
    day = formats.date_format(local_start, "l j F Y")
    return f"{day}, {local_start:%H:%M}–{local_end:%H:%M}"


def _where(booking: Any) -> dict[str, str]:
    from .calendar import location_of
    from .models import AppointmentType

    appointment_type = booking.appointment_type
    kind = appointment_type.location if appointment_type else ""
    return {
        "location_kind": kind,
        "location": location_of(booking),
        "video_link": appointment_type.video_link
        if appointment_type and kind == AppointmentType.Location.VIDEO
        else "",
    }


def person_context(booking: Any, language: str) -> dict[str, Any]:
    """Everything a person's email shows (JSON values only); no question, no health content."""
    with translation.override(language):
        appointment_type = booking.appointment_type
        return {
            "name": booking.who,
            "type_name": appointment_type.name if appointment_type else "",
            "price": (
                ""
                if appointment_type is None
                else (appointment_type.price_text if not appointment_type.is_free else "")
            ),
            "is_free": bool(appointment_type and appointment_type.is_free),
            "when": when_text(booking),
            "practitioner": str(booking.practitioner),
            "practice": booking.practice.name,
            "practice_phone": booking.practice.phone,
            "practice_email": booking.practice.email,
            "manage_link": manage_link(booking, language),
            "cancel_limit_hours": appointment_type.cancel_limit_hours if appointment_type else 0,
            **_where(booking),
        }


def practitioner_link(language: str) -> str:
    """Where the practitioner logs in to see the booking: their agenda (the workspace's start
    page until the agenda exists)."""
    with translation.override(language):
        for name in ("booking_agenda", "practice:home"):
            try:
                return absolute(reverse(name))
            except NoReverseMatch:
                continue
    return absolute("/")


def _ics_attachment(booking: Any, method: str, language: str) -> list[dict[str, str]]:
    from .calendar import CANCEL, booking_ics

    content = booking_ics(
        booking,
        method=method,
        manage_link="" if method == CANCEL else manage_link(booking, language),
    ).decode("utf-8")
    return [
        {
            "filename": "afspraak.ics",
            "content": content,
            "mimetype": f"text/calendar; method={method}",
        }
    ]


# --- the event ----------------------------------------------------------------------------------


def booking_event(booking: Any, event: str) -> None:
    """Queue the emails of one change of a booking (sent when the change commits)."""
    from .calendar import CANCEL, REQUEST
    from .models import Booking

    if event not in EVENTS:
        raise ValueError(f"unknown booking event {event!r}")
    if booking.kind != Booking.Kind.APPOINTMENT:
        return  # blocked time: nothing to tell anyone
    language = email_language(booking.language)
    to = booking.contact_email
    was_confirmed = booking.confirmed_at is not None

    if to:
        context = person_context(booking, language)
        if event == "held":
            context["confirm_link"] = confirm_link(booking, language)
            context["valid_minutes"] = CONFIRM_MAX_AGE // 60
            send_email(to, "booking/emails/confirm_email", context, language)
        elif event == "confirmed":
            send_email(
                to,
                "booking/emails/confirmed",
                context,
                language,
                attachments=_ics_attachment(booking, REQUEST, language),
            )
        elif event == "rescheduled":
            send_email(
                to,
                "booking/emails/rescheduled",
                {**context, "confirmed": was_confirmed},
                language,
                attachments=_ics_attachment(booking, REQUEST, language) if was_confirmed else None,
            )
        elif event == "cancelled":
            context["by_practice"] = booking.cancelled_by == "practice"
            send_email(
                to,
                "booking/emails/cancelled",
                context,
                language,
                attachments=_ics_attachment(booking, CANCEL, language) if was_confirmed else None,
            )

    # The practitioner hears of bookings that are (or were) confirmed: a held one may never be.
    if event != "held" and was_confirmed:
        _notify_practitioner(booking, event)


def _notify_practitioner(booking: Any, event: str) -> None:
    practitioner = booking.practitioner
    if not practitioner.email or not practitioner.is_active:
        return
    language = email_language(practitioner.language)
    with translation.override(language):
        context = {
            "event": event,
            "type_name": booking.appointment_type.name if booking.appointment_type else "",
            "when": when_text(booking),
            "by_practice": booking.cancelled_by == "practice",
            "link": practitioner_link(language),
        }
    send_email(practitioner.email, "booking/emails/practitioner_notice", context, language)
