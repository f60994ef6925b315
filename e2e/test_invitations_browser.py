"""Invitations and the access log in a real browser, on a phone (390 px): a practitioner signs in
with the second factor, invites with the keyboard (a wrong address comes back with the message
next to the field), resends and withdraws; the client reads who looked at her data, per day. Nothing
scrolls sideways, not even a long address, and axe finds no serious or critical violation."""

from datetime import timedelta

import pytest

from e2e.conftest import PHONE
from e2e.helpers import (
    assert_accessible,
    assert_fits_the_screen,
    assert_stays_on_the_server,
    assert_styled,
    signed_in,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "een lange zin voor de praktijk"  # noqa: S105 - a test account
LONG = "een.heel.lang.adres.zonder.einde.van.iemand@voorbeeld-fysiotherapie-praktijk.example.org"


@pytest.fixture
def people(content):
    from lijfwijs.accounts.models import Membership, Practice, User
    from lijfwijs.accounts.services import give_health_consent, join_practice

    pieter = User.objects.create_user(
        "pieter@praktijk.example", PASSWORD, role=User.Role.PRACTITIONER, display_name="Pieter"
    )
    join_practice(pieter, Practice.objects.create(name="Fysio De Brug"), Membership.Role.OWNER)
    anna = User.objects.create_user("anna@voorbeeld.nl", PASSWORD, display_name="Anna")
    give_health_consent(anna)
    return pieter, anna


def test_a_practitioner_invites_resends_and_withdraws_on_a_phone(open_tab, people):
    from django.utils import timezone

    from lijfwijs.accounts.models import Invitation

    pieter, anna = people
    tab = open_tab(PHONE)
    signed_in(tab, pieter)
    page = tab.page
    response = page.goto(tab.url("/praktijk/uitnodigingen/"))
    assert response.status == 200
    assert_styled(page)
    assert page.get_by_text("Nog geen uitnodigingen.").is_visible()
    assert_accessible(page, "the invitations page, empty")

    # A wrong address, typed and sent with the keyboard: the message next to the field (422).
    field = page.get_by_label("E-mailadres van je cliënt")
    field.focus()
    page.keyboard.type("geen adres")
    with page.expect_navigation() as nav:
        page.keyboard.press("Enter")
    assert nav.value.status == 422
    assert page.locator("#id_email_error").is_visible()
    assert page.get_by_label("E-mailadres van je cliënt").input_value() == "geen adres"
    assert_fits_the_screen(page)
    assert_accessible(page, "the invitations page with a rejected address")

    for address in (LONG, anna.email):
        field = page.get_by_label("E-mailadres van je cliënt")
        field.fill(address)
        with page.expect_navigation():
            page.get_by_role("button", name="Stuur uitnodiging").click()
        assert page.get_by_text("De uitnodiging is verstuurd.").is_visible()
    assert Invitation.objects.filter(status="pending").count() == 2
    assert_fits_the_screen(page)  # the long address wraps inside its card
    page.reload()
    assert_accessible(page, "the invitations page with two open invitations")

    # Resend (as if sent an hour ago), then withdraw the invitation to Anna.
    invitation = Invitation.objects.get(email=anna.email)
    Invitation.objects.filter(pk=invitation.pk).update(
        last_sent_at=timezone.now() - timedelta(hours=1)
    )
    with page.expect_navigation():
        page.get_by_role("button", name=f"Opnieuw versturen aan {anna.email}").click()
    assert page.get_by_text("is opnieuw verstuurd en geldig tot").is_visible()
    invitation.refresh_from_db()
    assert invitation.sent_count == 2
    with page.expect_navigation():
        page.get_by_role("button", name=f"Intrekken de uitnodiging aan {anna.email}").click()
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.WITHDRAWN
    assert page.get_by_text("kan niet meer geaccepteerd worden").first.is_visible()
    assert_fits_the_screen(page)
    assert_stays_on_the_server(tab)


def test_the_client_reads_her_access_log_on_a_phone(open_tab, people):
    from django.utils import timezone

    from lijfwijs.accounts.models import AccessLog

    pieter, anna = people
    now = timezone.now()
    AccessLog.objects.bulk_create(
        AccessLog(
            at=now - timedelta(hours=n * 7),
            actor_id=pieter.pk,
            actor_email=pieter.email,
            actor_role="practitioner",
            actor_name="Pieter van der Heijden-Vermeulen",
            on_behalf_of="Fysiotherapie en Manuele Therapie De Brug Amsterdam-Noord",
            client_id=anna.pk,
            kind=kind,
            action=action,
        )
        for n, (kind, action) in enumerate(
            [("client_list", "list"), ("timeline", "view"), ("notes", "change")] * 20
        )
    )
    tab = open_tab(PHONE)
    signed_in(tab, anna)
    page = tab.page
    response = page.goto(tab.url("/account/inzage/"))
    assert response.status == 200
    assert_styled(page)
    assert page.get_by_role("heading", name="Wie heeft mijn gegevens bekeken", level=1).is_visible()
    assert page.locator("main h2").first.inner_text().startswith("Vandaag, ")
    assert page.get_by_text("zag je in de cliëntenlijst").first.is_visible()
    assert_fits_the_screen(page)
    assert_accessible(page, "the access log")
    with page.expect_navigation():
        page.get_by_role("link", name="Oudere regels").click()
    assert "pagina=2" in page.url
    assert_fits_the_screen(page)
    assert_stays_on_the_server(tab)
