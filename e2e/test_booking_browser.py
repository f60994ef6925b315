"""Booking the free advice call in a real browser, from the Pijntest report to a cancellation.

Vera, a visitor on her phone (390 px), takes the Pijntest and follows the report's booking button
to the free advice call of Fysio De Brug. She picks the first free time, fills in her name, address
and question, sends her Pijntest result along and is asked to confirm her address. The link in the
email confirms the booking (the next email carries the calendar file); from her booking's page she
moves it to another free time and then cancels it. Pieter, the practice's owner, signs in on his
desktop with his password and second factor and sees each step in his agenda: the booking with
Vera's name, her question and her Pijntest on its page, the new time, the cancellation.

Every page on the way fits the phone (nothing scrolls sideways) and axe-core finds nothing serious
or critical on it; a short pass in English checks the visitor's times and details under /en/.
Emails are sent by the task as soon as it is enqueued (the immediate task backend) into Django's
locmem outbox, which the live server's thread shares with the test.
"""

import re
from datetime import time
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from e2e.conftest import DESKTOP, PHONE
from e2e.helpers import (
    a_free_time,
    assert_stays_on_the_server,
    check,
    click_to,
    link_path,
    press_start,
    report_section,
    sent_to,
    signed_in,
    start,
    the_only_new_email,
    walk_to_report,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "een rustige rug begint bij ademen"  # noqa: S105 - a test account
PIETER = "pieter@praktijk.example"
VERA = "vera@voorbeeld.example"
QUESTION = "Mijn onderrug zit al maanden vast. Waar begin ik?"
IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
ZONE = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def advice_call(content, settings):
    """Fysio De Brug: Pieter (owner, practitioner) gives a free 30-minute advice call that anyone
    may book, every day 07:00-21:00 (so there are free times whatever day the test runs), from
    three hours ahead; changing it online is possible up to an hour before (so the first free time
    can still be moved and cancelled minutes after booking it)."""
    from lijfwijs.accounts.models import Membership, Practice, User
    from lijfwijs.accounts.services import join_practice
    from lijfwijs.booking.models import AppointmentType, WeeklyHours

    settings.TASKS = IMMEDIATE_TASKS
    pieter = User.objects.create_user(
        PIETER, PASSWORD, role=User.Role.PRACTITIONER, display_name="Pieter de Vries"
    )
    practice = Practice.objects.create(name="Fysio De Brug", time_zone="Europe/Amsterdam")
    join_practice(pieter, practice, Membership.Role.OWNER)
    for weekday in range(7):
        WeeklyHours.objects.create(
            practice=practice, practitioner=pieter, weekday=weekday, start=time(7), end=time(21)
        )
    advice = AppointmentType.objects.create(
        practice=practice,
        name="Gratis adviesgesprek",
        description="Een kort gesprek over je klachten en waar je kunt beginnen.",
        duration_minutes=30,
        is_free=True,
        location=AppointmentType.Location.VIDEO,
        audience=AppointmentType.Audience.ANYONE,
        min_notice_hours=3,
        cancel_limit_hours=1,
    )
    advice.practitioners.add(pieter)
    return advice


# --- checks and helpers --------------------------------------------------------------------------


def calendar_file(message) -> str:
    """The email's .ics attachment, as text."""
    files = []
    for attachment in message.attachments:
        if isinstance(attachment, tuple):
            name, content, _mimetype = attachment
        else:  # a MIME part (core.mail.text_attachment)
            name = attachment.get_filename()
            content = attachment.get_payload(decode=True).decode("utf-8")
        if name and name.endswith(".ics"):
            files.append(content if isinstance(content, str) else content.decode("utf-8"))
    assert len(files) == 1, f"{message.subject!r}: {len(files)} calendar files"
    return files[0].replace("\r\n", "\n")


def local(moment):
    return moment.astimezone(ZONE)


def agenda_day(tab, moment) -> object:
    """Pieter's agenda on the local day of `moment` (a booking's start)."""
    day = local(moment).date().isoformat()
    page = tab.page
    response = page.goto(tab.url(f"/praktijk/agenda/?dag={day}"))
    assert response.status == 200
    check(page, f"the agenda of {day}")
    return page


def agenda_item(page, name: str):
    return page.locator("main li.card", has=page.get_by_role("link", name=name))


# --- the test ------------------------------------------------------------------------------------


def test_a_visitor_books_confirms_moves_and_cancels_the_advice_call(open_tab, advice_call):
    from lijfwijs.booking.models import Booking

    pieter = advice_call.practitioners.get()

    # --- Pieter signs in on his desktop with his password and second factor
    practice_tab = open_tab(DESKTOP)
    signed_in(practice_tab, pieter)
    page = practice_tab.page
    assert page.goto(practice_tab.url("/praktijk/agenda/")).status == 200
    check(page, "the agenda before any booking")
    expect(page.locator("main li.card")).to_have_count(0)

    # --- Vera takes the Pijntest on her phone and follows the booking button on her report
    visitor = open_tab(PHONE)
    phone = start(visitor)
    press_start(phone)
    walk_to_report(phone)
    assert re.search(r"/pijntest/uitslag/[^/]+/$", phone.url), phone.url
    talk = report_section(phone, "Praat erover met een behandelaar")
    book_button = talk.get_by_role("link", name="Plan een gratis adviesgesprek")
    expect(book_button).to_have_attribute("href", f"/afspraak/{advice_call.pk}/")
    check(phone, "the report with the booking button")
    click_to(phone, book_button)
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        "Kies een tijd: Gratis adviesgesprek"
    )
    check(phone, "the week of free times")

    first_time = a_free_time(phone, advice_call.min_notice_hours)
    chosen_start = first_time.get_attribute("value")
    click_to(phone, first_time)
    assert f"/afspraak/{advice_call.pk}/gegevens/?start=" in phone.url, phone.url
    expect(phone.get_by_role("heading", level=1)).to_have_text("Je gegevens")
    check(phone, "the details")
    phone.get_by_label("Je naam").fill("Vera Visser")
    phone.get_by_label("Je e-mailadres").fill(VERA)
    phone.get_by_label("Wat wil je bespreken? (mag leeg)").fill(QUESTION)
    attach = phone.get_by_label("Stuur de uitslag van mijn Pijntest mee")
    expect(attach).not_to_be_checked()  # attaching the result is the visitor's choice
    attach.check()
    click_to(phone, phone.get_by_role("button", name="Afspraak maken"))
    assert phone.url.endswith("/afspraak/bevestig-je-e-mail/"), phone.url
    expect(phone.get_by_role("heading", level=1)).to_have_text("Bevestig je e-mailadres")
    expect(phone.locator("main")).to_contain_text(VERA)
    check(phone, "check your email")

    booking = Booking.objects.get()
    assert booking.status == Booking.Status.HELD
    assert booking.start.isoformat() == chosen_start
    assert (booking.name, booking.email, booking.question) == ("Vera Visser", VERA, QUESTION)
    assert booking.assessment_response is not None
    assert booking.practitioner == pieter
    assert sent_to(PIETER) == [], "a held booking is no news for the practitioner yet"

    # Pieter sees the held booking with Vera's name, waiting for her confirmation
    page = agenda_day(practice_tab, booking.start)
    item = agenda_item(page, "Vera Visser")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("wacht op bevestiging van het e-mailadres")
    expect(item).to_contain_text(f"{local(booking.start):%H:%M}–{local(booking.end):%H:%M}")

    # --- the email's link confirms the booking
    confirm_email = the_only_new_email(VERA, 0)
    confirm_path = link_path(confirm_email, r"/afspraak/beheer/[^/\s]+/bevestigen/[^/\s]+/")
    assert phone.goto(visitor.url(confirm_path)).status == 200
    expect(phone.get_by_role("heading", level=1)).to_have_text("Je afspraak staat vast")
    check(phone, "the booking just confirmed")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    confirmed = the_only_new_email(VERA, 1)
    ics = calendar_file(confirmed)
    assert "METHOD:REQUEST" in ics and "BEGIN:VTIMEZONE" in ics
    assert f"UID:{booking.uid}" in ics or str(booking.uid) in ics
    assert "SEQUENCE:0" in ics
    manage_path = link_path(confirmed, r"/afspraak/beheer/[^/\s]+/")
    assert manage_path == f"/afspraak/beheer/{booking.token}/"
    assert len(sent_to(PIETER)) == 1  # the practitioner's notice of the new booking
    assert QUESTION not in sent_to(PIETER)[0].body  # no health content in an email

    # Pieter: the booking confirmed in his agenda; its page has the question and the Pijntest
    page = agenda_day(practice_tab, booking.start)
    item = agenda_item(page, "Vera Visser")
    expect(item).to_contain_text("bevestigd")
    expect(item).to_contain_text("Gratis adviesgesprek")
    click_to(page, item.get_by_role("link", name="Vera Visser"))
    assert page.url.endswith(f"/praktijk/agenda/afspraken/{booking.pk}/"), page.url
    expect(page.get_by_role("heading", level=1)).to_have_text("Afspraak met Vera Visser")
    question = page.locator("section[aria-labelledby=question-heading]")
    expect(question).to_contain_text(QUESTION)
    pijntest = page.locator("section[aria-labelledby=pijntest-heading]")
    expect(pijntest).to_contain_text("Meegestuurd bij de afspraak")
    expect(pijntest.locator("dl.facts")).to_contain_text("PEG-score")
    check(page, "the booking's details with the question and the Pijntest")

    # --- Vera moves her booking to another free time
    old_start = booking.start
    click_to(phone, phone.get_by_role("link", name="Verzet je afspraak"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("Verzet je afspraak")
    check(phone, "the week to move the booking in")
    choices = phone.locator("main form button[name=start]")
    if choices.count() == 0:  # the booked time was this week's last free one
        click_to(phone, phone.get_by_role("link", name="Volgende week"))
    expect(choices.first).to_be_visible()
    new_time = choices.last  # the week's last free time: another day when there is one
    new_start = new_time.get_attribute("value")
    click_to(phone, new_time)
    assert phone.url.endswith(manage_path), phone.url
    expect(phone.locator(".messages")).to_contain_text("Je afspraak is verzet.")
    check(phone, "the booking after moving it")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.start != old_start and booking.start.isoformat() == new_start
    expect(phone.locator("main dl.card")).to_contain_text(f"{local(booking.start):%H:%M}")
    moved = the_only_new_email(VERA, 2)
    ics = calendar_file(moved)
    assert "METHOD:REQUEST" in ics and "SEQUENCE:1" in ics
    assert str(booking.uid) in ics  # the same event, moved
    assert len(sent_to(PIETER)) == 2

    # Pieter: the booking at its new time
    page = agenda_day(practice_tab, booking.start)
    item = agenda_item(page, "Vera Visser")
    expect(item).to_have_count(1)
    expect(item).to_contain_text(f"{local(booking.start):%H:%M}–{local(booking.end):%H:%M}")
    if local(old_start).date() != local(booking.start).date():
        page = agenda_day(practice_tab, old_start)
        expect(agenda_item(page, "Vera Visser")).to_have_count(0)
    else:
        expect(page.locator("main li.card")).to_have_count(1)

    # --- Vera cancels (after ticking that she means it)
    click_to(phone, phone.get_by_role("link", name="Annuleer je afspraak"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("Annuleer je afspraak")
    check(phone, "the cancel page")
    click_to(phone, phone.get_by_role("button", name="Annuleer de afspraak"), status=422)
    expect(phone.locator(".field-error")).to_contain_text("Vink aan")
    check(phone, "the cancel page with its question unanswered")
    phone.get_by_label("Ja, ik wil deze afspraak annuleren").check()
    click_to(phone, phone.get_by_role("button", name="Annuleer de afspraak"))
    assert phone.url.endswith(manage_path), phone.url
    expect(phone.locator(".messages")).to_contain_text("Je afspraak is geannuleerd.")
    expect(phone.locator("main")).to_contain_text("Deze afspraak is geannuleerd.")
    expect(phone.get_by_role("link", name="Verzet je afspraak")).to_have_count(0)
    check(phone, "the cancelled booking")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED and booking.cancelled_by == "client"
    cancelled = the_only_new_email(VERA, 3)
    ics = calendar_file(cancelled)
    assert "METHOD:CANCEL" in ics and str(booking.uid) in ics
    assert len(sent_to(PIETER)) == 3

    # Pieter: the booking shows as cancelled, in the agenda and on its page
    page = agenda_day(practice_tab, booking.start)
    item = agenda_item(page, "Vera Visser")
    expect(item).to_contain_text("geannuleerd")
    click_to(page, item.get_by_role("link", name="Vera Visser"))
    expect(page.locator("main dl.facts").first).to_contain_text("Geannuleerd (door de cliënt")
    check(page, "the cancelled booking's details")

    # the time is free again for anyone
    week = local(booking.start).date().isoformat()
    assert phone.goto(visitor.url(f"/afspraak/{advice_call.pk}/?week={week}")).status == 200
    expect(phone.locator(f'main form button[name=start][value="{new_start}"]')).to_have_count(1)

    assert_stays_on_the_server(visitor)
    assert_stays_on_the_server(practice_tab)


def test_the_times_and_details_in_english_on_a_phone(open_tab, advice_call):
    tab = open_tab(PHONE, locale="en-GB")
    page = tab.page
    assert page.goto(tab.url(f"/en/afspraak/{advice_call.pk}/")).status == 200
    assert page.locator("html").get_attribute("lang") == "en"
    check(page, "the week of free times in English")
    click_to(page, a_free_time(page, advice_call.min_notice_hours))
    assert f"/en/afspraak/{advice_call.pk}/gegevens/?start=" in page.url, page.url
    assert page.locator("html").get_attribute("lang") == "en"
    check(page, "the details in English")
    # a mistake comes back next to the field, with what was typed kept
    page.locator("#id_name").fill("Vera Visser")
    page.locator("#id_email").fill("vera@")
    click_to(page, page.locator("main form button[type=submit]"), status=422)
    assert page.input_value("#id_name") == "Vera Visser"
    expect(page.locator("#id_email")).to_have_attribute("aria-invalid", "true")
    check(page, "the details with a mistake in English")
    assert_stays_on_the_server(tab)
