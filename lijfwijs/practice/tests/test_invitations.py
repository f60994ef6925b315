"""The practitioner's invitations (`/praktijk/uitnodigingen/`): the list with each one's state,
inviting (422 on a bad address), resending (extends, limited), withdrawing, expiry, and who may
do what (own only, assistants read the practice's, clients 403, visitors to the login)."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connections
from django.test import Client
from django.utils import timezone, translation
from django.utils.formats import date_format

from lijfwijs.accounts import services
from lijfwijs.accounts.models import Invitation, Membership, PractitionerAccess, User
from lijfwijs.accounts.tests.helpers import (
    PASSWORD,
    give_access,
    make_client_user,
    make_practitioner,
    signed_in_browser,
)

pytestmark = pytest.mark.django_db

LIST = "/praktijk/uitnodigingen/"


def resend_url(invitation) -> str:
    return f"{LIST}{invitation.pk}/opnieuw/"


def withdraw_url(invitation) -> str:
    return f"{LIST}{invitation.pk}/intrekken/"


def answer(browser, invitation, choice="accept"):
    return browser.post(f"/account/uitnodigingen/{invitation.pk}/", {"answer": choice})


def invite(browser, email, capture):
    with capture(execute=True):
        response = browser.post(LIST, {"email": email})
    assert response.status_code == 302 and response["Location"] == LIST
    return response


def sent_long_ago(invitation, **age) -> None:
    """As if the invitation had last been sent that long ago (no resend is then "just sent")."""
    Invitation.objects.filter(pk=invitation.pk).update(
        last_sent_at=timezone.now() - timedelta(**age)
    )


def expire(invitation) -> None:
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1),
        last_sent_at=timezone.now() - timedelta(days=15),
    )


def dutch_date(moment) -> str:
    with translation.override("nl"):
        return date_format(timezone.localtime(moment), "DATE_FORMAT")


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


# --- the list and inviting -----------------------------------------------------------------


def test_the_list_says_each_state_in_words(pieter, pieter_browser, anna, bram, content):
    open_one = services.invite(pieter, "open@example.org")
    expired = services.invite(pieter, "verlopen@example.org")
    expire(expired)
    accepted = services.invite(pieter, anna.email)
    services.answer_invitation(anna, accepted.pk, accept=True)
    declined = services.invite(pieter, bram.email)
    services.answer_invitation(bram, declined.pk, accept=False)
    withdrawn = services.invite(pieter, "weg@example.org")
    services.withdraw_invitation(withdrawn)

    page = pieter_browser.get(LIST)
    assert page.status_code == 200
    html = " ".join(text(page).split())
    open_one.refresh_from_db()
    assert f"Geldig tot {dutch_date(open_one.expires_at)}." in html
    assert "Verlopen op" in html and "verlopen@example.org" in html
    assert "Geaccepteerd op" in html and "Afgewezen op" in html
    assert "Deze uitnodiging is ingetrokken en kan niet meer geaccepteerd worden." in html
    assert "1 keer verstuurd, op" in html
    # Resend and withdraw only where the invitation is still open (or expired)
    assert html.count('/opnieuw/"') == 2 and html.count('/intrekken/"') == 2
    for invitation in (open_one, expired):
        assert resend_url(invitation) in html and withdraw_url(invitation) in html


def test_inviting_sends_the_email_with_its_expiry(pieter_browser, content, outbox, capture):
    invite(pieter_browser, "Nieuw@Example.org", capture)
    invitation = Invitation.objects.get()
    assert invitation.email == "nieuw@example.org" and invitation.sent_count == 1
    [message] = outbox
    until = timezone.localtime(invitation.expires_at)
    assert message.subject.endswith(f"geldig tot {dutch_date(until)}")
    assert f"De uitnodiging is geldig tot {dutch_date(until)}, {until:%H:%M}." in message.body
    assert "De uitnodiging is geldig tot" in message.alternatives[0][0]
    follow = pieter_browser.get(LIST)
    assert "De uitnodiging is verstuurd." in text(follow)
    assert "nieuw@example.org" in text(follow)


def test_a_rejected_address_is_422_with_the_message_at_the_field(pieter_browser, outbox):
    response = pieter_browser.post(LIST, {"email": "geen adres"})
    assert response.status_code == 422
    html = text(response)
    assert 'id="id_email_error"' in html and 'value="geen adres"' in html
    assert outbox == [] and not Invitation.objects.exists()
    empty = pieter_browser.post(LIST, {})
    assert empty.status_code == 422 and 'id="id_email_error"' in text(empty)


def test_a_client_who_grants_access_already_is_not_invited(
    anna, pieter, pieter_browser, outbox, capture
):
    give_access(anna, pieter)
    with capture(execute=True):
        response = pieter_browser.post(LIST, {"email": "ANNA@example.org"})
    assert response.status_code == 422
    assert "Deze cliënt heeft je al toegang gegeven." in text(response)
    assert outbox == [] and not Invitation.objects.exists()


def test_inviting_an_open_address_again_sends_nothing(pieter_browser, content, outbox, capture):
    invite(pieter_browser, "nieuw@example.org", capture)
    invite(pieter_browser, "nieuw@example.org", capture)
    assert Invitation.objects.count() == 1 and len(outbox) == 1
    assert "Er staat al een uitnodiging open voor dit adres." in text(pieter_browser.get(LIST))


def test_inviting_an_expired_address_again_resends_it(pieter_browser, content, outbox, capture):
    invite(pieter_browser, "nieuw@example.org", capture)
    invitation = Invitation.objects.get()
    expire(invitation)
    invite(pieter_browser, "nieuw@example.org", capture)
    invitation.refresh_from_db()
    assert Invitation.objects.count() == 1 and len(outbox) == 2
    assert invitation.status == Invitation.Status.PENDING and not invitation.is_expired
    assert invitation.sent_count == 2
    assert invitation.expires_at > timezone.now() + timedelta(days=13, hours=23)


def test_inviting_an_expired_address_past_the_resend_limit_is_422(
    pieter, pieter_browser, outbox, capture
):
    invitation = services.invite(pieter, "nieuw@example.org")
    for _ in range(services.RESENDS_PER_DAY):
        sent_long_ago(invitation, hours=1)
        invitation.refresh_from_db()
        assert services.resend_invitation(invitation) == services.InvitationOutcome.RESENT
    expire(invitation)
    with capture(execute=True):
        response = pieter_browser.post(LIST, {"email": "nieuw@example.org"})
    assert response.status_code == 422
    html = text(response)
    assert 'id="id_email_error"' in html and 'value="nieuw@example.org"' in html
    assert "vandaag al 3 keer opnieuw verstuurd" in html
    invitation.refresh_from_db()
    assert invitation.is_expired and invitation.sent_count == 1 + services.RESENDS_PER_DAY


def test_inviting_after_a_withdrawal_makes_a_new_invitation(
    pieter, pieter_browser, outbox, capture
):
    invite(pieter_browser, "nieuw@example.org", capture)
    first = Invitation.objects.get()
    pieter_browser.post(withdraw_url(first))
    invite(pieter_browser, "nieuw@example.org", capture)
    assert Invitation.objects.count() == 2 and len(outbox) == 2
    assert Invitation.objects.filter(status=Invitation.Status.PENDING).count() == 1


def test_the_list_queries_do_not_grow_with_invitations(
    pieter, pieter_browser, content, django_assert_num_queries, django_assert_max_num_queries
):
    services.invite(pieter, "c0@example.org")
    pieter_browser.get(LIST)  # the session's first read out of the way
    with django_assert_max_num_queries(15) as one:
        pieter_browser.get(LIST)
    for n in range(1, 8):
        services.invite(pieter, f"c{n}@example.org")
    with django_assert_num_queries(len(one.captured_queries)):
        response = pieter_browser.get(LIST)
    assert text(response).count("@example.org</h3>") == 8


def test_the_list_is_paged(pieter, pieter_browser, content):
    Invitation.objects.bulk_create(
        Invitation(practitioner=pieter, email=f"c{n}@example.org", token=f"t{n}") for n in range(51)
    )
    first = text(pieter_browser.get(LIST))
    assert first.count("@example.org</h3>") == 50 and "?pagina=2" in first
    second = pieter_browser.get(LIST + "?pagina=2")
    assert text(second).count("@example.org</h3>") == 1
    assert pieter_browser.get(LIST + "?pagina=3").status_code == 404
    assert pieter_browser.get(LIST + "?pagina=x").status_code == 404


# --- resending -------------------------------------------------------------------------------


def test_resending_extends_and_counts(pieter, pieter_browser, content, outbox, capture):
    invitation = services.invite(pieter, "nieuw@example.org")
    sent_long_ago(invitation, days=10)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() + timedelta(days=4)
    )
    with capture(execute=True):
        response = pieter_browser.post(resend_url(invitation))
    assert response.status_code == 302 and response["Location"] == LIST
    invitation.refresh_from_db()
    assert invitation.sent_count == 2
    assert timezone.now() - invitation.last_sent_at < timedelta(seconds=30)
    assert invitation.expires_at > timezone.now() + timedelta(days=13, hours=23)
    assert len(outbox) == 1 and outbox[0].to == ["nieuw@example.org"]
    assert "is opnieuw verstuurd en geldig tot" in text(pieter_browser.get(LIST))


def test_an_expired_invitation_can_be_resent_and_then_accepted(
    anna, anna_browser, pieter, pieter_browser, outbox, capture
):
    invitation = services.invite(pieter, anna.email)
    expire(invitation)
    assert answer(anna_browser, invitation).status_code == 404
    with capture(execute=True):
        pieter_browser.post(resend_url(invitation))
    assert answer(anna_browser, invitation).status_code == 302
    assert PractitionerAccess.objects.filter(client=anna, practitioner=pieter).exists()


def test_a_double_click_resends_once(pieter, pieter_browser, content, outbox, capture):
    invitation = services.invite(pieter, "nieuw@example.org")
    sent_long_ago(invitation, hours=1)
    with capture(execute=True):
        pieter_browser.post(resend_url(invitation))
        second = pieter_browser.post(resend_url(invitation))
    assert second.status_code == 302
    invitation.refresh_from_db()
    assert invitation.sent_count == 2 and len(outbox) == 1
    assert "Deze uitnodiging is net verstuurd." in text(pieter_browser.get(LIST))


def test_at_most_three_resends_a_day(pieter, pieter_browser, content, outbox, capture):
    invitation = services.invite(pieter, "nieuw@example.org")
    for _ in range(services.RESENDS_PER_DAY):
        sent_long_ago(invitation, hours=1)
        with capture(execute=True):
            pieter_browser.post(resend_url(invitation))
    sent_long_ago(invitation, hours=1)
    with capture(execute=True):
        refused = pieter_browser.post(resend_url(invitation))
    assert refused.status_code == 302
    invitation.refresh_from_db()
    assert invitation.sent_count == 1 + services.RESENDS_PER_DAY
    assert len(outbox) == services.RESENDS_PER_DAY
    html = text(pieter_browser.get(LIST))
    assert "Deze uitnodiging is vandaag al 3 keer opnieuw verstuurd. Morgen kan het weer." in html
    # The limit is per invitation: another one is resent as usual.
    other = services.invite(pieter, "ander@example.org")
    sent_long_ago(other, hours=1)
    with capture(execute=True):
        pieter_browser.post(resend_url(other))
    other.refresh_from_db()
    assert other.sent_count == 2


def test_an_answered_or_withdrawn_invitation_is_not_resent(
    anna, pieter, pieter_browser, outbox, capture
):
    accepted = services.invite(pieter, anna.email)
    services.answer_invitation(anna, accepted.pk, accept=True)
    withdrawn = services.invite(pieter, "weg@example.org")
    services.withdraw_invitation(withdrawn)
    for invitation in (accepted, withdrawn):
        sent_long_ago(invitation, hours=1)
        with capture(execute=True):
            response = pieter_browser.post(resend_url(invitation))
        assert response.status_code == 302
        invitation.refresh_from_db()
        assert invitation.sent_count == 1
    assert outbox == []
    assert "kan niet opnieuw verstuurd worden" in text(pieter_browser.get(LIST))


# --- withdrawing -----------------------------------------------------------------------------


def test_a_withdrawn_invitation_cannot_be_accepted(anna, anna_browser, pieter, pieter_browser):
    invitation = services.invite(pieter, anna.email)
    assert "vraagt toegang" in text(anna_browser.get("/account/"))
    response = pieter_browser.post(withdraw_url(invitation))
    assert response.status_code == 302 and response["Location"] == LIST
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.WITHDRAWN
    assert "vraagt toegang" not in text(anna_browser.get("/account/"))
    assert answer(anna_browser, invitation).status_code == 404
    assert not services.answer_invitation(anna, invitation.pk, accept=True)
    assert not PractitionerAccess.objects.exists()
    assert pieter_browser.get(f"/praktijk/clienten/{anna.pk}/").status_code == 404
    # A second click changes nothing, and says so.
    again = pieter_browser.post(withdraw_url(invitation))
    assert again.status_code == 302
    assert "Er is niets veranderd." in text(pieter_browser.get(LIST))


def test_an_accepted_invitation_cannot_be_withdrawn(anna, pieter, pieter_browser):
    invitation = services.invite(pieter, anna.email)
    services.answer_invitation(anna, invitation.pk, accept=True)
    pieter_browser.post(withdraw_url(invitation))
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED
    assert PractitionerAccess.objects.active().filter(client=anna, practitioner=pieter).exists()


# --- expiry ----------------------------------------------------------------------------------


def test_an_expired_invitation_cannot_be_accepted_or_declined(anna, anna_browser, pieter):
    invitation = services.invite(pieter, anna.email)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert "vraagt toegang" not in text(anna_browser.get("/account/"))
    assert answer(anna_browser, invitation, "accept").status_code == 404
    assert answer(anna_browser, invitation, "decline").status_code == 404
    assert not services.answer_invitation(anna, invitation.pk, accept=True)
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING and invitation.is_expired
    assert not PractitionerAccess.objects.exists()


def test_an_invitation_is_accepted_up_to_its_expiry(anna, anna_browser, pieter):
    invitation = services.invite(pieter, anna.email)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() + timedelta(minutes=1)
    )
    assert answer(anna_browser, invitation).status_code == 302
    assert PractitionerAccess.objects.filter(client=anna, practitioner=pieter).exists()


# --- who may do what -------------------------------------------------------------------------


def test_another_practitioners_invitation_is_404(pieter, rita_browser, content, outbox):
    invitation = services.invite(pieter, "nieuw@example.org")
    colleague = signed_in_browser(make_practitioner("kees@example.org"))  # same practice
    for browser in (rita_browser, colleague):
        sent_long_ago(invitation, hours=1)
        assert browser.post(resend_url(invitation)).status_code == 404
        assert browser.post(withdraw_url(invitation)).status_code == 404
        assert "nieuw@example.org" not in text(browser.get(LIST))
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING and invitation.sent_count == 1
    # an id that does not exist is the same 404 as someone else's
    assert rita_browser.post(f"{LIST}999999/opnieuw/").status_code == 404


def test_an_assistant_reads_the_practices_invitations_only(pieter, rita, content):
    services.invite(pieter, "nieuw@example.org")
    services.invite(rita, "elders@example.org")  # another practice
    assistant = User.objects.create_user(
        "assistent@example.org", PASSWORD, role=User.Role.ASSISTANT, display_name="Sanne"
    )
    services.join_practice(assistant, pieter.practice, Membership.Role.ASSISTANT)
    browser = signed_in_browser(assistant)
    page = browser.get(LIST)
    assert page.status_code == 200
    html = text(page)
    assert "nieuw@example.org" in html and "Door Pieter." in html
    assert "elders@example.org" not in html
    assert "<form" not in html.split("<main", 1)[1].split("</main>", 1)[0]
    invitation = Invitation.objects.get(email="nieuw@example.org")
    sent_long_ago(invitation, hours=1)
    assert browser.post(LIST, {"email": "x@example.org"}).status_code == 403
    assert browser.post(resend_url(invitation)).status_code == 403
    assert browser.post(withdraw_url(invitation)).status_code == 403
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING and invitation.sent_count == 1
    assert Invitation.objects.count() == 2


def test_clients_get_403(anna_browser, pieter):
    invitation = services.invite(pieter, "nieuw@example.org")
    assert anna_browser.get(LIST).status_code == 403
    assert anna_browser.post(LIST, {"email": "x@example.org"}).status_code == 403
    assert anna_browser.post(resend_url(invitation)).status_code == 403
    assert anna_browser.post(withdraw_url(invitation)).status_code == 403
    assert Invitation.objects.count() == 1


def test_visitors_are_sent_to_the_login(pieter):
    invitation = services.invite(pieter, "nieuw@example.org")
    for method, url in [
        ("get", LIST),
        ("post", LIST),
        ("post", resend_url(invitation)),
        ("post", withdraw_url(invitation)),
    ]:
        response = getattr(Client(), method)(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/account/inloggen/?next=")


# --- at the same moment (real parallel connections on PostgreSQL with DATABASE_URL) ----------


def at_once(*calls):
    """Run the calls in two threads that start together; their results in order."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        try:
            barrier.wait(10)
            return call()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


@pytest.mark.django_db(transaction=True)
def test_two_resends_at_once_send_one_email(monkeypatch):
    pieter = make_practitioner("pieter-race@example.org")
    invitation = services.invite(pieter, "race@example.org")
    sent = []
    monkeypatch.setattr(services, "send_email", lambda to, *args, **kwargs: sent.append(to))
    sent_long_ago(invitation, hours=1)

    def resend():
        return services.resend_invitation(Invitation.objects.get(pk=invitation.pk))

    outcomes = at_once(resend, resend)
    assert sorted(outcomes) == sorted([services.InvitationOutcome.RESENT, "just_sent"])
    invitation.refresh_from_db()
    assert invitation.sent_count == 2 and sent == ["race@example.org"]


@pytest.mark.django_db(transaction=True)
def test_accepting_and_withdrawing_at_once_do_not_both_happen(monkeypatch):
    monkeypatch.setattr(services, "send_email", lambda *args, **kwargs: None)
    pieter = make_practitioner("pieter-race@example.org")
    for n in range(3):
        client = make_client_user(f"client-race-{n}@example.org")
        invitation = services.invite(pieter, client.email)
        accepted, withdrawn = at_once(
            lambda c=client, i=invitation.pk: services.answer_invitation(c, i, accept=True),
            lambda i=invitation.pk: services.withdraw_invitation(Invitation.objects.get(pk=i)),
        )
        invitation.refresh_from_db()
        has_access = PractitionerAccess.objects.filter(client=client, practitioner=pieter)
        if accepted:
            assert withdrawn == services.InvitationOutcome.CLOSED
            assert invitation.status == Invitation.Status.ACCEPTED and has_access.exists()
        else:
            assert withdrawn == services.InvitationOutcome.WITHDRAWN
            assert invitation.status == Invitation.Status.WITHDRAWN and not has_access.exists()
