# ruff: noqa: F811 (pytest fixtures imported from mail_fixtures are parameters here)
"""A practitioner's calendar feed: only their own bookings in its window (cancelled ones left
out), the person's name and the type but nothing about health, private and not stored; a
revoked or unknown token is a 404 at once; the page that makes, replaces and stops it."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject
from django.test import Client

from lijfwijs.booking import services
from lijfwijs.booking.models import Booking, CalendarFeed

from .conftest import book_for
from .mail_fixtures import urls_loaded  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
PAGE = "/praktijk/agenda/kalender/"


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 12, day, hour, 0, tzinfo=AMSTERDAM).astimezone(UTC)


@pytest.fixture
def agenda(frozen, advice_type, anna_client, pieter, lotte):
    """Pieter: Anna on Tuesday 09:00, a visitor's held booking on Wednesday 10:00, blocked time on
    Thursday, a cancelled booking on Friday; Lotte: a visitor on Tuesday 09:00."""

    def with_pieter(start, **who):
        origin = Booking.Origin.CLIENT if who.get("client") else Booking.Origin.VISITOR
        return services.book(
            advice_type, start, services.Who(**who), origin=origin, practitioner=pieter
        )

    mine = with_pieter(at(8, 9), client=anna_client, question="Pijn in mijn nek")
    held = with_pieter(
        at(9, 10), name="Vera Bezoeker", email="vera@example.org", question="Mijn knie"
    )
    block = services.block_time(pieter, at(10, 12), at(10, 13), note="Tandarts")
    gone = with_pieter(at(11, 9), client=anna_client)
    services.cancel(gone, by="client")
    other = services.book(
        advice_type,
        at(8, 9),
        services.Who(name="Bas Ander", email="bas@example.org"),
        origin=Booking.Origin.VISITOR,
        practitioner=lotte,
    )
    return {"mine": mine, "held": held, "block": block, "gone": gone, "other": other}


def feed_of(practitioner) -> CalendarFeed:
    return CalendarFeed.objects.create(practitioner=practitioner)


def test_the_feed_holds_the_practitioners_own_bookings_only(agenda, pieter, client: Client):
    assert {agenda["mine"].practitioner_id, agenda["held"].practitioner_id} == {pieter.pk}
    feed = feed_of(pieter)
    response = client.get(f"/agenda/{feed.token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Cache-Control"] == "private, no-store"
    parsed = icalendar.Calendar.from_ical(response.content)
    events = {str(e["SUMMARY"]): e for e in parsed.walk("VEVENT")}
    assert set(events) == {
        "Gratis adviesgesprek met Anna",
        "Gratis adviesgesprek met Vera Bezoeker",
        "Tandarts",
    }
    assert str(events["Gratis adviesgesprek met Vera Bezoeker"]["STATUS"]) == "TENTATIVE"
    assert events["Gratis adviesgesprek met Anna"].decoded("DTSTART") == at(8, 9).astimezone(
        AMSTERDAM
    )
    body = response.content.decode()
    assert "Bas Ander" not in body  # Lotte's
    assert "nek" not in body and "knie" not in body  # no questions
    assert "anna@example.org" not in body
    independent = vobject.readOne(body)
    assert sorted(e.dtstart.value.astimezone(UTC) for e in independent.vevent_list) == [
        at(8, 9),
        at(9, 10),
        at(10, 12),
    ]


def test_the_feed_window(frozen, advice_type, anna_client, pieter, client: Client):
    old = book_for(advice_type, at(8, 9), client=anna_client)
    frozen.move_to(datetime(2027, 1, 20, 12, 0, tzinfo=UTC))  # 43 days later
    feed = feed_of(pieter)
    parsed = icalendar.Calendar.from_ical(client.get(f"/agenda/{feed.token}.ics").content)
    assert parsed.walk("VEVENT") == []
    assert old.status == Booking.Status.CONFIRMED


@pytest.mark.parametrize("token", ["x" * 32, "kort", "a" * 70])
def test_an_unknown_token_is_a_404(agenda, pieter, client: Client, token):
    feed_of(pieter)
    assert client.get(f"/agenda/{token}.ics").status_code == 404


def test_a_practitioner_who_left_the_practice_has_no_feed(agenda, lotte, client: Client):
    from lijfwijs.accounts.models import Membership

    feed = feed_of(lotte)
    assert client.get(f"/agenda/{feed.token}.ics").status_code == 200
    Membership.objects.filter(user=lotte).delete()
    lotte.refresh_from_db()
    assert client.get(f"/agenda/{feed.token}.ics").status_code == 404


# --- the page -------------------------------------------------------------------------------------


def test_make_replace_and_stop_the_feed(pieter, pieter_browser, client: Client):
    page = pieter_browser.get(PAGE)
    assert page.status_code == 200
    assert "Nog geen agenda-adres" in page.content.decode()
    assert "no-store" in page["Cache-Control"]

    made = pieter_browser.post(PAGE, {"action": "create"})
    assert (made.status_code, made["Location"]) == (302, PAGE)
    first = CalendarFeed.objects.get(practitioner=pieter)
    shown = pieter_browser.get(PAGE).content.decode()
    assert f"/agenda/{first.token}.ics" in shown
    assert f"webcal://127.0.0.1:8000/agenda/{first.token}.ics" in shown
    assert client.get(f"/agenda/{first.token}.ics").status_code == 200

    pieter_browser.post(PAGE, {"action": "create"})  # a second click makes no second feed
    assert CalendarFeed.objects.get(practitioner=pieter).token == first.token

    renewed = pieter_browser.post(PAGE, {"action": "renew"})
    assert renewed.status_code == 302
    second = CalendarFeed.objects.get(practitioner=pieter)
    assert second.token != first.token
    assert client.get(f"/agenda/{first.token}.ics").status_code == 404  # at once
    assert client.get(f"/agenda/{second.token}.ics").status_code == 200

    stopped = pieter_browser.post(PAGE, {"action": "stop"})
    assert stopped.status_code == 302
    assert not CalendarFeed.objects.filter(practitioner=pieter).exists()
    assert client.get(f"/agenda/{second.token}.ics").status_code == 404


def test_an_empty_choice_is_refused_with_a_message(pieter_browser):
    response = pieter_browser.post(PAGE, {})
    assert response.status_code == 422
    assert "Kies wat je wilt doen." in response.content.decode()


def test_each_practitioner_manages_their_own_feed(pieter, lotte, lotte_browser):
    mine = feed_of(pieter)
    lotte_browser.post(PAGE, {"action": "renew"})  # Lotte has none: nothing to renew
    assert CalendarFeed.objects.get(practitioner=pieter).token == mine.token
    lotte_browser.post(PAGE, {"action": "create"})
    assert CalendarFeed.objects.filter(practitioner=lotte).count() == 1
    assert mine.token not in lotte_browser.get(PAGE).content.decode()


def test_who_reaches_the_page(pieter, assistant_browser, anna_browser, client: Client):
    assert assistant_browser.get(PAGE).status_code == 403  # gives no appointments
    assert anna_browser.get(PAGE).status_code == 403
    anonymous = client.get(PAGE)
    assert anonymous.status_code == 302 and "/account/inloggen/" in anonymous["Location"]


def test_the_english_page(pieter_browser):
    response = pieter_browser.get("/en" + PAGE)
    assert response.status_code == 200
    assert 'lang="en"' in response.content.decode()


def test_the_feed_reads_a_fixed_number_of_queries(
    frozen, advice_type, anna_client, pieter, client: Client, django_assert_max_num_queries
):
    feed = feed_of(pieter)
    for day in (8, 9, 10, 11):
        for hour in (9, 11, 14):
            services.book(
                advice_type,
                at(day, hour),
                services.Who(client=anna_client),
                origin=Booking.Origin.CLIENT,
                practitioner=pieter,
            )
    # the feed row with its practitioner, the membership with its practice, the bookings: however
    # many there are (the session and middleware add none for a client without a cookie)
    with django_assert_max_num_queries(4):
        response = client.get(f"/agenda/{feed.token}.ics")
    assert len(icalendar.Calendar.from_ical(response.content).walk("VEVENT")) == 12
