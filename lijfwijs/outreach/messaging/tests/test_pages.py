"""The messaging pages: both directions with read receipts, the forms' errors, revoking access,
the access log, other people's 404s and a page with many messages in a constant number of queries."""

import re

import pytest
from django.test import Client

from lijfwijs.accounts import services as account_services
from lijfwijs.accounts.models import AccessLog, Membership, PractitionerAccess
from lijfwijs.accounts.tests.helpers import make_client_user, make_practitioner, signed_in_browser
from lijfwijs.outreach.messaging import services
from lijfwijs.outreach.messaging.models import Conversation, Message

pytestmark = pytest.mark.django_db


def _page(browser: Client, url: str, status: int = 200) -> str:
    response = browser.get(url)
    assert response.status_code == status, response.content.decode()[:800]
    return response.content.decode()


def _client_url(anna) -> str:
    return f"/praktijk/clienten/{anna.pk}/berichten/"


def test_client_and_practitioner_write_both_ways_and_see_read(
    anna, anna_client, pieter, anna_browser, pieter_browser
):
    # Anna starts from her list: Pieter is offered, then his page takes the first message
    inbox = _page(anna_browser, "/berichten/")
    assert f"/berichten/nieuw/{pieter.pk}/" in inbox
    response = anna_browser.post(
        f"/berichten/nieuw/{pieter.pk}/", {"message-text": "  Mag ik vaker oefenen?  "}
    )
    assert response.status_code == 302
    conversation = Conversation.objects.get(client=anna, practitioner=pieter)
    assert response["Location"] == f"/berichten/{conversation.pk}/#schrijven"
    # a second start leads to the same conversation
    assert anna_browser.get(f"/berichten/nieuw/{pieter.pk}/")["Location"] == (
        f"/berichten/{conversation.pk}/"
    )
    page = _page(anna_browser, f"/berichten/{conversation.pk}/")
    assert "Mag ik vaker oefenen?" in page and "Nog niet gelezen" in page

    # Pieter's list marks one unread; his page shows it and marks it read
    listing = _page(pieter_browser, "/praktijk/berichten/")
    assert _client_url(anna) in listing and "<strong>1</strong>" in listing
    assert "Mag ik vaker oefenen?" in _page(pieter_browser, _client_url(anna))
    assert Message.objects.get().read_at is not None
    assert "Gelezen op" in _page(anna_browser, f"/berichten/{conversation.pk}/")

    # Pieter answers; Anna's list marks it, her page reads it, he sees it read
    assert (
        pieter_browser.post(_client_url(anna), {"message-text": "Ja, twee keer per dag."})[
            "Location"
        ]
        == _client_url(anna) + "#schrijven"
    )
    assert "1 nieuw bericht" in _page(anna_browser, "/berichten/")
    assert "twee keer per dag" in _page(anna_browser, f"/berichten/{conversation.pk}/")
    answer = Message.objects.get(from_client=False)
    assert answer.read_at is not None
    mine = _page(pieter_browser, _client_url(anna))
    assert mine.count("Gelezen op") == 1  # his own message; Anna's carries no receipt for him
    assert "1 nieuw bericht" not in _page(anna_browser, "/berichten/")


def test_the_practitioner_starts_from_the_client(anna, anna_client, pieter, pieter_browser):
    page = _page(pieter_browser, _client_url(anna))
    assert "Nog geen berichten" in page and f'href="/praktijk/clienten/{anna.pk}/"' in page
    assert (
        pieter_browser.post(_client_url(anna), {"message-text": "Hoe gaat het?"}).status_code == 302
    )
    assert Conversation.objects.get().practitioner_name == "Pieter"


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", "Schrijf eerst je bericht."),
        ("   \n ", "Schrijf eerst je bericht."),
        ("a" * (services.MAX_LENGTH + 1), "hoogstens 5000"),
        ("nul\x00teken", "teken dat niet kan worden opgeslagen"),
    ],
)
def test_a_refused_message_keeps_the_text_and_says_why(
    anna, anna_client, pieter, anna_browser, text, error
):
    services.send(anna, client=anna, practitioner=pieter, text="eerste")
    conversation = Conversation.objects.get()
    response = anna_browser.post(f"/berichten/{conversation.pk}/", {"message-text": text})
    assert response.status_code == 422
    page = response.content.decode()
    assert error in page and 'class="field has-error"' in page
    if text.strip() and "\x00" not in text:
        assert text[:100] in page
    assert Message.objects.count() == 1


def test_sending_is_rate_limited(anna, anna_client, pieter, anna_browser, monkeypatch):
    monkeypatch.setattr(services, "SEND_LIMIT", 2)
    url = f"/berichten/nieuw/{pieter.pk}/"
    for n in range(2):
        assert anna_browser.post(url, {"message-text": f"bericht {n}"}).status_code == 302
    response = anna_browser.post(url, {"message-text": "nog een"})
    assert response.status_code == 429
    page = response.content.decode()
    assert "Wacht een paar minuten" in page and "nog een" in page
    assert Message.objects.count() == 2


def test_revoking_closes_the_conversation_for_the_practitioner_only(
    anna, anna_client, pieter, anna_browser, pieter_browser
):
    services.send(anna, client=anna, practitioner=pieter, text="Voor ik stop")
    services.send(pieter, client=anna, practitioner=pieter, text="Succes!")
    conversation = Conversation.objects.get()
    assert account_services.revoke_access(anna, anna_client.pk)

    for url in (_client_url(anna),):
        assert pieter_browser.get(url).status_code == 404
        assert pieter_browser.post(url, {"message-text": "hallo?"}).status_code == 404
    assert _client_url(anna) not in _page(pieter_browser, "/praktijk/berichten/")
    api = pieter_browser.get(f"/api/v1/messages/conversations/{conversation.pk}")
    assert api.status_code == 404

    # Anna keeps her copy, read-only
    page = _page(anna_browser, f"/berichten/{conversation.pk}/")
    assert "Voor ik stop" in page and "Succes!" in page and "Dit gesprek is gesloten" in page
    assert '<form method="post"' not in page.split("</header>")[1].split("<footer")[0]
    assert "gesloten, alleen lezen" in _page(anna_browser, "/berichten/")
    response = anna_browser.post(f"/berichten/{conversation.pk}/", {"message-text": "toch nog"})
    assert response.status_code == 403
    assert Message.objects.count() == 2
    # and cannot start a new one with him
    assert anna_browser.get(f"/berichten/nieuw/{pieter.pk}/").status_code == 404


def test_access_log_rows_for_the_practitioner_only(
    anna, anna_client, pieter, anna_browser, pieter_browser
):
    services.send(anna, client=anna, practitioner=pieter, text="Hallo")
    conversation = Conversation.objects.get()
    before = AccessLog.objects.about(anna.pk).count()
    _page(anna_browser, f"/berichten/{conversation.pk}/")
    _page(anna_browser, "/berichten/")
    assert AccessLog.objects.about(anna.pk).count() == before
    assert pieter_browser.get(_client_url(anna) + "?eerder=x").status_code == 404  # not logged
    _page(pieter_browser, _client_url(anna))
    _page(pieter_browser, "/praktijk/berichten/")
    rows = list(AccessLog.objects.about(anna.pk).order_by("at", "pk"))[before:]
    assert [(r.actor_id, r.kind, r.action, r.object_ref) for r in rows] == [
        (pieter.pk, "messages", "view", f"conversation:{conversation.pk}"),
        (pieter.pk, "messages", "list", ""),
    ]


def test_other_people_get_404_and_other_roles_403(
    anna, anna_client, pieter, bram_browser, rita_browser, lotte_browser, content
):
    services.send(anna, client=anna, practitioner=pieter, text="Alleen voor Pieter")
    conversation = Conversation.objects.get()
    # a revoked grant of a colleague, another practice, and another client
    for browser in (lotte_browser, rita_browser):
        assert browser.get(_client_url(anna)).status_code == 404
        assert browser.post(_client_url(anna), {"message-text": "x"}).status_code == 404
        assert "Alleen voor Pieter" not in _page(browser, "/praktijk/berichten/")
        assert browser.get(f"/berichten/{conversation.pk}/").status_code == 403
        assert browser.get(f"/api/v1/messages/conversations/{conversation.pk}").status_code == 404
    for url in (f"/berichten/{conversation.pk}/", f"/berichten/nieuw/{pieter.pk}/"):
        assert bram_browser.get(url).status_code == 404
        assert bram_browser.post(url, {"message-text": "x"}).status_code == 404
    assert bram_browser.get(f"/api/v1/messages/conversations/{conversation.pk}").status_code == 404
    assert bram_browser.get(_client_url(anna)).status_code == 403
    carla = make_client_user("carla@example.org")
    assert "Pieter" not in _page(signed_in_browser(carla), "/berichten/")
    assert Message.objects.count() == 1


def test_an_assistant_sees_no_messages(anna, anna_client, pieter, content):
    services.send(anna, client=anna, practitioner=pieter, text="Privé")
    aafke = make_practitioner("aafke@example.org", member_role=Membership.Role.ASSISTANT)
    aafke.role = aafke.Role.ASSISTANT
    aafke.save(update_fields=["role"])
    browser = signed_in_browser(aafke)
    assert browser.get("/praktijk/berichten/").status_code == 403
    assert browser.get(_client_url(anna)).status_code == 403
    assert browser.get("/api/v1/messages/conversations").status_code == 403


def test_pages_are_private_and_not_stored(anna, anna_client, pieter, anna_browser, pieter_browser):
    services.send(anna, client=anna, practitioner=pieter, text="Hallo")
    conversation = Conversation.objects.get()
    for browser, url in (
        (anna_browser, "/berichten/"),
        (anna_browser, f"/berichten/{conversation.pk}/"),
        (pieter_browser, "/praktijk/berichten/"),
        (pieter_browser, _client_url(anna)),
    ):
        cache = browser.get(url)["Cache-Control"]
        assert "no-store" in cache and "private" in cache


def test_older_messages_a_page_further(anna, anna_client, pieter, anna_browser, monkeypatch):
    monkeypatch.setattr(services, "PAGE_SIZE", 3)
    for n in range(5):
        services.send(anna, client=anna, practitioner=pieter, text=f"bericht nummer {n}")
    conversation = Conversation.objects.get()
    page = _page(anna_browser, f"/berichten/{conversation.pk}/")
    assert "bericht nummer 1" not in page and "bericht nummer 4" in page
    older = re.search(r'href="\?eerder=(\d+)"', page).group(1)
    page = _page(anna_browser, f"/berichten/{conversation.pk}/?eerder={older}")
    assert "bericht nummer 0" in page and "bericht nummer 1" in page
    assert "bericht nummer 2" not in page
    for bad in ("abc", "-1", "9" * 30):
        assert anna_browser.get(f"/berichten/{conversation.pk}/?eerder={bad}").status_code == 404
    assert anna_browser.get("/berichten/?pagina=9").status_code == 404


def test_lists_a_page_at_a_time(
    anna, anna_client, pieter, anna_browser, pieter_browser, monkeypatch
):
    from lijfwijs.outreach.messaging import views

    monkeypatch.setattr(views, "PER_PAGE", 1)
    other = make_practitioner("lotte@example.org", display_name="Lotte")
    account_services.grant_access(anna, other)
    services.send(anna, client=anna, practitioner=pieter, text="eerst")
    services.send(anna, client=anna, practitioner=other, text="later")
    first = _page(anna_browser, "/berichten/")
    assert "Lotte" in first and 'href="?pagina=2"' in first
    assert "/berichten/nieuw/" not in first
    second = _page(anna_browser, "/berichten/?pagina=2")
    assert f"/berichten/{Conversation.objects.get(practitioner=pieter).pk}/" in second
    assert 'href="?pagina=1"' in second
    for bad in ("0", "x", "3"):
        assert anna_browser.get(f"/berichten/?pagina={bad}").status_code == 404
    assert pieter_browser.get("/praktijk/berichten/?pagina=2").status_code == 404


def test_constant_queries_with_many_messages(
    anna, anna_client, pieter, anna_browser, pieter_browser, django_assert_max_num_queries
):
    conversation, _ = services.open_conversation(anna, pieter)
    Message.objects.bulk_create(
        Message(conversation=conversation, from_client=n % 2 == 0, body=f"tekst {n}")
        for n in range(120)
    )
    for n in range(5):  # more conversations in the lists
        other = make_practitioner(f"p{n}@example.org")
        account_services.grant_access(anna, other)
        services.send(anna, client=anna, practitioner=other, text="hoi")
        client = make_client_user(f"c{n}@example.org")
        account_services.grant_access(client, pieter)
        services.send(client, client=client, practitioner=pieter, text="hoi")
    assert PractitionerAccess.objects.active().count() == 11
    for browser, url in (
        (anna_browser, "/berichten/"),
        (anna_browser, f"/berichten/{conversation.pk}/"),
        (pieter_browser, "/praktijk/berichten/"),
        (pieter_browser, _client_url(anna)),
    ):
        browser.get(url)  # the session's first look
        with django_assert_max_num_queries(9):  # session, user, 2FA, the menu's unread count, page
            assert browser.get(url).status_code == 200
