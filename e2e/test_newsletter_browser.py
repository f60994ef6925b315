"""Subscribing to the newsletter in a real browser, from the footer to unsubscribing.

Noor, a visitor on her phone (390 px), reads an article and signs up in the footer: first with a
mistyped address (the sign-up page shows the error next to the field and keeps what she typed),
then correctly. She is told to look in her email; the link there opens a page with one button
that confirms her subscription. From there she chooses her subjects and language on the
preferences page, and finally leaves with one click. Pieter, the practice's owner, signs in on
his desktop and sees her in the practice's subscriber list.

Every page on the way fits the phone and axe-core finds nothing serious or critical on it.
Emails are sent by the task as soon as it is enqueued (the immediate task backend).
"""

import pytest
from django.core import mail
from playwright.sync_api import expect

from e2e.conftest import DESKTOP, PHONE
from e2e.helpers import (
    assert_stays_on_the_server,
    check,
    click_to,
    link_path,
    signed_in,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "een rustige rug begint bij ademen"  # noqa: S105 - a test account
NOOR = "noor@voorbeeld.example"
IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def pieter(content, settings):
    from lijfwijs.accounts.models import Membership, Practice, User
    from lijfwijs.accounts.services import join_practice
    from lijfwijs.outreach.newsletter import services

    settings.TASKS = IMMEDIATE_TASKS
    pieter = User.objects.create_user(
        "pieter@praktijk.example", PASSWORD, role=User.Role.PRACTITIONER, display_name="Pieter"
    )
    practice = Practice.objects.create(name="Fysio De Brug")
    join_practice(pieter, practice, Membership.Role.OWNER)
    services.default_lists(practice)
    return pieter


def test_a_visitor_subscribes_in_the_footer_confirms_chooses_and_leaves(open_tab, pieter):
    from lijfwijs.learn.models import Article
    from lijfwijs.outreach.newsletter.models import Subscriber

    visitor = open_tab(PHONE)
    phone = visitor.page
    article = Article.objects.published().first()
    assert phone.goto(visitor.url(f"/kennisbank/{article.slug}/")).status == 200
    footer = phone.locator("footer")
    check(phone, "an article with the sign-up under it and in the footer")

    # a mistyped address: the sign-up page says so next to the field, keeping what was typed
    footer.get_by_label("Je e-mail").fill("noor@voorbeeld")
    click_to(phone, footer.get_by_role("button", name="Aanmelden voor de nieuwsbrief"), 422)
    main = phone.locator("main")
    expect(main.get_by_label("Je e-mailadres")).to_have_value("noor@voorbeeld")
    expect(main.locator(".field-error")).to_have_count(1)
    check(phone, "the sign-up page with an error")
    assert not Subscriber.objects.exists()

    footer.get_by_label("Je e-mail").fill(NOOR)
    click_to(phone, footer.get_by_role("button", name="Aanmelden voor de nieuwsbrief"))
    assert phone.url.endswith("/nieuwsbrief/controleer-je-email/"), phone.url
    expect(phone.get_by_role("heading", level=1)).to_have_text("Kijk in je e-mail")
    check(phone, "look in your email")
    assert Subscriber.objects.get().status == "pending"

    # the link in the email: one button confirms
    [message] = mail.outbox
    assert message.to == [NOOR]
    phone.goto(visitor.url(link_path(message, r"/nieuwsbrief/bevestig/[^/\s]+/")))
    check(phone, "the confirmation page")
    assert Subscriber.objects.get().status == "pending"
    click_to(phone, phone.get_by_role("button", name="Ja, ik wil de nieuwsbrief"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("Je bent aangemeld")
    check(phone, "subscribed")
    assert Subscriber.objects.get().status == "subscribed"

    # preferences: the Pijntest list too, in English
    click_to(phone, phone.get_by_role("link", name="Kies waarover je e-mail krijgt"))
    check(phone, "the preferences")
    main = phone.locator("main")
    expect(main.get_by_role("checkbox", name="Nieuwsbrief")).to_be_checked()
    main.get_by_role("checkbox", name="Pijntest gedaan").check()
    main.get_by_label("English").check()
    click_to(phone, main.get_by_role("button", name="Voorkeuren opslaan"))
    expect(phone.locator(".messages, [role=status]").first).to_be_visible()
    check(phone, "the preferences saved")
    subscriber = Subscriber.objects.get()
    assert subscriber.language == "en"
    assert sorted(nl.kind for nl in subscriber.lists.all()) == ["general", "pijntest"]

    # Pieter sees Noor among the practice's subscribers
    practice_tab = open_tab(DESKTOP)
    signed_in(practice_tab, pieter)
    desk = practice_tab.page
    assert desk.goto(practice_tab.url("/praktijk/nieuwsbrief/")).status == 200
    check(desk, "the practice's newsletter")
    click_to(desk, desk.get_by_role("link", name="Abonnees bekijken"))
    expect(desk.locator("main table")).to_contain_text(NOOR)
    check(desk, "the practice's subscribers")

    # leaving: the unsubscribe page (as every email links it) asks once
    phone.goto(visitor.url(f"/nieuwsbrief/afmelden/{subscriber.unsubscribe_token}/"))
    check(phone, "the unsubscribe page")
    click_to(phone, phone.locator("main").get_by_role("button", name="Afmelden"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("Je bent afgemeld")
    check(phone, "unsubscribed")
    assert Subscriber.objects.get().status == "unsubscribed"
    assert_stays_on_the_server(visitor)
