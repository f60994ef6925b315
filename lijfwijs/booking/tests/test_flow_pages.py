"""The booking flow's pages through HTTP: what can be booked, a week of free times, the pages
after booking, a client's own bookings, the booking button and the export."""

import re
from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory

from lijfwijs.accounts.exporting import export_user
from lijfwijs.accounts.models import Membership
from lijfwijs.accounts.services import withdraw_health_consent
from lijfwijs.accounts.tests.helpers import give_access, make_practitioner, pijntest_result
from lijfwijs.booking.flow import booking_offer
from lijfwijs.booking.models import AppointmentType, AvailabilityException, Booking

from .conftest import TUESDAY, book_for, free_start

TIME_BUTTON = re.compile(r'name="start" value="([^"]+)"')


def starts_on(page) -> list[str]:
    return TIME_BUTTON.findall(page.content.decode())


# --- what can be booked --------------------------------------------------------------------------


def test_a_visitor_sees_the_types_for_anyone_with_what_they_are(frozen, advice_type, session_type):
    page = Client().get("/afspraak/")
    assert page.status_code == 200
    text = page.content.decode()
    # one practice: its types straight away
    assert "Fysio De Brug" in text and "Kies een praktijk" not in text
    assert "Gratis adviesgesprek" in text and "30 minuten" in text and "Gratis" in text
    assert "online (video)" in text
    assert "Een kort gesprek over je klachten" in text
    assert f'href="/afspraak/{advice_type.pk}/"' in text
    # the clients' type is not shown to a visitor
    assert "Behandeling" not in text
    assert f"/afspraak/{session_type.pk}/" not in text


def test_a_client_of_the_practice_also_sees_its_clients_types(
    frozen, advice_type, session_type, anna_client, anna_browser
):
    text = anna_browser.get("/afspraak/").content.decode()
    assert "Gratis adviesgesprek" in text
    assert "Behandeling" in text and "€ 65" in text and "in de praktijk" in text
    assert "Alleen voor cliënten van de praktijk." in text


def test_a_client_of_another_practitioner_sees_only_the_types_for_anyone(
    frozen, advice_type, session_type, bram, bram_browser, rita
):
    give_access(bram, rita)  # a client of Rita's practice, not of Pieter's
    text = bram_browser.get("/afspraak/").content.decode()
    assert "Gratis adviesgesprek" in text
    assert "Behandeling" not in text
    assert bram_browser.get(f"/afspraak/{session_type.pk}/").status_code == 404


def test_several_practices_are_chosen_first_the_clients_own_on_top(
    frozen, advice_type, rita_type, anna_client, anna_browser
):
    text = anna_browser.get("/afspraak/").content.decode()
    assert "Kies een praktijk" in text
    assert text.index("Fysio De Brug") < text.index("Praktijk Elders")
    assert "Jouw praktijk" in text
    chosen = anna_browser.get("/afspraak/", {"praktijk": rita_type.practice_id})
    assert "Intake Elders" in chosen.content.decode()
    assert "Gratis adviesgesprek" not in chosen.content.decode()
    # a practice that is not there: the list again, not an error
    assert "Kies een praktijk" in anna_browser.get("/afspraak/?praktijk=x").content.decode()


def test_inactive_types_and_types_nobody_gives_are_not_offered(frozen, advice_type, practice):
    advice_type.is_active = False
    advice_type.save()
    AppointmentType.objects.create(practice=practice, name="Zonder behandelaar")
    page = Client().get("/afspraak/")
    assert "Er is nu niets om te boeken" in page.content.decode()
    assert "Zonder behandelaar" not in page.content.decode()
    assert Client().get(f"/afspraak/{advice_type.pk}/").status_code == 404


# --- a week of free times ------------------------------------------------------------------------


def test_the_week_shows_free_times_per_day_in_the_practices_zone(frozen, advice_type):
    page = Client().get(f"/afspraak/{advice_type.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    starts = starts_on(page)
    # Monday is within the 12 hours' notice; Tuesday 09:00 Amsterdam is 08:00 UTC
    assert starts[0] == "2026-12-08T08:00:00+00:00"
    assert ">09:00</button>" in text
    assert "Europe/Amsterdam (CET)" in text
    assert "dinsdag 8 december" in text
    assert "Geen vrije tijden op deze dag." in text  # Saturday and Sunday
    # two practitioners free at once: each time once
    assert len(starts) == len(set(starts))
    # the last start of a day leaves room for the 30 minutes: 16:30
    assert "2026-12-08T15:30:00+00:00" in starts and "2026-12-08T15:45:00+00:00" not in starts
    # each time is a button of a GET form to the details step
    assert f'<form method="get" action="/afspraak/{advice_type.pk}/gegevens/">' in text
    # this week has no previous week; the next week does
    assert "Vorige week" not in text
    assert 'href="?week=2026-12-14"' in text


def test_other_weeks_and_the_horizon(frozen, advice_type):
    browser = Client()
    page = browser.get(f"/afspraak/{advice_type.pk}/", {"week": "2026-12-16"})  # a Wednesday
    assert starts_on(page)[0] == "2026-12-14T08:00:00+00:00"  # its Monday, 09:00
    assert 'href="?week=2026-12-07"' in page.content.decode()
    # far beyond the horizon of 60 days: the last week that has bookable days
    far = browser.get(f"/afspraak/{advice_type.pk}/", {"week": "2030-01-01"})
    assert far.status_code == 200
    assert "Volgende week" not in far.content.decode()
    # the horizon is 60 days from Monday 7 December: up to Friday 5 February
    assert starts_on(far) and all("2027-02-01" <= s < "2027-02-06" for s in starts_on(far))
    # a week that cannot be read: this week
    for odd in ("morgen", "2026-13-45", "2026-1-1"):
        page = browser.get(f"/afspraak/{advice_type.pk}/", {"week": odd})
        assert page.status_code == 200
        assert starts_on(page)[0] == "2026-12-08T08:00:00+00:00"


def test_an_empty_week_jumps_to_the_first_free_time(frozen, advice_type, pieter, lotte, practice):
    for person in (pieter, lotte):
        AvailabilityException.objects.create(
            practice=practice,
            practitioner=person,
            first_day=TUESDAY - timedelta(days=1),
            last_day=TUESDAY + timedelta(days=7),
            note="Vakantie",
        )
    page = Client().get(f"/afspraak/{advice_type.pk}/")
    text = page.content.decode()
    assert starts_on(page) == []
    assert "Deze week is alles bezet" in text
    # closed up to and including Tuesday 15 December: the first free time is the day after
    assert "woensdag 16 december om 09:00" in text
    assert 'href="?week=2026-12-16">Naar de eerste vrije tijd' in text


def test_nothing_free_at_all_says_how_to_reach_the_practice(frozen, practice):
    practice.phone = "020 123 4567"
    practice.save()
    sanne = make_practitioner("sanne@example.org", member_role=Membership.Role.PRACTITIONER)
    no_hours = AppointmentType.objects.create(practice=practice, name="Zonder uren")
    no_hours.practitioners.add(sanne)  # Sanne has no hours at all
    page = Client().get(f"/afspraak/{no_hours.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Er is de komende tijd niets vrij" in text
    assert "020 123 4567" in text
    assert "Naar de eerste vrije tijd" not in text


def test_one_practitioner_can_be_chosen(frozen, advice_type, lotte, pieter):
    start = free_start(advice_type, TUESDAY)
    book_for(advice_type, start)  # Lotte (first by name) is taken at 09:00
    everyone = Client().get(f"/afspraak/{advice_type.pk}/")
    assert start.isoformat() in starts_on(everyone)  # Pieter is free
    text = everyone.content.decode()
    assert '<select id="giver" name="behandelaar">' in text
    only_lotte = Client().get(f"/afspraak/{advice_type.pk}/", {"behandelaar": lotte.pk})
    assert start.isoformat() not in starts_on(only_lotte)
    assert f'<input type="hidden" name="behandelaar" value="{lotte.pk}">' in (
        only_lotte.content.decode()
    )
    assert f'href="?week=2026-12-14&amp;behandelaar={lotte.pk}"' in only_lotte.content.decode()
    # someone who does not give the type: all practitioners
    odd = Client().get(f"/afspraak/{advice_type.pk}/", {"behandelaar": "999999"})
    assert start.isoformat() in starts_on(odd)


def test_a_type_with_one_practitioner_has_no_choice(
    frozen, session_type, anna_client, anna_browser
):
    page = anna_browser.get(f"/afspraak/{session_type.pk}/")
    assert page.status_code == 200
    assert 'name="behandelaar"' not in page.content.decode()


def test_clients_types_are_hidden_from_others(frozen, session_type, rita, rita_type, bram_browser):
    for url in (f"/afspraak/{session_type.pk}/", f"/afspraak/{session_type.pk}/gegevens/"):
        assert Client().get(url).status_code == 404
        assert bram_browser.get(url).status_code == 404
    assert Client().get("/afspraak/999999/").status_code == 404


def test_another_practices_clients_type_is_404_for_a_client(
    frozen, rita, anna_client, anna_browser
):
    elders = AppointmentType.objects.create(
        practice=rita.membership.practice,
        name="Vervolg Elders",
        audience=AppointmentType.Audience.CLIENTS,
    )
    elders.practitioners.add(rita)
    assert anna_browser.get(f"/afspraak/{elders.pk}/").status_code == 404
    assert anna_browser.get(f"/afspraak/{elders.pk}/gegevens/").status_code == 404


# --- after booking ---------------------------------------------------------------------------


def test_the_booked_page_is_the_clients_own(
    frozen, advice_type, anna_client, anna_browser, bram_browser, pieter_browser
):
    booking = book_for(advice_type, free_start(advice_type, TUESDAY), client=anna_client)
    url = f"/afspraak/{booking.token}/bevestigd/"
    page = anna_browser.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Je afspraak staat vast" in text
    assert "dinsdag 8 december 2026, 09:00–09:30" in text
    assert "Europe/Amsterdam (CET)" in text
    assert "Al je afspraken" in text
    assert bram_browser.get(url).status_code == 404
    assert pieter_browser.get(url).status_code == 404
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/account/inloggen/")
    assert anna_browser.get("/afspraak/onbekend/bevestigd/").status_code == 404


def test_the_booked_page_links_to_managing_when_that_page_exists(
    frozen, advice_type, anna_client, anna_browser
):
    from django.urls import NoReverseMatch, reverse

    booking = book_for(advice_type, free_start(advice_type, TUESDAY), client=anna_client)
    text = anna_browser.get(f"/afspraak/{booking.token}/bevestigd/").content.decode()
    try:
        manage = reverse("booking_manage", args=[booking.token])
    except NoReverseMatch:
        assert "Verzetten of annuleren" not in text
    else:
        assert f'href="{manage}"' in text
        assert f'href="{reverse("booking_ics", args=[booking.token])}"' in text


def test_my_bookings_coming_and_past(frozen, advice_type, anna_client, anna_browser, bram_browser):
    coming = book_for(advice_type, free_start(advice_type, TUESDAY), client=anna_client)
    past = book_for(
        advice_type, free_start(advice_type, TUESDAY + timedelta(days=1)), client=anna_client
    )
    Booking.objects.filter(pk=past.pk).update(
        start=past.start - timedelta(days=30),
        end=past.end - timedelta(days=30),
        occupied_start=past.occupied_start - timedelta(days=30),
        occupied_end=past.occupied_end - timedelta(days=30),
        status=Booking.Status.DONE,
    )
    someone_else = book_for(advice_type, free_start(advice_type, TUESDAY), name="Vera")
    page = anna_browser.get("/afspraak/mijn-afspraken/")
    assert page.status_code == 200
    text = page.content.decode()
    assert f"/afspraak/{coming.token}/bevestigd/" in text
    assert "Eerdere afspraken" in text and "gehouden" in text
    assert "9 november 2026" in text  # the past one, a month earlier
    assert someone_else.token not in text
    assert (
        "Je hebt geen komende afspraken"
        in bram_browser.get("/afspraak/mijn-afspraken/").content.decode()
    )
    assert Client().get("/afspraak/mijn-afspraken/").status_code == 302


def test_my_bookings_query_count_does_not_grow(
    frozen, advice_type, anna_client, anna_browser, django_assert_max_num_queries
):
    for offset in range(3):
        book_for(
            advice_type,
            free_start(advice_type, TUESDAY + timedelta(days=offset)),
            client=anna_client,
        )
    with django_assert_max_num_queries(12):
        assert anna_browser.get("/afspraak/mijn-afspraken/").status_code == 200


# --- the booking button, the export ------------------------------------------------------------


def test_the_booking_offer_is_the_first_free_type_for_anyone(
    frozen, advice_type, session_type, django_assert_num_queries
):
    request = RequestFactory().get("/")
    with django_assert_num_queries(1):
        offer = booking_offer(request)
    assert offer is not None
    assert offer["type_id"] == advice_type.pk and offer["is_free"]
    assert offer["url"] == f"/afspraak/{advice_type.pk}/"
    html = render_to_string("booking/_book_cta.html", {"booking_offer": offer})
    assert "Plan een gratis adviesgesprek" in html and offer["url"] in html


def test_without_a_free_type_the_offer_is_any_type_for_anyone(
    frozen, advice_type, session_type, pieter
):
    advice_type.is_active = False
    advice_type.save()
    assert booking_offer(RequestFactory().get("/")) is None  # the other is for clients only
    paid = AppointmentType.objects.create(
        practice=advice_type.practice, name="Consult", price_text="€ 50"
    )
    paid.practitioners.add(pieter)
    offer = booking_offer(RequestFactory().get("/"))
    assert offer is not None and offer["type_id"] == paid.pk
    html = render_to_string("booking/_book_cta.html", {"booking_offer": offer})
    assert "Maak een afspraak" in html
    assert render_to_string("booking/_book_cta.html", {"booking_offer": None}).strip() == ""


def test_the_export_holds_the_clients_bookings(frozen, advice_type, anna_client, bram):
    booking = book_for(
        advice_type,
        free_start(advice_type, TUESDAY),
        client=anna_client,
        question="Mijn onderrug",
    )
    book_for(advice_type, free_start(advice_type, TUESDAY), client=bram, question="Van Bram")
    data = export_user(anna_client)["booking"]
    assert data == {
        "bookings": [
            {
                "uid": str(booking.uid),
                "start": "2026-12-08T08:00:00+00:00",
                "end": "2026-12-08T08:30:00+00:00",
                "time_zone": "Europe/Amsterdam",
                "appointment_type": "Gratis adviesgesprek",
                "location": "video",
                "practice": "Fysio De Brug",
                "practitioner": "Lotte",
                "status": "confirmed",
                "origin": "client",
                "phone": "",
                "question": "Mijn onderrug",
                "pijntest_result": None,
                "language": "nl",
                "created_at": "2026-12-07T07:00:00+00:00",
                "confirmed_at": "2026-12-07T07:00:00+00:00",
                "cancelled_at": None,
                "cancelled_by": "",
            }
        ]
    }


def test_withdrawing_consent_erases_the_questions_and_attached_results(
    frozen, advice_type, anna_client
):
    result = pijntest_result(anna_client)
    booking = book_for(
        advice_type,
        free_start(advice_type, TUESDAY),
        client=anna_client,
        question="Mijn onderrug",
        assessment_response=result,
    )
    withdraw_health_consent(anna_client)
    booking.refresh_from_db()
    assert booking.question == "" and booking.assessment_response_id is None
    assert booking.status == Booking.Status.CONFIRMED  # the appointment stays


# --- English -------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["", "{type}/", "bevestig-je-e-mail/"])
def test_english_pages(frozen, advice_type, path):
    page = Client().get(f"/en/afspraak/{path.format(type=advice_type.pk)}")
    assert page.status_code == 200
    assert '<html lang="en">' in page.content.decode()


def test_english_week_links_stay_english(frozen, advice_type):
    text = Client().get("/en/afspraak/").content.decode()
    assert f'href="/en/afspraak/{advice_type.pk}/"' in text
    week = Client().get(f"/en/afspraak/{advice_type.pk}/").content.decode()
    assert f'action="/en/afspraak/{advice_type.pk}/gegevens/"' in week
    assert "Tuesday 8 December" in week


def test_hours_outside_the_week_page_are_not_offered(frozen, advice_type):
    # nothing before 09:00 or from 17:00 local time (08:00 and 16:00 UTC in December)
    starts = starts_on(Client().get(f"/afspraak/{advice_type.pk}/"))
    hours = {s[11:16] for s in starts}
    assert min(hours) == "08:00" and max(hours) == "15:30"


def test_the_pages_queries_do_not_grow_with_what_is_offered(
    frozen, advice_type, practice, pieter, anna_client, anna_browser
):
    def count(url: str) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert anna_browser.get(url).status_code == 200
        return len(queries)

    count("/afspraak/")  # the session's first look (the user, the language) is not the page's
    start_before = count("/afspraak/")
    week_before = count(f"/afspraak/{advice_type.pk}/")
    for number in range(5):
        more = AppointmentType.objects.create(practice=practice, name=f"Type {number}")
        more.practitioners.add(pieter)
        book_for(advice_type, free_start(advice_type, TUESDAY))
    assert count("/afspraak/") == start_before
    assert count(f"/afspraak/{advice_type.pk}/") == week_before


def test_days_gone_by_are_left_out(advice_type):
    from freezegun import freeze_time

    Client().get("/")  # every URL module imported before the clock stops
    with freeze_time("2026-12-10 07:00:00"):  # Thursday 08:00
        text = Client().get(f"/afspraak/{advice_type.pk}/").content.decode()
    assert "maandag 7 december" not in text and "woensdag 9 december" not in text
    assert "donderdag 10 december" in text and "zondag 13 december" in text


def test_times_across_the_spring_change_are_wall_clock_times(advice_type):
    from freezegun import freeze_time

    Client().get("/")  # every URL module imported before the clock stops
    with freeze_time("2027-03-21 07:00:00"):  # Sunday before the last week of winter time
        before = Client().get(f"/afspraak/{advice_type.pk}/", {"week": "2027-03-22"})
        after = Client().get(f"/afspraak/{advice_type.pk}/", {"week": "2027-03-29"})
    # 09:00 in Amsterdam is 08:00 UTC in winter time and 07:00 UTC in summer time
    assert starts_on(before)[0] == "2027-03-22T08:00:00+00:00"
    assert "Europe/Amsterdam (CET)" in before.content.decode()
    assert starts_on(after)[0] == "2027-03-29T07:00:00+00:00"
    assert "Europe/Amsterdam (CEST)" in after.content.decode()
    assert ">09:00</button>" in after.content.decode()
