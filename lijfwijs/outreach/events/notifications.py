"""The emails of events, queued through `core.mail.send_email` inside the change's transaction (so
they go out when it commits, never when it rolls back), in the sign-up's language, HTML and text.

- signed_up: a place (with the calendar file, METHOD:REQUEST) or a place on the waiting list;
- moved_up: someone cancelled, the first on the waiting list has a place now (with the file);
- signup_cancelled: the person cancelled, or the practice cancelled their sign-up;
- event_changed: the practice moved the event to another time or place (to everyone signed up or
  waiting; the calendar file, same UID and a higher SEQUENCE, moves it for those with a place);
- event_cancelled: the practice called the event off (to everyone signed up or waiting);
- reminder: 24 hours and 1 hour before (reminders.py), with the file.

Every email carries the link to the sign-up's own page (details, cancel, calendar file).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from lijfwijs.accounts.services import link
from lijfwijs.core import ics
from lijfwijs.core.mail import email_language, send_email

from .models import Event, SignUp

PRODID = "-//Lijfwijs//Evenementen//NL"
TEMPLATES = "events/emails/"


def zone_of(event: Event) -> ZoneInfo:
    return ZoneInfo(event.practice.time_zone or "Europe/Amsterdam")


def when_text(event: Event) -> str:
    """ "dinsdag 8 december 2026, 19:30–21:00" in the practice's zone and the active language
    (an event over more than one day names both days)."""
    zone = zone_of(event)
    start, end = event.start.astimezone(zone), event.end.astimezone(zone)
    day = formats.date_format(start, "l j F Y")
    if start.date() == end.date():
        return f"{day}, {start:%H:%M}–{end:%H:%M}"
    return f"{day}, {start:%H:%M} – {formats.date_format(end, 'l j F Y')}, {end:%H:%M}"


def location_text(event: Event) -> str:
    """Where, on one line: the online link, the address, or both."""
    address = ", ".join(line.strip() for line in event.address.splitlines() if line.strip())
    return " · ".join(part for part in (event.online_link, address) if part)


def manage_link(signup: SignUp, language: str | None = None) -> str:
    language = language or email_language(signup.language)
    return link("events_signup", language, token=signup.token)


def context_of(signup: SignUp, language: str) -> dict[str, Any]:
    """What every email about a sign-up shows (JSON values only)."""
    event = signup.event
    with translation.override(language):
        return {
            "name": signup.name,
            "title": event.title,
            "when": when_text(event),
            "online_link": event.online_link,
            "address": ", ".join(
                line.strip() for line in event.address.splitlines() if line.strip()
            ),
            "practice": event.practice.name,
            "practice_email": event.practice.email,
            "is_free": event.is_free,
            "price": "" if event.is_free else event.price_text,
            "status": signup.status,
            "manage_link": manage_link(signup, language),
        }


def event_ics(signup: SignUp, *, method: str = ics.REQUEST, now: datetime | None = None) -> bytes:
    """The person's calendar file of the event, in the sign-up's language."""
    event = signup.event
    language = email_language(signup.language)
    with translation.override(language):
        lines = [_("Georganiseerd door %(practice)s.") % {"practice": event.practice.name}]
        if method != ics.CANCEL:
            lines.append(_("Afmelden: %(link)s") % {"link": manage_link(signup, language)})
        summary = event.title
        if method == ics.CANCEL:
            summary = _("Gaat niet door: %(title)s") % {"title": event.title}
    item = ics.event(
        uid=ics.uid(event.uid),
        sequence=event.sequence,
        start=event.start,
        end=event.end,
        zone=zone_of(event),
        summary=summary,
        location=location_text(event),
        description="\n".join(lines),
        now=now or timezone.now(),
    )
    if event.practice.email:
        item.add("organizer", ics.address(event.practice.email, event.practice.name))
    item.add(
        "attendee",
        ics.address(signup.email, signup.name, role="REQ-PARTICIPANT", partstat="ACCEPTED"),
    )
    item.add("status", "CANCELLED" if method == ics.CANCEL else "CONFIRMED")
    return ics.calendar([item], prodid=PRODID, method=method)


def ics_attachment(signup: SignUp, method: str = ics.REQUEST) -> list[dict[str, str]]:
    return [
        {
            "filename": "evenement.ics",
            "content": event_ics(signup, method=method).decode("utf-8"),
            "mimetype": f"text/calendar; method={method}",
        }
    ]


def message(signup: SignUp, name: str, **extra: Any) -> dict[str, Any]:
    """The arguments of `core.mail.send_email` for one of the emails above."""
    language = email_language(signup.language)
    context = {**context_of(signup, language), **extra}
    attachments = None
    if name in ("moved_up", "reminder") or (
        name in ("signed_up", "event_changed") and signup.status == SignUp.Status.CONFIRMED
    ):
        attachments = ics_attachment(signup)
    elif name == "event_cancelled" and signup.status == SignUp.Status.CONFIRMED:
        attachments = ics_attachment(signup, ics.CANCEL)
    return {
        "to": signup.email,
        "template": TEMPLATES + name,
        "context": context,
        "language": language,
        "attachments": attachments,
    }


def send(signup: SignUp, name: str, **extra: Any) -> None:
    """Queue one of the emails above to the sign-up's address (sent after the commit)."""
    send_email(**message(signup, name, **extra))
