"""The practice's leads: the list (filter, search, counts, pages, constant queries), one lead's
page (what an assistant does not read), status changes, notes, the conversion to a client
invitation, the attached result (logged), another practice's leads (404), and the race of two
first contacts from one person (one open lead)."""

import pytest
from django.db import IntegrityError

from lijfwijs.accounts.models import AccessLog, Invitation
from lijfwijs.accounts.tests.helpers import pijntest_result, signed_in_browser
from lijfwijs.core.tests.parallel import in_threads
from lijfwijs.outreach.leads import services
from lijfwijs.outreach.leads.models import Lead, LeadChange, LeadMessage, LeadNote, Source

pytestmark = pytest.mark.django_db
LIST = "/praktijk/leads/"


def receive(practice, email="vera@example.org", body="Mijn rug doet pijn.", **extra):
    return services.receive(
        services.Contact(
            practice=practice, email=email, source=Source.CONTACT_FORM, body=body, **extra
        )
    ).lead


def url(lead, tail=""):
    return f"{LIST}{lead.pk}/{tail}"


@pytest.fixture
def lead(practice):
    return receive(practice, name="Vera Visser", phone="0612345678")


def test_the_list_filters_searches_and_counts(pieter_browser, practice, rita):
    receive(practice, "vera@example.org", name="Vera Visser")
    closed = receive(practice, "kees@example.org", name="Kees de Boer")
    services.set_status(closed, Lead.Status.CLOSED, None)
    receive(rita.membership.practice, "elders@example.org", name="Elders Persoon")
    page = pieter_browser.get(LIST)
    html = page.content.decode()
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert "Vera Visser" in html and "Kees de Boer" in html and "Elders Persoon" not in html
    html = pieter_browser.get(LIST, {"status": "closed"}).content.decode()
    assert "Kees de Boer" in html and "Vera Visser" not in html
    html = pieter_browser.get(LIST, {"q": "vera@"}).content.decode()
    assert "Vera Visser" in html and "Kees de Boer" not in html
    html = pieter_browser.get(LIST, {"q": "niemand"}).content.decode()
    assert "Geen leads gevonden" in html
    # a status that does not exist: the form says so, the list is not filtered
    assert pieter_browser.get(LIST, {"status": "kapot"}).status_code == 200
    assert pieter_browser.get(LIST, {"pagina": "0"}).status_code == 404


def test_the_list_pages_with_constant_queries(
    pieter_browser, practice, django_assert_max_num_queries
):
    for n in range(30):
        receive(practice, f"persoon{n}@example.org", name=f"Persoon {n}")
    pieter_browser.get(LIST)
    with django_assert_max_num_queries(12):
        first = pieter_browser.get(LIST).content.decode()
    assert "Persoon 29" in first and "Persoon 0<" not in first and "?pagina=2" in first
    second = pieter_browser.get(LIST, {"pagina": "2"}).content.decode()
    assert "Persoon 0<" in second
    searched = pieter_browser.get(LIST, {"q": "persoon & co", "status": "new"}).content.decode()
    assert "Geen leads gevonden" in searched
    searched = pieter_browser.get(LIST, {"q": "Persoon", "status": "new"}).content.decode()
    assert "?pagina=2&amp;status=new&amp;q=Persoon" in searched  # the search goes along
    assert pieter_browser.get(LIST, {"pagina": "3"}).status_code == 404


def test_the_detail_page_has_constant_queries(
    pieter_browser, practice, django_assert_max_num_queries
):
    lead = receive(practice)
    for n in range(10):
        receive(practice, body=f"Vraag {n}")
        services.add_note(lead, None, f"Notitie {n}")
    with django_assert_max_num_queries(14):
        html = pieter_browser.get(url(lead)).content.decode()
    assert "Vraag 9" in html and "Notitie 9" in html


def test_readers_see_the_questions_and_the_assistant_does_not(pieter_browser, lotte, aafke, lead):
    for browser in (pieter_browser, signed_in_browser(lotte)):
        html = browser.get(url(lead)).content.decode()
        assert "Mijn rug doet pijn." in html and "Notitie bewaren" in html
    html = signed_in_browser(aafke).get(url(lead)).content.decode()
    assert "vera@example.org" in html and "0612345678" in html
    assert "Mijn rug doet pijn." not in html and "Notitie bewaren" not in html
    assert "Uitnodiging versturen" not in html


def test_other_people_reach_no_lead(rita_browser, anna_browser, client, lead):
    for tail in ("", "status/", "notities/", "uitnodigen/", "uitslag/1/"):
        method = rita_browser.get if tail in ("", "uitslag/1/") else rita_browser.post
        assert method(url(lead, tail)).status_code == 404, tail
    assert "Vera" not in rita_browser.get(LIST).content.decode()
    assert anna_browser.get(LIST).status_code == 403
    assert client.get(LIST).status_code == 302


def test_status_changes_are_recorded(pieter, pieter_browser, aafke, lead):
    response = pieter_browser.post(url(lead, "status/"), {"status": "contacted"})
    assert response.status_code == 302
    signed_in_browser(aafke).post(url(lead, "status/"), {"status": "closed"})
    changes = list(LeadChange.objects.values_list("old_status", "new_status", "by_name"))
    assert changes == [("new", "contacted", "Pieter"), ("contacted", "closed", "Aafke")]
    assert pieter_browser.post(url(lead, "status/"), {"status": "kapot"}).status_code == 422
    html = pieter_browser.get(url(lead)).content.decode()
    assert "Pieter" in html and "Aafke" in html


def test_reopening_beside_another_open_lead_is_refused(pieter_browser, practice, lead):
    services.set_status(lead, Lead.Status.CLOSED, None)
    receive(practice)  # a new open lead of the same person
    response = pieter_browser.post(url(lead, "status/"), {"status": "new"})
    assert response.status_code == 409 and "al een open lead" in response.content.decode()
    lead.refresh_from_db()
    assert lead.status == Lead.Status.CLOSED


def test_notes_are_encrypted_with_their_author(pieter_browser, aafke, lead):
    assert pieter_browser.post(url(lead, "notities/"), {"body": "  "}).status_code == 422
    response = pieter_browser.post(url(lead, "notities/"), {"body": "Gebeld, komt dinsdag."})
    assert response.status_code == 302
    note = LeadNote.objects.get()
    assert (note.body, note.author_name) == ("Gebeld, komt dinsdag.", "Pieter")
    assert "Gebeld" not in str(LeadNote.objects.values_list("body", flat=True).query)
    assert signed_in_browser(aafke).post(url(lead, "notities/"), {"body": "x"}).status_code == 404


def test_conversion_invites_the_person_and_makes_them_client(
    pieter, pieter_browser, aafke, lead, outbox, django_capture_on_commit_callbacks
):
    assert signed_in_browser(aafke).post(url(lead, "uitnodigen/")).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        response = pieter_browser.post(url(lead, "uitnodigen/"))
    assert response.status_code == 302
    lead.refresh_from_db()
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.practitioner) == ("vera@example.org", pieter)
    assert lead.status == Lead.Status.CLIENT and lead.invitation == invitation
    assert [m.to for m in outbox] == [["vera@example.org"]]
    assert "Uitnodiging versturen" not in pieter_browser.get(url(lead)).content.decode()
    # a second click sends nothing new
    pieter_browser.post(url(lead, "uitnodigen/"))
    assert Invitation.objects.count() == 1 and LeadChange.objects.count() == 1


def test_opening_an_attached_result_is_logged(pieter_browser, aafke, anna, practice):
    result = pijntest_result(anna, peg=6)
    lead = receive(practice, "anna@example.org", account=anna, assessment_response=result)
    message = lead.messages.get()
    before = AccessLog.objects.about(anna.pk).count()
    page = pieter_browser.get(url(lead, f"uitslag/{message.pk}/"))
    assert page.status_code == 200 and "PEG-score" in page.content.decode()
    rows = AccessLog.objects.about(anna.pk).order_by("at", "pk")
    assert rows.count() == before + 1 and rows.last().kind == AccessLog.Kind.PIJNTEST
    assert signed_in_browser(aafke).get(url(lead, f"uitslag/{message.pk}/")).status_code == 404


def test_a_visitors_attached_result_opens_without_a_log_row(pieter_browser, practice):
    result = pijntest_result(None, peg=3)
    lead = receive(practice, assessment_response=result)
    message = lead.messages.get()
    assert pieter_browser.get(url(lead, f"uitslag/{message.pk}/")).status_code == 200
    assert pieter_browser.get(url(lead, f"uitslag/{message.pk + 1}/")).status_code == 404
    assert not AccessLog.objects.filter(object_ref__startswith="lead:").exists()


def test_a_lead_from_an_account_is_logged_when_shown(pieter_browser, anna, practice):
    lead = receive(practice, "anna@example.org", account=anna)
    pieter_browser.get(LIST)
    pieter_browser.get(url(lead))
    kinds = list(AccessLog.objects.about(anna.pk).values_list("action", "object_ref"))
    assert ("list", "leads") in kinds and ("view", f"lead:{lead.pk}") in kinds


# --- a person's data -----------------------------------------------------------------------------


def test_export_and_erasure(anna, practice):
    from lijfwijs.assessments.models import Response

    visitor_result = pijntest_result(None)
    own_result = pijntest_result(anna)
    by_address = receive(practice, "ANNA@example.org", assessment_response=visitor_result)
    services.add_note(by_address, None, "Gebeld.")
    receive(practice, "anna@example.org", account=anna, assessment_response=own_result)
    receive(practice, "iemand@example.org")
    exported = services.export_user_data(anna)["leads"]
    assert len(exported) == 1 and len(exported[0]["messages"]) == 2
    assert exported[0]["notes"][0]["text"] == "Gebeld."

    services.erase_user_health_data(anna)
    lead = Lead.objects.get(email="anna@example.org")
    assert set(lead.messages.values_list("body", "assessment_response")) == {("", None)}
    assert not lead.notes.exists()
    assert not Response.objects.filter(pk=visitor_result.pk).exists()  # the visitor's copy
    assert Response.objects.filter(pk=own_result.pk).exists()  # the account's own stays

    services.erase_user_data(anna)
    assert list(Lead.objects.values_list("email", flat=True)) == ["iemand@example.org"]


def test_the_accounts_export_and_consent_withdrawal_reach_the_leads(anna, practice):
    from lijfwijs.accounts.exporting import export_user
    from lijfwijs.accounts.services import withdraw_health_consent

    receive(practice, "anna@example.org", account=anna)
    assert export_user(anna)["leads"]["leads"][0]["messages"][0]["text"] == "Mijn rug doet pijn."
    withdraw_health_consent(anna)
    assert Lead.objects.get().messages.get().body == ""


def test_deleting_the_account_takes_the_leads_sent_from_it(anna, practice):
    from lijfwijs.accounts.services import delete_account

    receive(practice, "anna@example.org", account=anna)
    delete_account(anna)
    assert not Lead.objects.exists()


# --- one open lead per person and practice, under a race ----------------------------------------


def test_the_database_allows_one_open_lead_per_person(practice):
    receive(practice)
    with pytest.raises(IntegrityError):
        Lead.objects.create(practice=practice, email="vera@example.org", source=Source.PIJNTEST)


@pytest.mark.django_db(transaction=True)
def test_contacts_at_once_make_one_lead_and_a_booking_one_message(pieter, practice):
    from datetime import timedelta

    from django.utils import timezone

    from lijfwijs.booking.models import Booking

    def contact():
        return receive(practice, body="Tegelijk").pk

    ids = in_threads(contact, count=4)
    assert len(set(ids)) == 1
    lead = Lead.objects.get()
    assert lead.messages.count() == 4

    # one confirmed booking told twice at once (two processes confirming): one message
    start = timezone.now() + timedelta(days=2)
    booking = Booking.objects.create(
        practice=practice,
        practitioner=pieter,
        status=Booking.Status.CONFIRMED,
        start=start,
        end=start + timedelta(minutes=30),
        occupied_start=start,
        occupied_end=start + timedelta(minutes=30),
        name="Kees",
        email="kees@example.org",
        confirmed_at=timezone.now(),
    )
    messages = in_threads(lambda: services.booking_confirmed(booking), count=2)
    assert messages == [None, None]
    assert LeadMessage.objects.filter(booking=booking).count() == 1


def test_the_demo_makes_three_leads_once(pieter, practice):
    from lijfwijs.outreach.leads import demo

    demo.load(practice, pieter)
    demo.load(practice, pieter)
    statuses = sorted(Lead.objects.filter(practice=practice).values_list("status", flat=True))
    assert statuses == ["client", "contacted", "new"]
    assert LeadNote.objects.count() == 2 and LeadChange.objects.count() == 2


@pytest.mark.parametrize(
    "words", ["%", "_", "'; --", "x" * 101, "ë\u200b", "vera@", "0612", "VISSER"]
)
def test_any_search_answers(pieter_browser, lead, words):
    response = pieter_browser.get(LIST, {"q": words, "status": "new"})
    assert response.status_code == 200
    found = "Vera Visser" in response.content.decode()
    assert found == (words in ("vera@", "0612", "VISSER", "x" * 101))  # too long: not searched
