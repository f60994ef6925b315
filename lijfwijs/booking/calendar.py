"""Calendar files (RFC 5545) of bookings: the `.ics` in the emails and the practitioner's feed.

Built with `core.ics` (the `icalendar` library). Every event carries its booking's stable UID
(`<booking.uid>@<site host>`) and SEQUENCE (`booking.sequence`, raised by the services on every
change), times in the practice's zone (TZID) with a VTIMEZONE for it, so a calendar app moves the
one event it already has instead of adding a second. Nothing about the person's health is in a
calendar file: never the question, only the type, the time, the place and who.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from email.utils import parseaddr
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lijfwijs.core import ics
from lijfwijs.core.ics import CANCEL, REQUEST
from lijfwijs.core.mail import email_language

from .models import AppointmentType, Booking

__all__ = ["CANCEL", "REQUEST", "booking_ics", "feed_ics", "location_of", "summary_of"]

PRODID = "-//Lijfwijs//Afspraken//NL"


def zone_of(booking: Booking) -> ZoneInfo:
    return ZoneInfo(booking.practice.time_zone or "Europe/Amsterdam")


def location_of(booking: Booking) -> str:
    """Where: the video link, "telefonisch" or the practice's address (one line)."""
    appointment_type = booking.appointment_type
    if appointment_type is None:
        return ""
    if appointment_type.location == AppointmentType.Location.VIDEO:
        return appointment_type.video_link or _("online (video)")
    if appointment_type.location == AppointmentType.Location.PHONE:
        return _("telefonisch")
    address = ", ".join(
        line.strip() for line in booking.practice.address.splitlines() if line.strip()
    )
    return address or booking.practice.name


def summary_of(booking: Booking) -> str:
    """The person's title of the event: the type and the practice."""
    if booking.kind == Booking.Kind.BLOCK:
        return booking.note or _("Geblokkeerde tijd")
    name = booking.appointment_type.name if booking.appointment_type else _("Afspraak")
    return _("%(type)s bij %(practice)s") % {"type": name, "practice": booking.practice.name}


def _event(booking: Booking, *, summary: str, description: str, now: datetime) -> Any:
    """The booking's VEVENT: its UID is the same for the life of the booking, whatever changes."""
    return ics.event(
        uid=ics.uid(booking.uid),
        sequence=booking.sequence,
        start=booking.start,
        end=booking.end,
        zone=zone_of(booking),
        summary=summary,
        location=location_of(booking),
        description=description,
        now=now,
    )


def booking_ics(
    booking: Booking,
    *,
    method: str = REQUEST,
    manage_link: str = "",
    now: datetime | None = None,
) -> bytes:
    """The person's calendar file of one booking: METHOD REQUEST (new or moved) or CANCEL, in
    the booking's language."""
    now = now or timezone.now()
    with translation.override(email_language(booking.language)):
        lines = [
            _("Met %(practitioner)s van %(practice)s.")
            % {"practitioner": str(booking.practitioner), "practice": booking.practice.name}
        ]
        if booking.practice.phone:
            lines.append(
                _("Telefoon van de praktijk: %(phone)s") % {"phone": booking.practice.phone}
            )
        if manage_link and method != CANCEL:
            lines.append(_("Verzetten of annuleren: %(link)s") % {"link": manage_link})
        summary = summary_of(booking)
        if method == CANCEL:
            summary = _("Geannuleerd: %(summary)s") % {"summary": summary}
        event = _event(booking, summary=summary, description="\n".join(lines), now=now)
    organizer = booking.practice.email or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    event.add("organizer", ics.address(organizer, booking.practice.name))
    if booking.contact_email:
        attendee = ics.address(
            booking.contact_email,
            booking.who,
            role="REQ-PARTICIPANT",
            partstat="ACCEPTED",
            rsvp="FALSE",
        )
        event.add("attendee", attendee)
    if method == CANCEL:
        event.add("status", "CANCELLED")
    else:  # a visitor's booking waits for their email address (the .ics link on its page)
        event.add("status", "TENTATIVE" if booking.status == Booking.Status.HELD else "CONFIRMED")
    event.add("transp", "OPAQUE")
    return ics.calendar([event], prodid=PRODID, method=method)


def feed_ics(
    practitioner: Any,
    bookings: Iterable[Booking],
    *,
    zone: ZoneInfo,
    language: str,
    now: datetime | None = None,
) -> bytes:
    """A practitioner's subscription: one event per booking (no METHOD: a published calendar),
    with the person's name and the type only."""
    now = now or timezone.now()
    events = []
    with translation.override(email_language(language)):
        for booking in bookings:
            if booking.kind == Booking.Kind.BLOCK:
                summary = booking.note or _("Geblokkeerde tijd")
            else:
                type_name = (
                    booking.appointment_type.name if booking.appointment_type else _("Afspraak")
                )
                summary = _("%(type)s met %(who)s") % {"type": type_name, "who": booking.who}
            event = _event(booking, summary=summary, description="", now=now)
            event.add(
                "status", "TENTATIVE" if booking.status == Booking.Status.HELD else "CONFIRMED"
            )
            events.append(event)
        name = _("Afspraken van %(name)s") % {"name": str(practitioner)}
    return ics.calendar(events, prodid=PRODID, name=name, zone=zone)
