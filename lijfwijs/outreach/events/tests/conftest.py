"""Shared fixtures of the events tests.

"Fysio De Brug" (Europe/Amsterdam): Pieter owns it. `make_event` makes a published event through
the services, by default a masterclass a week after NOW, 19:30-21:00 local time, with 3 places.
Rita owns "Praktijk Elders". `frozen` freezes the clock at NOW (Monday 7 December 2026, 08:00 in
Amsterdam).
"""

from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from freezegun import freeze_time

from lijfwijs.outreach.events import services
from lijfwijs.outreach.events.models import Event

NOW = datetime(2026, 12, 7, 7, 0, tzinfo=UTC)  # Monday 08:00 in Amsterdam
START = datetime(2026, 12, 14, 18, 30, tzinfo=UTC)  # Monday a week later, 19:30 in Amsterdam


def make_event(practice: Any, **fields: Any) -> Event:
    values = {
        "title": "Masterclass rugpijn",
        "description": "Hoe pijn werkt.",
        "online_link": "https://video.example.org/masterclass",
        "start": START,
        "end": START + timedelta(minutes=90),
        "capacity": 3,
        "is_free": True,
    }
    values.update(fields)
    publish = values.pop("publish", True)
    event = services.save_event(Event(practice=practice, **values))
    if publish:
        services.publish(event, True)
    return event


def sign(event: Event, n: int, **extra: Any) -> services.Outcome:
    return services.sign_up(
        event, name=f"Deelnemer {n}", email=f"deelnemer-{n}@example.org", **extra
    )


@pytest.fixture
def frozen():
    """The clock stands at NOW during the test (every URL module, the API's schemas among them,
    is imported before: pydantic cannot build a schema for freezegun's datetime class)."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018
    with freeze_time(NOW) as clock:
        yield clock


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed(): …` runs what the block queued on commit (the emails) when it ends, as a
    real commit would; the test's own transaction never commits."""

    @contextmanager
    def run():
        with django_capture_on_commit_callbacks(execute=True):
            yield

    return run


@pytest.fixture
def practice(pieter):
    return pieter.membership.practice


@pytest.fixture
def event(frozen, practice):
    return make_event(practice)
