"""A person's own time zone and local date (User.time_zone; Europe/Amsterdam when unknown)."""

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils import timezone


def zone_of(user: Any) -> ZoneInfo:
    try:
        return ZoneInfo(getattr(user, "time_zone", "") or "Europe/Amsterdam")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("Europe/Amsterdam")


def local_today(user: Any, now: datetime | None = None) -> date:
    return (now or timezone.now()).astimezone(zone_of(user)).date()
