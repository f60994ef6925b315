"""Shared fixtures of the booking tests: one practice with what it offers, its people and clients.

"Fysio De Brug" (Europe/Amsterdam): Pieter (owner) and Lotte (practitioner) work Monday to Friday
09:00–17:00; Assistent Aafke helps them. The practice offers
- `advice_type`: "Gratis adviesgesprek", free, 30 minutes by video, for anyone, given by both;
- `session_type`: "Behandeling", 45 minutes in the practice (15 minutes pause after), € 65, only
  for the practice's clients, given by Pieter.
Anna is Pieter's client (`anna_client`: she grants him access); Bram is a client of no one.
Rita owns "Praktijk Elders", which offers `rita_type` (every weekday 09:00–17:00).

Time: `frozen` freezes the clock at NOW, Monday 7 December 2026 08:00 in Amsterdam (07:00 UTC);
with the default notice of 12 hours the first free time is Tuesday 09:00. Request `frozen` before
the fixtures that book (pytest makes fixtures in the order a test names them).
`free_start(type, day)` gives the first free start of a local day through the real services.
"""

from datetime import UTC, date, datetime, time
from typing import Any

import pytest
from django.test import Client
from freezegun import freeze_time

from lijfwijs.accounts.models import Membership, User
from lijfwijs.accounts.tests.helpers import give_access, make_practitioner, signed_in_browser
from lijfwijs.booking import services
from lijfwijs.booking.models import AppointmentType, Booking, WeeklyHours

NOW = datetime(2026, 12, 7, 7, 0, tzinfo=UTC)  # Monday 08:00 in Amsterdam
MONDAY = date(2026, 12, 7)
TUESDAY = date(2026, 12, 8)
WORKDAY = (time(9, 0), time(17, 0))


def work_weekdays(practitioner: User, hours: tuple[time, time] = WORKDAY) -> None:
    """Monday to Friday the given hours for the practitioner, in their practice."""
    practice = practitioner.membership.practice  # type: ignore[union-attr]
    for weekday in range(5):
        WeeklyHours.objects.create(
            practice=practice,
            practitioner=practitioner,
            weekday=weekday,
            start=hours[0],
            end=hours[1],
        )


def free_start(appointment_type: AppointmentType, day: date, practitioner: Any = None) -> Any:
    """The first free start of the type on the local day (a `datetime` in UTC)."""
    found = services.free_slots(appointment_type, day, day, practitioner=practitioner)
    assert found, f"no free time on {day}"
    return found[0].start


def book_for(
    appointment_type: AppointmentType, start: datetime, *, client: Any = None, **who: Any
) -> Booking:
    """A booking through the real service: a client's (confirmed) or a visitor's (held)."""
    if client is not None:
        return services.book(
            appointment_type,
            start,
            services.Who(client=client, **who),
            origin=Booking.Origin.CLIENT,
        )
    who.setdefault("name", "Vera Bezoeker")
    who.setdefault("email", "vera@example.org")
    return services.book(
        appointment_type, start, services.Who(**who), origin=Booking.Origin.VISITOR
    )


@pytest.fixture
def frozen():
    """The clock stands at NOW (Monday 08:00 in Amsterdam) during the test."""
    from django.urls import get_resolver

    # Every URL module (the API's schemas among them) is imported before the clock stops:
    # pydantic cannot build a schema for freezegun's datetime class.
    get_resolver().url_patterns  # noqa: B018
    with freeze_time(NOW) as clock:
        yield clock


@pytest.fixture
def practice(pieter) -> Any:
    return pieter.membership.practice


@pytest.fixture
def lotte(pieter) -> User:
    return make_practitioner(
        "lotte@example.org",
        display_name="Lotte",
        member_role=Membership.Role.PRACTITIONER,
    )


@pytest.fixture
def assistant(pieter) -> User:
    """Aafke, the practice's assistant (no appointments of her own)."""
    from lijfwijs.accounts import services as account_services
    from lijfwijs.accounts.tests.helpers import PASSWORD

    user = User.objects.create_user(
        "aafke@example.org", PASSWORD, role=User.Role.ASSISTANT, display_name="Aafke"
    )
    account_services.join_practice(user, pieter.membership.practice, Membership.Role.ASSISTANT)
    return user


@pytest.fixture
def assistant_browser(assistant) -> Client:
    return signed_in_browser(assistant)


@pytest.fixture
def lotte_browser(lotte) -> Client:
    return signed_in_browser(lotte)


@pytest.fixture
def hours(pieter, lotte) -> None:
    """Pieter and Lotte work Monday to Friday 09:00–17:00."""
    work_weekdays(pieter)
    work_weekdays(lotte)


@pytest.fixture
def advice_type(practice, pieter, lotte, hours) -> AppointmentType:
    appointment_type = AppointmentType.objects.create(
        practice=practice,
        name="Gratis adviesgesprek",
        description="Een kort gesprek over je klachten en wat je kunt doen.",
        duration_minutes=30,
        is_free=True,
        location=AppointmentType.Location.VIDEO,
        audience=AppointmentType.Audience.ANYONE,
        position=1,
    )
    appointment_type.practitioners.add(pieter, lotte)
    return appointment_type


@pytest.fixture
def session_type(practice, pieter, hours) -> AppointmentType:
    appointment_type = AppointmentType.objects.create(
        practice=practice,
        name="Behandeling",
        description="Een behandeling in de praktijk.",
        duration_minutes=45,
        buffer_after_minutes=15,
        price_text="€ 65",
        location=AppointmentType.Location.PRACTICE,
        audience=AppointmentType.Audience.CLIENTS,
        position=2,
    )
    appointment_type.practitioners.add(pieter)
    return appointment_type


@pytest.fixture
def anna_client(anna, pieter) -> User:
    """Anna, a client of the practice: she grants Pieter access."""
    give_access(anna, pieter)
    return anna


@pytest.fixture
def rita_type(rita) -> AppointmentType:
    """What Rita's other practice offers (for anyone), with her hours."""
    work_weekdays(rita)
    appointment_type = AppointmentType.objects.create(
        practice=rita.membership.practice,
        name="Intake Elders",
        duration_minutes=60,
        location=AppointmentType.Location.PRACTICE,
        price_text="€ 80",
    )
    appointment_type.practitioners.add(rita)
    return appointment_type
