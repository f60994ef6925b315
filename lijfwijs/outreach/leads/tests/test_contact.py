"""The contact form end to end: a lead in the practice's workspace, a notice without health
content to the owner and practitioners, a copy to the sender; the spam protection (honeypot, time
stamp, rate limits); fuzzed fields; attaching a Pijntest; which practice."""

import re
import time

import pytest
from django.db import connection
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from lijfwijs.accounts.tests.helpers import make_practitioner, pijntest_result, take_pijntest
from lijfwijs.outreach.leads.forms import HONEYPOT, MAX_AGE, stamp
from lijfwijs.outreach.leads.models import Lead, LeadMessage

from .conftest import CONTACT, contact_data, send

pytestmark = pytest.mark.django_db
QUESTION = contact_data()["question"]


def test_the_contact_page_leads_to_the_form_and_stays_shared(client, practice):
    page = client.get("/contact/")
    html = page.content.decode()
    assert 'href="/contact/vraag/"' in html
    assert "public" in page["Cache-Control"] and "csrfmiddlewaretoken" not in html
    assert client.get("/contact/", HTTP_IF_NONE_MATCH=page["ETag"]).status_code == 304


def test_without_a_practice_the_form_says_where_to_go(client, db):
    page = client.get(CONTACT)
    assert page.status_code == 200 and "nog niet in gebruik" in page.content.decode()
    assert client.post(CONTACT, contact_data()).status_code == 200
    assert not Lead.objects.exists()


def test_a_visitor_sends_a_question(
    client, practice, lotte, aafke, outbox, django_capture_on_commit_callbacks
):
    form = client.get(CONTACT)
    assert form.status_code == 200 and "no-store" in form["Cache-Control"]
    shown = re.search(r'name="shown" value="([^"]+)"', form.content.decode()).group(1)
    data = contact_data(shown=stamp(time.time() - 30))
    assert shown  # the page carries its own stamp; a stamp of 30 s ago stands in for waiting
    lotte.language = "en"
    lotte.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CONTACT, data)
    assert response.status_code == 302 and response["Location"] == "/contact/verstuurd/"
    assert "kopie" in client.get(response["Location"]).content.decode()

    lead = Lead.objects.get()
    assert (lead.practice, lead.email, lead.name, lead.status) == (
        practice,
        "vera@example.org",
        "Vera Visser",
        Lead.Status.NEW,
    )
    message = lead.messages.get()
    assert message.body == QUESTION and message.source == "contact" and message.consent_version
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT body FROM {LeadMessage._meta.db_table}")  # noqa: S608
        assert "onderrug" not in cursor.fetchone()[0]  # encrypted at rest

    notices = [m for m in outbox if m.to != ["vera@example.org"]]
    assert sorted(m.to[0] for m in notices) == ["lotte@example.org", "pieter@example.org"]
    for notice in notices:  # no name, no question: log in to read it
        body = notice.body + notice.alternatives[0][0]
        assert "onderrug" not in body and "Vera" not in body
        assert f"/praktijk/leads/{lead.pk}/" in body
        english = notice.to == ["lotte@example.org"]
        assert (f"/en/praktijk/leads/{lead.pk}/" in body) == english  # in the reader's language
    (copy,) = [m for m in outbox if m.to == ["vera@example.org"]]
    assert QUESTION in copy.body and "Fysio De Brug" in copy.subject


def test_a_second_contact_is_added_to_the_open_lead(client, practice, outbox):
    send(client)
    send(client, email="VERA@example.org", question="Nog een vraag.", name="Vera")
    lead = Lead.objects.get()
    assert [m.body for m in lead.messages.all()] == [QUESTION, "Nog een vraag."]
    assert lead.name == "Vera"
    # once closed, a new contact opens a new lead
    Lead.objects.update(status=Lead.Status.CLOSED)
    send(client, question="Weer een vraag.")
    assert Lead.objects.count() == 2 and Lead.objects.open().count() == 1


def _refused(response, typed: str = QUESTION) -> str:
    html = response.content.decode()
    assert typed in html  # what was typed is kept
    assert not Lead.objects.exists()
    return html


def test_the_honeypot_refuses_kindly(client, practice, outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        html = _refused(send(client, **{HONEYPOT: "http://spam.example"}))
    assert "automatisch ingevuld" in html and not outbox


@pytest.mark.parametrize(
    ("shown", "words"),
    [
        (lambda now: stamp(now - 1), "heel snel"),
        (lambda now: stamp(now - MAX_AGE - 10), "te lang open"),
        (lambda now: stamp(now + 600), "te lang open"),
        (lambda now: "1700000000:vervalst", "te lang open"),
        (lambda now: "", "te lang open"),
    ],
    ids=["too-fast", "expired", "future", "forged", "missing"],
)
def test_too_fast_or_expired_forms_are_refused_kindly(client, practice, still_clock, shown, words):
    response = send(client, shown=shown(time.time()))
    assert response.status_code == 422
    html = _refused(response)
    assert words in html
    sent_again = re.search(r'name="shown" value="([^"]+)"', html).group(1)
    assert sent_again  # a good stamp to send again with


def test_rate_limit_per_address(client, practice, still_clock):  # one window of the limit
    for _ in range(3):
        assert send(client).status_code == 302
    response = send(client)
    assert response.status_code == 429 and "afgelopen uur" in response.content.decode()
    assert LeadMessage.objects.count() == 3


def test_rate_limit_per_network_address(client, practice, still_clock):
    for n in range(10):
        assert send(client, email=f"persoon{n}@example.org").status_code == 302
    assert send(client, email="nog-een@example.org").status_code == 429
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert send(other, email="nog-een@example.org").status_code == 302


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("email", "geen-adres"),
        ("email", "a@b\x00.nl"),
        ("name", ""),
        ("name", "x" * 500),
        ("phone", "bel me maar"),
        ("question", "   "),
        ("question", "x" * 5000),
        ("consent", None),
    ],
)
def test_bad_fields_are_named_next_to_the_field(client, practice, field, value):
    response = send(client, **{field: value})
    assert response.status_code == 422
    html = response.content.decode()
    assert 'class="field-error"' in html
    assert not Lead.objects.exists()


class FuzzedContactForm(HypothesisTestCase):
    """Whatever is typed into any field: a 302 or a 422 with the errors, never a 500."""

    def setUp(self) -> None:
        make_practitioner("fuzz-owner@example.org")

    @given(
        name=st.text(max_size=200),
        email=st.text(max_size=60),
        phone=st.text(max_size=40),
        question=st.text(max_size=300),
        shown=st.text(max_size=80),
    )
    def test_never_a_server_error(self, name, email, phone, question, shown):
        response = Client(REMOTE_ADDR="198.51.100.9").post(
            CONTACT,
            {"name": name, "email": email, "phone": phone, "question": question, "shown": shown}
            | {"consent": "on"},
        )
        assert response.status_code in (302, 422, 429)


def test_a_visitor_attaches_the_pijntest_they_took_here(client, practice):
    result_id = take_pijntest(client)
    assert "Stuur de uitslag van mijn Pijntest mee" in client.get(CONTACT).content.decode()
    send(client, attach="on")
    assert LeadMessage.objects.get().assessment_response_id == result_id


def test_nothing_is_attached_without_the_tick_or_without_a_result(client, practice):
    assert "Pijntest mee" not in client.get(CONTACT).content.decode()
    send(client, attach="on")  # no result in this browser: nothing to attach
    take_pijntest(client)
    send(client, question="Zonder uitslag.")
    assert list(LeadMessage.objects.values_list("assessment_response", flat=True)) == [None, None]


def test_a_client_attaches_their_latest_result(anna, anna_browser, practice):
    pijntest_result(anna, peg=7)
    latest = pijntest_result(anna, peg=4)
    html = anna_browser.get(CONTACT).content.decode()
    assert 'value="anna@example.org"' in html  # the account's address to start with
    send(anna_browser, email="anna@example.org", attach="on")
    message = LeadMessage.objects.select_related("lead").get()
    assert message.assessment_response_id == latest.pk and message.lead.account == anna


def test_with_several_practices_the_person_chooses(client, practice, rita):
    html = client.get(CONTACT).content.decode()
    assert "Aan welke praktijk?" in html and "Praktijk Elders" in html
    assert send(client).status_code == 422  # no choice made
    assert send(client, practice="999").status_code == 422
    elders = rita.membership.practice
    assert send(client, practice=str(elders.pk)).status_code == 302
    assert Lead.objects.get().practice == elders


def test_members_of_a_practice_do_not_send_questions_here(pieter_browser, practice):
    assert pieter_browser.get(CONTACT).status_code == 404


def test_in_english_the_lead_and_the_copy_are_english(client, practice):
    assert client.get("/en/contact/vraag/").status_code == 200
    response = send(client, "/en/contact/vraag/")
    assert response["Location"] == "/en/contact/verstuurd/"
    assert Lead.objects.get().language == "en"


def test_a_form_open_too_long_can_be_sent_again_at_once(client, practice, still_clock):
    response = send(client, shown=stamp(time.time() - MAX_AGE - 10))
    fresh = re.search(r'name="shown" value="([^"]+)"', response.content.decode()).group(1)
    assert send(client, shown=fresh).status_code == 302
    # a stamp that never verified gets no such head start
    response = send(client, shown="vervalst", email="ander@example.org")
    fresh = re.search(r'name="shown" value="([^"]+)"', response.content.decode()).group(1)
    assert "heel snel" in send(client, shown=fresh, email="ander@example.org").content.decode()
