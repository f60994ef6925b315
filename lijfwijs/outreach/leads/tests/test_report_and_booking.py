"""Leads from the Pijntest report ("contact me", the `report_panel`) and from a visitor's
confirmed advice-call booking (the `booking_confirmed` hook of booking.services.confirm)."""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from lijfwijs.accounts.tests.helpers import pijntest_result, signed_in_browser, take_pijntest
from lijfwijs.booking import services as booking_services
from lijfwijs.booking.models import AppointmentType, Booking, WeeklyHours
from lijfwijs.outreach.leads.models import Lead, LeadMessage

from .conftest import send

pytestmark = pytest.mark.django_db


def _contact_url(result_id: str) -> str:
    return f"/contact/pijntest/{result_id}/"


def test_a_visitor_asks_to_be_contacted_from_the_report(client, practice, outbox):
    result_id = take_pijntest(client)
    report = client.get(f"/pijntest/uitslag/{result_id}/").content.decode()
    assert "Wil je dat de praktijk contact met je opneemt?" in report
    assert f'action="{_contact_url(result_id)}"' in report and "csrfmiddlewaretoken" in report
    response = send(client, _contact_url(result_id), name="", question="", attach="on")
    assert response.status_code == 302
    message = LeadMessage.objects.select_related("lead").get()
    assert message.source == "pijntest" and message.assessment_response_id == result_id
    assert message.lead.source == "pijntest" and message.lead.name == ""


def test_the_report_form_comes_back_with_its_errors(client, practice):
    result_id = take_pijntest(client)
    response = send(client, _contact_url(result_id), email="fout", question="Bel me maar")
    html = response.content.decode()
    assert response.status_code == 422 and "Bel me maar" in html
    assert f'href="/pijntest/uitslag/{result_id}/"' in html  # the way back to the report
    assert not Lead.objects.exists()


def test_only_the_results_owner_or_holder_can_ask(client, practice, anna, bram):
    theirs = pijntest_result(anna)
    # a visitor and another client: Anna's result is not theirs (404, nothing stored)
    assert send(client, _contact_url(theirs.pk)).status_code == 404
    assert send(signed_in_browser(bram), _contact_url(theirs.pk)).status_code == 404
    assert send(client, _contact_url("bestaat-niet")).status_code == 404
    assert send(client, _contact_url("a\x00b")).status_code == 404
    assert not Lead.objects.exists()
    # Anna herself: her result, her account
    assert send(signed_in_browser(anna), _contact_url(theirs.pk), attach="on").status_code == 302
    assert LeadMessage.objects.get().lead.account == anna


def test_a_practitioner_reading_a_report_gets_no_contact_form(pieter_browser, practice, anna):
    from lijfwijs.accounts.tests.helpers import give_access

    give_access(anna, practice.members.get().user)
    result = pijntest_result(anna)
    report = pieter_browser.get(f"/pijntest/uitslag/{result.pk}/")
    assert report.status_code == 200
    assert "Wil je dat de praktijk contact met je opneemt?" not in report.content.decode()


# --- the booking hook ----------------------------------------------------------------------------


@pytest.fixture
def advice(pieter, practice):
    kind = AppointmentType.objects.create(
        practice=practice, name="Gratis adviesgesprek", is_free=True, min_notice_hours=1
    )
    kind.practitioners.add(pieter)
    for weekday in range(7):
        WeeklyHours.objects.create(
            practice=practice, practitioner=pieter, weekday=weekday, start=time(7), end=time(21)
        )
    return kind


def _first_free(kind):
    day = timezone.localdate() + timedelta(days=2)
    return booking_services.free_slots(kind, day, day)[0].start


def test_a_visitors_confirmed_booking_becomes_a_lead(advice, practice, outbox):
    result = pijntest_result(None)
    held = booking_services.book(
        advice,
        _first_free(advice),
        booking_services.Who(
            name="Vera Bezoeker",
            email="Vera@Example.org",
            phone="0612345678",
            question="Mijn nek zit vast.",
            assessment_response=result,
        ),
        origin=Booking.Origin.VISITOR,
    )
    assert not Lead.objects.exists()  # held: not yet
    booking_services.confirm(held)
    booking_services.confirm(held)  # a second click changes nothing
    message = LeadMessage.objects.select_related("lead").get()
    assert message.booking == held and message.source == "booking"
    assert message.body == "Mijn nek zit vast." and message.assessment_response == result
    lead = message.lead
    assert (lead.email, lead.name, lead.phone, lead.practice) == (
        "vera@example.org",
        "Vera Bezoeker",
        "0612345678",
        practice,
    )
    # the booking's own emails tell the practice; the lead sends none of its own
    assert not [m for m in outbox if "nieuwe vraag" in m.subject]


def test_the_hook_adds_to_an_open_lead_and_is_idempotent(advice, client, practice):
    send(client, email="vera@example.org")
    held = booking_services.book(
        advice,
        _first_free(advice),
        booking_services.Who(name="Vera", email="vera@example.org"),
        origin=Booking.Origin.VISITOR,
    )
    booking_services.confirm(held)
    from lijfwijs.outreach.leads.services import booking_confirmed

    booking_confirmed(held)  # told twice: one message
    lead = Lead.objects.get()
    assert [m.source for m in lead.messages.all()] == ["contact", "booking"]


def test_a_clients_booking_is_no_lead(advice, anna):
    booking_services.book(
        advice,
        _first_free(advice),
        booking_services.Who(client=anna),
        origin=Booking.Origin.CLIENT,
    )
    assert not Lead.objects.exists()


def test_with_several_practices_the_report_form_asks_which_when_sent(client, practice, rita):
    result_id = take_pijntest(client)
    response = send(client, _contact_url(result_id))
    assert response.status_code == 422
    assert "Kies de praktijk die contact met je opneemt." in response.content.decode()
    elders = rita.membership.practice
    assert send(client, _contact_url(result_id), practice=str(elders.pk)).status_code == 302
    assert Lead.objects.get().practice == elders
