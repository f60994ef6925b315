"""Calendar files (RFC 5545) built with the `icalendar` library: one event and the calendar around
it, times in a zone (TZID) with its VTIMEZONE, so a calendar app shows the local time and moves the
event it already has (same UID, higher SEQUENCE) instead of adding a second.

Used by the events' emails and by booking (its emails and the practitioner's feed); any app
that sends a calendar file builds it here.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

REQUEST = "REQUEST"
CANCEL = "CANCEL"
# The VTIMEZONE covers this much around the events (a year: every DST change they can meet).
ZONE_MARGIN = timedelta(days=366)


def uid(value: object) -> str:
    """A UID for `value` (a UUID) that is unique to this site."""
    return f"{value}@{urlsplit(settings.SITE_URL).hostname or 'lijfwijs'}"


def address(email: str, name: str = "", **params: str) -> Any:
    """An ORGANIZER or ATTENDEE value: mailto:, with CN and any other parameters."""
    import icalendar

    found = icalendar.vCalAddress(f"mailto:{email}")
    if name:
        found.params["CN"] = name
    for key, value in params.items():
        found.params[key.upper()] = value
    return found


def event(
    *,
    uid: str,
    sequence: int,
    start: datetime,
    end: datetime,
    zone: ZoneInfo,
    summary: str,
    location: str = "",
    description: str = "",
    now: datetime | None = None,
) -> Any:
    """A VEVENT with local times in `zone`."""
    import icalendar

    found = icalendar.Event()
    found.add("uid", uid)
    found.add("sequence", sequence)
    found.add("dtstamp", (now or timezone.now()).astimezone(ZoneInfo("UTC")))
    found.add("dtstart", start.astimezone(zone))
    found.add("dtend", end.astimezone(zone))
    found.add("summary", summary)
    if location:
        found.add("location", location)
    if description:
        found.add("description", description)
    return found


def calendar(
    events: list[Any],
    *,
    prodid: str,
    method: str | None = None,
    name: str = "",
    zone: ZoneInfo | None = None,
) -> bytes:
    """The VCALENDAR of `events` (with METHOD when given) and the VTIMEZONEs they use; a
    subscribed calendar also has a `name` (X-WR-CALNAME) and its `zone` (X-WR-TIMEZONE)."""
    import icalendar

    found = icalendar.Calendar()
    found.add("prodid", prodid)
    found.add("version", "2.0")
    found.add("calscale", "GREGORIAN")
    if method:
        found.add("method", method)
    if name:
        found.add("x-wr-calname", name)
        if zone is not None:
            found.add("x-wr-timezone", zone.key)
    for item in events:
        found.add_component(item)
    starts = [item.decoded("dtstart") for item in events]
    now = timezone.now()
    first = min(starts, default=now) - ZONE_MARGIN
    last = max(starts, default=now) + ZONE_MARGIN
    found.add_missing_timezones(first_date=first.date(), last_date=last.date())
    return found.to_ical()
