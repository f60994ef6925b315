"""The contact form and the practice's leads in a real browser.

Vera, a visitor on her phone (390 px), goes from the contact page to the contact form, forgets
the consent line (the error stands next to it, what she typed stays), ticks it and sends her
question. Pieter, the practice's owner, signs in on his desktop with his password and second
factor, finds the new lead in the practice's leads, opens it, reads the question, writes a note
and invites Vera as his client: the lead becomes "cliënt" and the invitation goes to her address.

The form refuses what is sent within seconds of showing it (a bot's speed). A person takes
longer; the test stands in for the wait by giving the page a time stamp of a minute ago, signed
as the server signs it. Every page fits the phone or the desktop and axe finds nothing serious.
"""

import time

import pytest
from playwright.sync_api import expect

from e2e.conftest import DESKTOP, PHONE
from e2e.helpers import check, click_to, sent_to, signed_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "een rustige rug begint bij ademen"  # noqa: S105 - a test account
PIETER = "pieter@praktijk.example"
VERA = "vera@voorbeeld.example"
QUESTION = "Mijn schouders zitten al weken vast. Kan ik bij jullie terecht?"
IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def pieter(content, settings):
    from lijfwijs.accounts.models import Membership, Practice, User
    from lijfwijs.accounts.services import join_practice

    settings.TASKS = IMMEDIATE_TASKS
    user = User.objects.create_user(
        PIETER, PASSWORD, role=User.Role.PRACTITIONER, display_name="Pieter de Vries"
    )
    join_practice(user, Practice.objects.create(name="Fysio De Brug"), Membership.Role.OWNER)
    return user


def waited(page) -> None:
    """The form was shown a minute ago (see the module's docstring)."""
    from lijfwijs.outreach.leads.forms import stamp

    page.locator("input[name=shown]").evaluate(
        "(el, v) => { el.value = v; }", stamp(time.time() - 60)
    )


def test_a_visitor_asks_and_the_practitioner_converts_the_lead(open_tab, pieter):
    from lijfwijs.outreach.leads.models import Lead

    # --- Vera, on her phone, from the contact page to the form
    visitor = open_tab(PHONE)
    phone = visitor.page
    assert phone.goto(visitor.url("/contact/")).status == 200
    check(phone, "the contact page with the way to the form")
    click_to(phone, phone.get_by_role("link", name="Naar het contactformulier"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("Stel je vraag")
    check(phone, "the contact form")
    phone.locator("main").get_by_label("Je naam").fill("Vera Visser")
    phone.locator("main").get_by_label("Je e-mailadres").fill(VERA)
    phone.locator("main").get_by_label("Je telefoonnummer (mag leeg)").fill("06 12345678")
    phone.locator("main").get_by_label("Je vraag").fill(QUESTION)
    waited(phone)
    click_to(phone, phone.get_by_role("button", name="Verstuur je vraag"), status=422)
    expect(phone.locator(".field-error")).to_contain_text("Zonder je toestemming")
    expect(phone.locator("main").get_by_label("Je vraag")).to_have_value(QUESTION)
    check(phone, "the contact form with an error")
    phone.locator("main").get_by_label("Ik geef de praktijk toestemming", exact=False).check()
    click_to(phone, phone.get_by_role("button", name="Verstuur je vraag"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("Je bericht is verstuurd")
    check(phone, "sent")

    lead = Lead.objects.get()
    (copy,) = sent_to(VERA)
    assert QUESTION in copy.body
    (notice,) = sent_to(PIETER)
    assert QUESTION not in notice.body and "Vera" not in notice.body

    # --- Pieter, on his desktop: the leads, Vera's lead, a note, the invitation
    desk = open_tab(DESKTOP)
    signed_in(desk, pieter)
    page = desk.page
    assert page.goto(desk.url("/praktijk/leads/")).status == 200
    check(page, "the practice's leads")
    click_to(page, page.get_by_role("link", name="Vera Visser"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Vera Visser")
    expect(page.locator("main")).to_contain_text(QUESTION)
    check(page, "Vera's lead")
    page.locator("main").get_by_label("Notitie", exact=True).fill(
        "Gebeld: komt volgende week langs."
    )
    click_to(page, page.get_by_role("button", name="Notitie bewaren"))
    expect(page.locator("main")).to_contain_text("Gebeld: komt volgende week langs.")
    click_to(page, page.get_by_role("button", name="Uitnodiging versturen"))
    expect(page.locator("main")).to_contain_text("De uitnodiging is verstuurd")
    check(page, "the lead after the invitation")
    lead.refresh_from_db()
    assert lead.status == Lead.Status.CLIENT and lead.invitation.email == VERA
    assert len(sent_to(VERA)) == 2  # the copy, then the invitation
