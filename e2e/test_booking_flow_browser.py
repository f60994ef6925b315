"""The booking flow in a real browser at 390 px, without JavaScript doing anything for it: a visitor
picks the free advice call, a time of the week, fills in the details (first with a mistake) and is
asked to confirm the address. Every page fits the phone's width and axe finds nothing serious or
critical on it, in Dutch and in English. A client books with one tap and finds the booking
among her own.
"""

from datetime import time

import pytest

from e2e.conftest import PHONE, missing_tools
from e2e.helpers import (
    a_free_time,
    assert_accessible,
    assert_fits_the_screen,
    assert_styled,
    click_to,
    signed_in,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(bool(missing_tools()), reason=missing_tools() or "browser tools"),
]


@pytest.fixture
def offer(content):
    """Pieter gives the free advice call every day 07:00–21:00 (whatever day the test runs)."""
    from lijfwijs.accounts.tests.helpers import make_practitioner
    from lijfwijs.booking.models import AppointmentType, WeeklyHours

    pieter = make_practitioner("pieter@example.org", display_name="Pieter")
    practice = pieter.membership.practice
    for weekday in range(7):
        WeeklyHours.objects.create(
            practice=practice,
            practitioner=pieter,
            weekday=weekday,
            start=time(7),
            end=time(21),
        )
    appointment_type = AppointmentType.objects.create(
        practice=practice,
        name="Gratis adviesgesprek",
        description="Een kort gesprek over je klachten.",
        is_free=True,
        min_notice_hours=1,
    )
    appointment_type.practitioners.add(pieter)
    return appointment_type


def check(page, what: str) -> None:
    assert_styled(page)
    assert_fits_the_screen(page)
    assert_accessible(page, what)


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_a_visitor_books_the_advice_call_on_a_phone(open_tab, offer, prefix):
    from lijfwijs.booking.models import Booking

    tab = open_tab(PHONE)
    page = tab.page
    page.goto(tab.url(f"{prefix}/afspraak/"))
    check(page, "what can be booked")
    page.get_by_role("link", name="Gratis adviesgesprek").first.click()
    page.wait_for_url(f"**{prefix}/afspraak/{offer.pk}/")
    check(page, "the week of free times")
    # a week later, and back
    click_to(page, page.locator("a[rel=next]"))
    check(page, "next week")
    click_to(page, page.locator("a[rel=prev]"))
    a_free_time(page, offer.min_notice_hours).click()
    page.wait_for_url(f"**{prefix}/afspraak/{offer.pk}/gegevens/?start=*")
    check(page, "the details")
    page.fill("#id_name", "Vera Visser")
    page.fill("#id_email", "vera@")
    # the page with the mistake is a new document: wait for it, not for the one still shown
    with page.expect_navigation():
        page.locator("main form.stack button[type=submit]").click()
    assert page.locator(".error-summary").is_visible()
    assert page.input_value("#id_name") == "Vera Visser"
    check(page, "the details with an error")
    page.fill("#id_email", "vera@example.org")
    page.locator("main form.stack button[type=submit]").click()
    page.wait_for_url(f"**{prefix}/afspraak/bevestig-je-e-mail/")
    check(page, "confirm your address")
    assert "vera@example.org" in page.content()
    booking = Booking.objects.get()
    assert booking.status == Booking.Status.HELD and booking.email == "vera@example.org"
    assert booking.language == ("en" if prefix else "nl")


def test_a_client_books_with_one_tap_and_finds_it_in_her_bookings(open_tab, offer):
    from lijfwijs.accounts.tests.helpers import give_access, make_client_user
    from lijfwijs.booking.models import AppointmentType, Booking

    anna = make_client_user("anna@example.org", display_name="Anna")
    give_access(anna, offer.practitioners.get())
    session = AppointmentType.objects.create(
        practice=offer.practice,
        name="Behandeling",
        duration_minutes=45,
        price_text="€ 65",
        location=AppointmentType.Location.PRACTICE,
        audience=AppointmentType.Audience.CLIENTS,
        min_notice_hours=1,
    )
    session.practitioners.add(*offer.practitioners.all())
    tab = open_tab(PHONE)
    page = tab.page
    signed_in(tab, anna)
    page.goto(tab.url("/afspraak/"))
    check(page, "what a client can book")
    page.get_by_role("link", name="Behandeling").first.click()
    a_free_time(page, session.min_notice_hours).click()
    page.wait_for_url("**/gegevens/?start=*")
    check(page, "the client's one tap")
    page.fill("#id_question", "Mijn onderrug")
    page.get_by_role("button", name="Bevestig afspraak").click()
    page.wait_for_url("**/bevestigd/")
    check(page, "the booked page")
    booking = Booking.objects.get()
    assert booking.client == anna and booking.status == Booking.Status.CONFIRMED
    page.get_by_role("link", name="Al je afspraken").click()
    page.wait_for_url("**/afspraak/mijn-afspraken/")
    check(page, "my bookings")
    assert "Behandeling" in page.content()
