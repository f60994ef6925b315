"""What the demo practice of `make run` offers to book (called by practice's `load_demo`).

- "Gratis adviesgesprek": 20 minutes online (video), free, for anyone;
- "Behandeling": 50 minutes in the practice, with a price, for the practice's clients only;
- the practitioners' weekly hours: Monday to Friday 09:00-12:30 and 13:30-17:00 (lunch between);
- a holiday (Christmas) as an exception;
- a few bookings of the demo client: two in the past (held: done) and two ahead (confirmed).

Idempotent: what exists is left as it is. Bookings are made through the services (the past ones
with the clock of a week before them, then marked as done), never written past them.
"""

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from . import services
from .models import AppointmentType, AvailabilityException, Booking, WeeklyHours

ADVICE = {
    "name": "Gratis adviesgesprek",
    "description": (
        "Een kort online gesprek over je klachten en je Pijntest: wat kun je zelf doen, en past "
        "een behandeling bij je? Vrijblijvend en gratis."
    ),
    "duration_minutes": 20,
    "buffer_after_minutes": 10,
    "slot_step_minutes": 30,
    "is_free": True,
    "location": AppointmentType.Location.VIDEO,
    "video_link": "https://video.demo.lijfwijs.local/praktijk-rugwijs",
    "audience": AppointmentType.Audience.ANYONE,
    "min_notice_hours": 4,
    "horizon_days": 42,
    "cancel_limit_hours": 4,
    "position": 1,
}
TREATMENT = {
    "name": "Behandeling",
    "description": "Een behandeling in de praktijk, met oefeningen die je thuis verder doet.",
    "duration_minutes": 50,
    "buffer_after_minutes": 10,
    "slot_step_minutes": 60,
    "is_free": False,
    "price_text": "€ 72,50 per behandeling",
    "location": AppointmentType.Location.PRACTICE,
    "audience": AppointmentType.Audience.CLIENTS,
    "min_notice_hours": 12,
    "horizon_days": 60,
    "cancel_limit_hours": 24,
    "position": 2,
}
HOURS = [(time(9, 0), time(12, 30)), (time(13, 30), time(17, 0))]  # lunch 12:30-13:30
# The client's bookings: (type, days from today, at or after this local time, done or ahead)
BOOKINGS = [
    ("treatment", -21, time(10, 0)),
    ("treatment", -14, time(10, 0)),
    ("treatment", 7, time(10, 0)),
    ("advice", 14, time(14, 0)),
]


def load(
    practice: Any, practitioners: list[Any], client: Any, *, now: datetime | None = None
) -> dict[str, AppointmentType]:
    """The demo's appointment types, hours, holiday and the client's bookings (idempotent)."""
    now = now or timezone.now()
    with transaction.atomic():  # the offer and the hours change the free times: one version
        types = {
            "advice": _appointment_type(practice, ADVICE, practitioners),
            "treatment": _appointment_type(practice, TREATMENT, practitioners),
        }
        for practitioner in practitioners:
            _hours(practice, practitioner)
            _christmas(practice, practitioner, services.local_today(practice, now))
        services.touch(practice.pk)
    if not Booking.objects.filter(practice=practice, client=client).exists():
        for kind, days, after in BOOKINGS:
            _book(types[kind], client, days, after, now)
    return types


def _appointment_type(practice: Any, spec: dict[str, Any], practitioners: list[Any]) -> Any:
    found, _made = AppointmentType.objects.get_or_create(
        practice=practice, name=spec["name"], defaults=spec
    )
    found.practitioners.add(*practitioners)
    return found


def _hours(practice: Any, practitioner: Any) -> None:
    if WeeklyHours.objects.filter(practice=practice, practitioner=practitioner).exists():
        return  # the practitioner's own hours, as they set them
    WeeklyHours.objects.bulk_create(
        WeeklyHours(practice=practice, practitioner=practitioner, weekday=day, start=start, end=end)
        for day in range(5)
        for start, end in HOURS
    )


def _christmas(practice: Any, practitioner: Any, today: date) -> None:
    """Closed on Christmas Day and Boxing Day (the coming ones)."""
    year = today.year if today <= date(today.year, 12, 26) else today.year + 1
    AvailabilityException.objects.get_or_create(
        practice=practice,
        practitioner=practitioner,
        first_day=date(year, 12, 25),
        last_day=date(year, 12, 26),
        opens=False,
        defaults={"note": "Kerst"},
    )


def _book(kind: AppointmentType, client: Any, days: int, after: time, now: datetime) -> None:
    """The client's booking of `kind` on the first weekday from `days` ahead (back, when negative)
    with a free time at or after `after`; a past one booked with the clock of a week before it,
    then marked as done."""
    zone = ZoneInfo(services.zone_name(kind.practice))
    today = services.local_today(kind.practice, now)
    for offset in range(10):
        day = today + timedelta(days=days + offset)
        wanted = datetime.combine(day, after, tzinfo=zone)
        then = min(now, wanted - timedelta(days=7))
        free = [s.start for s in services.free_slots(kind, day, day, now=then) if s.start >= wanted]
        if not free or (days < 0 and free[0] + timedelta(days=1) > now):
            continue
        who = services.Who(client=client, question="", language=client.language)
        booking = services.book(kind, free[0], who, origin=Booking.Origin.CLIENT, now=then)
        if days < 0:
            services.mark(booking, Booking.Status.DONE, now=now)
        return
