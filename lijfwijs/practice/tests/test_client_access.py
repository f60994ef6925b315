"""A practitioner sees a client's data only while the client allows it: granting, inviting,
revoking, and everyone else getting nothing (404 for another practitioner, 403 for a client)."""

import re

import pytest
from django.test import Client

from lijfwijs.accounts.models import ConsentText, Invitation, PractitionerAccess
from lijfwijs.accounts.tests.helpers import (
    PASSWORD,
    give_access,
    log_in,
    make_client_user,
    make_practitioner,
    pijntest_result,
    signed_in_browser,
)

pytestmark = pytest.mark.django_db


def grant(browser, email, consent=True):
    data = {"grant-practitioner_email": email}
    if consent:
        data["grant-consent"] = "on"
    return browser.post("/account/toegang/", data)


def client_page(client_user) -> str:
    return f"/praktijk/clienten/{client_user.pk}/"


def report_page(result) -> str:
    return f"/pijntest/uitslag/{result.pk}/"


def revoke(browser, access) -> None:
    response = browser.post(f"/account/toegang/{access.pk}/intrekken/")
    assert response.status_code == 302 and response["Location"] == "/account/"


# --- granting --------------------------------------------------------------------------------


def test_a_client_grants_access_by_the_practitioners_email(anna_browser, anna, pieter):
    response = grant(anna_browser, "PIETER@example.org")
    assert response.status_code == 302 and response["Location"] == "/account/"
    access = PractitionerAccess.objects.get()
    assert (access.client, access.practitioner) == (anna, pieter)
    assert access.status == PractitionerAccess.Status.ACTIVE
    assert access.origin == PractitionerAccess.Origin.CLIENT_GRANT
    assert access.consent_version == ConsentText.current("practitioner_access").version
    settings_page = anna_browser.get("/account/").content.decode()
    assert "Je behandelaar heeft nu toegang." in settings_page
    assert "Pieter (Fysio De Brug)" in settings_page

    # Granting again changes nothing.
    assert grant(anna_browser, pieter.email).status_code == 302
    assert PractitionerAccess.objects.count() == 1


@pytest.mark.parametrize(
    "email", ["bram@example.org", "niemand@example.org", "oud@example.org", "anna@example.org"]
)
def test_only_an_active_practitioner_can_be_given_access(anna_browser, bram, email):
    make_practitioner("oud@example.org", is_active=False)
    response = grant(anna_browser, email)
    assert response.status_code == 422
    html = response.content.decode()
    error = re.search(
        r'id="id_grant-practitioner_email_error">(?:<p class="field-error">)?([^<]*)<', html
    ).group(1)
    assert "We vinden geen behandelaar met dit e-mailadres in Lijfwijs." in error
    assert f'value="{email}"' in html
    assert not PractitionerAccess.objects.exists()


def test_granting_needs_the_consent_checkbox(anna_browser, pieter):
    response = grant(anna_browser, pieter.email, consent=False)
    assert response.status_code == 422
    assert 'id="id_grant-consent_error"' in response.content.decode()
    assert not PractitionerAccess.objects.exists()


def test_the_practitioner_sees_the_client_her_results_and_her_report(anna, pieter, pieter_browser):
    result = pijntest_result(anna, peg=6)
    assert "Anna" not in pieter_browser.get("/praktijk/").content.decode()
    assert pieter_browser.get(client_page(anna)).status_code == 404
    assert pieter_browser.get(report_page(result)).status_code == 404

    give_access(anna, pieter)

    practice = pieter_browser.get("/praktijk/")
    assert practice.status_code == 200
    assert f'href="{client_page(anna)}"' in practice.content.decode()
    detail = pieter_browser.get(client_page(anna))
    assert detail.status_code == 200
    practitioners_view = f"{client_page(anna)}uitslagen/{result.pk}/"
    assert f'href="{practitioners_view}"' in detail.content.decode()
    assert pieter_browser.get(practitioners_view).status_code == 200
    assert pieter_browser.get(report_page(result)).status_code == 200


def test_after_revoking_the_very_next_request_is_404(anna, anna_browser, pieter, pieter_browser):
    result = pijntest_result(anna)
    access = give_access(anna, pieter)
    assert pieter_browser.get(client_page(anna)).status_code == 200
    assert pieter_browser.get(report_page(result)).status_code == 200
    assert anna_browser.get(report_page(result)).status_code == 200  # cached for Anna now

    revoke(anna_browser, access)
    settings_page = anna_browser.get("/account/").content.decode()
    assert "Je behandelaar ziet je gegevens niet meer." in settings_page
    assert "Niemand." in settings_page and "Pieter (Fysio De Brug)" not in settings_page

    assert pieter_browser.get(client_page(anna)).status_code == 404
    assert pieter_browser.get(report_page(result)).status_code == 404
    assert f'href="{client_page(anna)}"' not in pieter_browser.get("/praktijk/").content.decode()
    access.refresh_from_db()
    assert access.status == PractitionerAccess.Status.REVOKED and access.revoked_at
    assert anna_browser.get(report_page(result)).status_code == 200  # still hers

    # Granting again gives access again (a new record; the old one stays revoked).
    give_access(anna, pieter)
    assert pieter_browser.get(client_page(anna)).status_code == 200
    assert PractitionerAccess.objects.count() == 2


def test_revoking_is_a_post_of_the_client_herself(anna, bram_browser, anna_browser, pieter):
    access = give_access(anna, pieter)
    url = f"/account/toegang/{access.pk}/intrekken/"
    assert anna_browser.get(url).status_code == 405
    assert bram_browser.post(url).status_code == 404
    assert signed_in_browser(pieter).post(url).status_code == 404
    assert Client().post(url).status_code == 302  # to the login
    access.refresh_from_db()
    assert access.status == PractitionerAccess.Status.ACTIVE
    assert anna_browser.post(url).status_code == 302
    assert anna_browser.post(url).status_code == 404  # nothing left to revoke


# --- everyone else ---------------------------------------------------------------------------


def test_another_practitioner_gets_404_on_annas_pages(anna, pieter, rita_browser):
    result = pijntest_result(anna)
    give_access(anna, pieter)
    assert rita_browser.get(client_page(anna)).status_code == 404
    assert rita_browser.get(report_page(result)).status_code == 404
    assert rita_browser.get(f"/api/v1/responses/{result.pk}").status_code == 404
    assert "anna@example.org" not in rita_browser.get("/praktijk/").content.decode()


def test_a_client_id_that_is_not_a_client_is_404(anna, pieter, rita, pieter_browser):
    give_access(anna, pieter)
    assert pieter_browser.get(client_page(rita)).status_code == 404
    assert pieter_browser.get(client_page(pieter)).status_code == 404
    assert pieter_browser.get("/praktijk/clienten/999999/").status_code == 404


def test_a_deactivated_practitioner_or_client_shows_nothing(anna, pieter, pieter_browser):
    give_access(anna, pieter)
    anna.is_active = False
    anna.save()
    assert pieter_browser.get(client_page(anna)).status_code == 404


def test_clients_get_403_on_the_practice_pages(anna, anna_browser, bram_browser, pieter):
    give_access(anna, pieter)
    assert bram_browser.get("/praktijk/").status_code == 403
    assert bram_browser.get(client_page(anna)).status_code == 403
    assert anna_browser.get("/praktijk/").status_code == 403
    assert (
        anna_browser.post("/praktijk/uitnodigingen/", {"email": "x@example.org"}).status_code == 403
    )
    assert not Invitation.objects.exists()


def test_visitors_are_sent_to_the_login(anna, content):
    for path in ["/praktijk/", client_page(anna)]:
        response = Client().get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/account/inloggen/?next=")


def test_the_client_list_query_count_does_not_grow_with_clients(
    pieter, pieter_browser, django_assert_max_num_queries
):
    give_access(make_client_user("c1@example.org"), pieter)
    with django_assert_max_num_queries(20) as one:
        pieter_browser.get("/praktijk/")
    for n in range(2, 7):
        give_access(make_client_user(f"c{n}@example.org"), pieter)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = pieter_browser.get("/praktijk/")
    assert response.content.decode().count('href="/praktijk/clienten/') == 6


# --- invitations -----------------------------------------------------------------------------


def invite(browser, email, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post("/praktijk/uitnodigingen/", {"email": email})
    assert response.status_code == 302 and response["Location"] == "/praktijk/uitnodigingen/"
    return response


def answer(browser, invitation, choice):
    return browser.post(f"/account/uitnodigingen/{invitation.pk}/", {"answer": choice})


def test_an_accepted_invitation_gives_access(
    anna, anna_browser, pieter, pieter_browser, outbox, django_capture_on_commit_callbacks
):
    invite(pieter_browser, "Anna@Example.org", django_capture_on_commit_callbacks)
    [message] = outbox
    assert message.to == ["anna@example.org"]
    assert "http://127.0.0.1:8000/account/" in message.body
    pending = pieter_browser.get("/praktijk/uitnodigingen/").content.decode()
    assert "anna@example.org" in pending
    assert pieter_browser.get(client_page(anna)).status_code == 404  # nothing yet

    home = anna_browser.get("/").content.decode()
    assert "Er wacht een uitnodiging van een behandelaar." in home
    settings_page = anna_browser.get("/account/").content.decode()
    assert "Pieter vraagt toegang tot je gegevens." in settings_page

    invitation = Invitation.objects.get()
    assert answer(anna_browser, invitation, "accept").status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED and invitation.responded_at
    access = PractitionerAccess.objects.get()
    assert (access.client, access.practitioner) == (anna, pieter)
    assert access.origin == PractitionerAccess.Origin.INVITATION
    assert pieter_browser.get(client_page(anna)).status_code == 200
    # Answered: it cannot be answered again.
    assert answer(anna_browser, invitation, "decline").status_code == 404


def test_a_declined_invitation_gives_nothing(
    anna, anna_browser, pieter, pieter_browser, outbox, django_capture_on_commit_callbacks
):
    invite(pieter_browser, anna.email, django_capture_on_commit_callbacks)
    invitation = Invitation.objects.get()
    assert answer(anna_browser, invitation, "decline").status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.DECLINED
    assert not PractitionerAccess.objects.exists()
    assert pieter_browser.get(client_page(anna)).status_code == 404
    assert "vraagt toegang" not in anna_browser.get("/account/").content.decode()
    assert answer(anna_browser, invitation, "accept").status_code == 404


def test_only_the_invited_person_can_answer(
    anna, bram_browser, pieter, pieter_browser, outbox, django_capture_on_commit_callbacks
):
    invite(pieter_browser, anna.email, django_capture_on_commit_callbacks)
    invitation = Invitation.objects.get()
    assert (
        bram_browser.post(
            f"/account/uitnodigingen/{invitation.pk}/", {"answer": "accept"}
        ).status_code
        == 404
    )
    assert not PractitionerAccess.objects.exists()


def test_inviting_twice_sends_one_invitation(
    pieter_browser, content, outbox, django_capture_on_commit_callbacks
):
    invite(pieter_browser, "nieuw@example.org", django_capture_on_commit_callbacks)
    invite(pieter_browser, "NIEUW@example.org", django_capture_on_commit_callbacks)
    assert Invitation.objects.count() == 1
    assert len(outbox) == 1


def test_an_invalid_invitation_address_is_422(pieter_browser, outbox):
    response = pieter_browser.post("/praktijk/uitnodigingen/", {"email": "geen adres"})
    assert response.status_code == 422
    assert 'id="id_email_error"' in response.content.decode()
    assert 'value="geen adres"' in response.content.decode()
    assert outbox == [] and not Invitation.objects.exists()


def test_someone_without_an_account_registers_then_accepts(
    client, pieter, pieter_browser, outbox, django_capture_on_commit_callbacks
):
    invite(pieter_browser, "nieuw@example.org", django_capture_on_commit_callbacks)
    [message] = outbox
    assert "/account/registreren/" in message.body
    response = client.post(
        "/account/registreren/",
        {
            "email": "nieuw@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "language": "nl",
            "consent": "on",
            "consent_version": ConsentText.current("health_data").version,
        },
    )
    assert response.status_code == 200  # "check your email": registering signs nobody in
    assert log_in(client, "nieuw@example.org").status_code == 302
    invitation = Invitation.objects.get()
    assert "Pieter vraagt toegang" in client.get("/account/").content.decode()
    assert answer(client, invitation, "accept").status_code == 302
    assert PractitionerAccess.objects.active().filter(practitioner=pieter).exists()
