"""A masterclass in a real browser, from the practice's form to a place that moves up.

Pieter, owner of Fysio De Brug, signs in on his desktop with his password and second factor,
creates a free online masterclass with one place and publishes it. Vera, a visitor on her phone
(390 px), finds it on the events page and signs up: the place is hers. Wim, on his phone, comes
next: the masterclass is full and he lands on the waiting list. Vera cannot come after all: the
link in her email lets her cancel without an account, and Wim gets her place and an email with
the calendar file. Pieter sees the change on the sign-ups page.

Every page on the way fits the phone (nothing scrolls sideways) and axe-core finds nothing serious
or critical on it. Emails are sent by the task as soon as it is enqueued (the immediate task
backend) into Django's locmem outbox, which the live server's thread shares with the test.
"""

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from e2e.conftest import DESKTOP, PHONE
from e2e.helpers import check, click_to, sent_to, signed_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "een rustige rug begint bij ademen"  # noqa: S105 - a test account
PIETER = "pieter@praktijk.example"
VERA = "vera@voorbeeld.example"
WIM = "wim@voorbeeld.example"
TITLE = "Masterclass: rugpijn begrijpen"
IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
ZONE = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def pieter(content, settings):
    from lijfwijs.accounts.models import Membership, Practice, User
    from lijfwijs.accounts.services import join_practice

    settings.TASKS = IMMEDIATE_TASKS
    user = User.objects.create_user(
        PIETER, PASSWORD, role=User.Role.PRACTITIONER, display_name="Pieter de Vries"
    )
    practice = Practice.objects.create(name="Fysio De Brug", time_zone="Europe/Amsterdam")
    join_practice(user, practice, Membership.Role.OWNER)
    return user


def visitor_signs_up(open_tab, name: str, email: str):
    """A visitor on a phone: the events page, the masterclass, the form."""
    tab = open_tab(PHONE)
    phone = tab.page
    assert phone.goto(tab.url("/evenementen/")).status == 200
    check(phone, "the events page")
    click_to(phone, phone.get_by_role("link", name=TITLE))
    expect(phone.get_by_role("heading", level=1)).to_have_text(TITLE)
    check(phone, "the masterclass's page")
    phone.get_by_label("Je naam").fill(name)
    phone.get_by_label("Je e-mailadres").fill(email)
    click_to(phone, phone.locator("main form button[type=submit]"))
    return tab


def test_a_visitor_signs_up_the_next_waits_and_moves_up_when_she_cancels(open_tab, pieter):
    from lijfwijs.outreach.events.models import Event, SignUp

    # --- Pieter creates the masterclass on his desktop and publishes it
    practice_tab = open_tab(DESKTOP)
    signed_in(practice_tab, pieter)
    desk = practice_tab.page
    assert desk.goto(practice_tab.url("/praktijk/evenementen/")).status == 200
    check(desk, "the practice's events, none yet")
    click_to(desk, desk.get_by_role("link", name="Nieuw evenement"))
    check(desk, "the new event form")
    day = datetime.now(ZONE).date() + timedelta(days=10)
    start = datetime.combine(day, time(19, 30))
    desk.get_by_label("Titel").fill(TITLE)
    desk.get_by_label("Omschrijving (mag leeg)").fill("Hoe pijn werkt, en wat je zelf kunt doen.")
    desk.get_by_label("Begin").fill(start.strftime("%Y-%m-%dT%H:%M"))
    desk.get_by_label("Einde").fill((start + timedelta(minutes=90)).strftime("%Y-%m-%dT%H:%M"))
    desk.get_by_label("Online link (mag leeg)").fill("https://video.example.org/masterclass")
    desk.get_by_label("Aantal plaatsen").fill("0")
    click_to(desk, desk.get_by_role("button", name="Opslaan"), status=422)
    expect(desk.locator("#id_capacity_error")).to_contain_text("minstens één plaats")
    expect(desk.get_by_label("Titel")).to_have_value(TITLE)  # what was typed stays
    check(desk, "the form with an error next to the field")
    desk.get_by_label("Aantal plaatsen").fill("1")
    click_to(desk, desk.get_by_role("button", name="Opslaan"))
    event = Event.objects.get()
    assert event.start == start.replace(tzinfo=ZONE) and event.status == Event.Status.DRAFT
    click_to(desk, desk.get_by_role("button", name="Publiceren"))
    check(desk, "the event's page for the practice")

    # --- Vera signs up on her phone: the place is hers
    vera_tab = visitor_signs_up(open_tab, "Vera Visser", VERA)
    vera = vera_tab.page
    expect(vera.get_by_role("heading", level=1)).to_have_text("Je bent aangemeld")
    check(vera, "signed up")
    [confirmation] = sent_to(VERA)
    assert "Je bent aangemeld" in confirmation.subject
    assert confirmation.attachments, "the calendar file"

    # --- Wim comes next: full, so the waiting list
    wim_tab = visitor_signs_up(open_tab, "Wim de Wit", WIM)
    expect(wim_tab.page.get_by_role("heading", level=1)).to_have_text("Je staat op de wachtlijst")
    check(wim_tab.page, "on the waiting list")
    assert "wachtlijst" in sent_to(WIM)[0].subject

    # --- Vera cancels through the link in her email, without an account
    link = re.search(r"https?://[^/\s]+(/evenementen/aanmelding/[^/\s]+/)", confirmation.body)
    assert link, confirmation.body
    assert vera.goto(vera_tab.url(link.group(1))).status == 200
    check(vera, "her sign-up through the email's link")
    click_to(vera, vera.get_by_role("button", name="Afmelden"), status=422)
    expect(vera.locator("main .field-error")).to_contain_text("Vink aan")
    check(vera, "cancelling without the checkbox")
    vera.get_by_label("Ja, ik meld me af").check()
    click_to(vera, vera.get_by_role("button", name="Afmelden"))
    expect(vera.locator("main")).to_contain_text("Je bent afgemeld")
    check(vera, "cancelled")

    # --- Wim moved up, with an email and the calendar file
    assert SignUp.objects.get(email=WIM).status == SignUp.Status.CONFIRMED
    moved = sent_to(WIM)[-1]
    assert moved.subject == f"Er is een plaats voor je: {TITLE}"
    assert moved.attachments

    # --- Pieter sees it on the sign-ups page
    assert desk.goto(practice_tab.url(f"/praktijk/evenementen/{event.pk}/")).status == 200
    confirmed = desk.locator("main section", has=desk.get_by_role("heading", name="Aangemeld"))
    expect(confirmed).to_contain_text("Wim de Wit")
    expect(confirmed).not_to_contain_text("Vera Visser")
    expect(desk.locator("main")).to_contain_text("Niemand op de wachtlijst.")
    check(desk, "the sign-ups after the change")
