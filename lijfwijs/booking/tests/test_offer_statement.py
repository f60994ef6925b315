"""`flow.booking_offer` reads the offer with a statement written once per process: held here to
the queryset whose rule it spells (`AppointmentType.objects.bookable()` for anyone, given by an
active practitioner, free first, then by position)."""

import pytest
from django.test import RequestFactory
from django.utils import translation

from lijfwijs.accounts.models import User
from lijfwijs.booking.flow import booking_offer
from lijfwijs.booking.models import AppointmentType

pytestmark = pytest.mark.django_db


def _by_the_orm() -> int | None:
    return (
        AppointmentType.objects.bookable()
        .filter(audience=AppointmentType.Audience.ANYONE, practitioners__is_active=True)
        .order_by("-is_free", "position", "pk")
        .values_list("pk", flat=True)
        .first()
    )


def _offered() -> int | None:
    offer = booking_offer(RequestFactory().get("/"))
    return None if offer is None else offer["type_id"]


def test_the_statement_chooses_what_the_queryset_chooses(
    frozen, advice_type, session_type, pieter, lotte
):
    practice = advice_type.practice
    paid_early = AppointmentType.objects.create(practice=practice, name="Consult", position=0)
    paid_early.practitioners.add(lotte)
    free_late = AppointmentType.objects.create(
        practice=practice, name="Kennismaking", is_free=True, position=9
    )
    free_late.practitioners.add(pieter)
    steps = [
        lambda: None,
        lambda: AppointmentType.objects.filter(pk=advice_type.pk).update(is_active=False),
        lambda: User.objects.filter(pk=pieter.pk).update(is_active=False),
        lambda: AppointmentType.objects.filter(pk=paid_early.pk).update(
            audience=AppointmentType.Audience.CLIENTS
        ),
        lambda: User.objects.filter(pk=lotte.pk).update(is_active=False),
    ]
    seen = []
    for step in steps:
        step()
        assert _offered() == _by_the_orm()
        seen.append(_offered())
    assert seen == [advice_type.pk, free_late.pk, paid_early.pk, None, None]


def test_the_offer_holds_its_values_and_address_in_each_language(frozen, advice_type):
    offer = booking_offer(RequestFactory().get("/"))
    assert offer == {
        "type_id": advice_type.pk,
        "name": "Gratis adviesgesprek",
        "is_free": True,
        "duration_minutes": 30,
        "url": f"/afspraak/{advice_type.pk}/",
    }
    with translation.override("en"):
        assert booking_offer(RequestFactory().get("/"))["url"] == f"/en/afspraak/{advice_type.pk}/"
