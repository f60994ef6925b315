"""Capacity under real parallel clients: gunicorn with 4 workers, over HTTP, through the events
API, on the database this run uses (SQLite by default; PostgreSQL when DATABASE_URL is one).

100 visitors sign up for an event of 20 places at the same moment: exactly 20 get a place and 80
land on the waiting list, every answer a 201, no server error, and the database agrees (20
confirmed sign-ups, `taken` 20). The server works on this run's test database (the test is
transactional, so the event is committed where the workers read it).
"""

from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

# booking's module-scoped server (gunicorn, 4 workers, this run's test database) and its client
from lijfwijs.booking.tests.test_concurrency import at_once, call, site  # noqa: F401

VISITORS = 100
PLACES = 20


def an_event() -> Any:
    from lijfwijs.accounts.tests.helpers import make_practitioner
    from lijfwijs.outreach.events import services
    from lijfwijs.outreach.events.models import Event

    owner = make_practitioner("gelijktijdig@example.org", practice_name="Praktijk Druk")
    start = timezone.now() + timedelta(days=7)
    event = services.save_event(
        Event(
            practice=owner.membership.practice,
            title="Masterclass voor velen",
            online_link="https://video.example.org/velen",
            start=start,
            end=start + timedelta(hours=1),
            capacity=PLACES,
        )
    )
    services.publish(event, True)
    return event


@pytest.mark.django_db(transaction=True)
def test_a_hundred_sign_ups_at_once_fill_twenty_places_and_the_rest_wait(site):  # noqa: F811
    from lijfwijs.outreach.events.models import Event, SignUp

    event = an_event()
    path = f"/api/v1/events/events/{event.pk}/signups"
    requests = [
        (
            lambda n=n: call(
                site.port,
                "POST",
                path,
                {"name": f"Bezoeker {n}", "email": f"bezoeker-{n}@example.org"},
                f"198.51.{n // 200}.{n % 200 + 1}",
            )
        )
        for n in range(VISITORS)
    ]
    answers = at_once(requests)
    statuses = Counter(a.status for a in answers)
    assert statuses == {201: VISITORS}, (site.database, statuses, answers[:3])
    outcome = Counter(a.body["status"] for a in answers)
    assert outcome == {"confirmed": PLACES, "waiting": VISITORS - PLACES}, site.database
    assert Event.objects.get(pk=event.pk).taken == PLACES
    signups = SignUp.objects.filter(event=event)
    assert signups.filter(status=SignUp.Status.CONFIRMED).count() == PLACES
    assert signups.filter(status=SignUp.Status.WAITING).count() == VISITORS - PLACES
    assert "Traceback" not in site.error_log.read_text()
