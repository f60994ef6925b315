"""The demo practice's masterclass (called by practice's `load_demo`): a free online masterclass
next month, 19:30-21:00 in the practice's zone, with 30 places and a few sign-ups.

Idempotent: a practice that has the masterclass keeps it as it is. Written through the services.
"""

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from . import services
from .models import Event

TITLE = "Masterclass: rugpijn begrijpen"
DESCRIPTION = (
    "Waarom blijft rugpijn soms aanhouden, ook als er niets kapot is? In anderhalf uur leggen we "
    "uit hoe pijn werkt, wat je zenuwstelsel ermee te maken heeft en wat je zelf kunt doen om "
    "weer rustig in beweging te komen.\n\nGratis en online; je kunt vragen stellen in de chat."
)
PEOPLE = [
    ("Anouk Jansen", "anouk@demo.lijfwijs.local"),
    ("Bram de Boer", "bram@demo.lijfwijs.local"),
    ("Fatima El Amrani", "fatima@demo.lijfwijs.local"),
    ("Joost Visser", "joost@demo.lijfwijs.local"),
]


def load(practice: Any, owner: Any) -> Event:
    """The masterclass of `practice` (published), made once. `owner` organises it (unused for
    now: an event belongs to the practice)."""
    existing = Event.objects.filter(practice=practice, title=TITLE).first()
    if existing is not None:
        return existing
    zone = ZoneInfo(practice.time_zone or "Europe/Amsterdam")
    today = timezone.now().astimezone(zone).date()
    # the third Tuesday of next month
    first = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    day = first + timedelta(days=(1 - first.weekday()) % 7 + 14)
    start = datetime.combine(day, time(19, 30), tzinfo=zone)
    with transaction.atomic():
        event = services.save_event(
            Event(
                practice=practice,
                title=TITLE,
                description=DESCRIPTION,
                online_link="https://video.demo.lijfwijs.local/masterclass-rugpijn",
                start=start,
                end=start + timedelta(minutes=90),
                capacity=30,
                signup_deadline=start - timedelta(hours=2),
                is_free=True,
            )
        )
        services.publish(event, True)
        for name, email in PEOPLE:
            services.sign_up(event, name=name, email=email, language="nl")
    return event
