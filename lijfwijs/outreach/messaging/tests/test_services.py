"""Messaging's services and hooks: the email notice (no content, one until read, both ways),
encryption at rest, the export, erasure with health-data consent and with the account, and the
races (two first messages, two messages at once) with parallel database clients."""

import pytest
from django.db import connection, transaction

from lijfwijs.accounts import services as account_services
from lijfwijs.accounts.exporting import export_user
from lijfwijs.accounts.tests.helpers import signed_in_browser
from lijfwijs.core.tests.parallel import in_threads
from lijfwijs.outreach.messaging import services
from lijfwijs.outreach.messaging.access import of_client, unread_count
from lijfwijs.outreach.messaging.models import Conversation, Message

pytestmark = pytest.mark.django_db

SECRET = "Mijn rug doet vooral 's nachts pijn"


def test_one_notice_without_content_until_read(
    anna, anna_client, pieter, outbox, django_capture_on_commit_callbacks
):
    def send(sender, text):
        with django_capture_on_commit_callbacks(execute=True):
            services.send(sender, client=anna, practitioner=pieter, text=text)

    send(anna, SECRET)
    send(anna, "En nog iets")
    assert len(outbox) == 1
    mail = outbox[0]
    assert mail.to == ["pieter@example.org"]
    assert mail.subject == "Een nieuw bericht van een cliënt"
    html = mail.alternatives[0][0]
    for part in (mail.subject, mail.body, html):
        assert "nachts" not in part and "nog iets" not in part and "Anna" not in part
    assert f"/praktijk/clienten/{anna.pk}/berichten/" in mail.body

    conversation = Conversation.objects.get()
    shown, _ = services.page_of(conversation)
    services.mark_read(conversation, reader_is_client=False, up_to=shown[-1].pk)
    send(anna, "Na het lezen")
    assert len(outbox) == 2

    # the other way, in the client's language
    anna.language = "en"
    anna.save(update_fields=["language"])
    send(pieter, SECRET)
    send(pieter, "nog een")
    assert len(outbox) == 3
    assert outbox[2].to == ["anna@example.org"]
    assert f"/en/berichten/{conversation.pk}/" in outbox[2].body
    assert "nachts" not in outbox[2].body


def test_no_email_when_the_send_rolls_back(
    anna, anna_client, pieter, outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            services.send(anna, client=anna, practitioner=pieter, text="x")
            raise RuntimeError("the caller's transaction fails after the send")
    assert callbacks == [] and outbox == [] and Message.objects.count() == 0


def test_encrypted_at_rest(anna, anna_client, pieter):
    message = services.send(anna, client=anna, practitioner=pieter, text=SECRET)
    table = connection.ops.quote_name(Message._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT body FROM {table} WHERE id = %s", [message.pk])  # noqa: S608
        (raw,) = cursor.fetchone()
    assert raw and SECRET not in raw and "nachts" not in raw
    assert Message.objects.get().body == SECRET


def test_the_clients_export_holds_their_conversations(anna, anna_client, pieter):
    services.send(anna, client=anna, practitioner=pieter, text="Vraag")
    services.send(pieter, client=anna, practitioner=pieter, text="Antwoord")
    account_services.revoke_access(anna, anna_client.pk)  # closed ones are hers too
    data = export_user(anna)["messaging"]["messages"]
    assert len(data) == 1 and data[0]["practitioner"] == "Pieter"
    assert [(m["from"], m["text"]) for m in data[0]["messages"]] == [
        ("client", "Vraag"),
        ("practitioner", "Antwoord"),
    ]
    assert data[0]["messages"][0]["read_at"] is None
    # the practitioner's export holds no client's messages
    assert export_user(pieter)["messaging"] == {"messages": []}


def test_withdrawing_health_consent_erases_the_messages(anna, anna_client, pieter, bram):
    services.send(anna, client=anna, practitioner=pieter, text=SECRET)
    account_services.grant_access(bram, pieter)
    services.send(bram, client=bram, practitioner=pieter, text="Van Bram")
    assert account_services.withdraw_health_consent(anna)
    assert not Conversation.objects.filter(client=anna).exists()
    assert Message.objects.get().body == "Van Bram"


def test_deleting_accounts(anna, anna_client, pieter, bram):
    services.send(anna, client=anna, practitioner=pieter, text="Vraag")
    account_services.grant_access(bram, pieter)
    services.send(bram, client=bram, practitioner=pieter, text="Van Bram")
    account_services.delete_account(anna)
    assert not Conversation.objects.filter(client_id=anna.pk).exists()
    # the practitioner's account goes: the client keeps her copy, with his name
    account_services.delete_account(pieter)
    kept = Conversation.objects.get(client=bram)
    assert kept.practitioner is None and kept.practitioner_name == "Pieter"
    assert kept.messages.get().body == "Van Bram"
    assert not services.is_open(bram, None)
    with pytest.raises(services.Closed):
        services.send(bram, client=bram, practitioner=None, text="Hallo?")
    browser = signed_in_browser(bram)
    page = browser.get(f"/berichten/{kept.pk}/")
    assert page.status_code == 200
    assert "Berichten met Pieter" in page.content.decode() and "Van Bram" in page.content.decode()
    assert browser.post(f"/berichten/{kept.pk}/", {"message-text": "Hallo?"}).status_code == 403
    api = browser.get(f"/api/v1/messages/conversations/{kept.pk}").json()
    assert api["open"] is False and api["with_id"] is None and api["with_name"] == "Pieter"


def test_unread_count_for_the_menu(anna, anna_client, pieter, bram, django_assert_num_queries):
    services.send(pieter, client=anna, practitioner=pieter, text="1")
    services.send(pieter, client=anna, practitioner=pieter, text="2")
    services.send(anna, client=anna, practitioner=pieter, text="3")
    with django_assert_num_queries(1):
        assert unread_count(anna) == 2
    with django_assert_num_queries(1):
        assert unread_count(pieter) == 1
    assert unread_count(bram) == 0
    account_services.revoke_access(anna, anna_client.pk)
    assert unread_count(pieter) == 0 and unread_count(anna) == 2


def test_the_practitioners_count_follows_the_rule_of_clients_of(anna, pieter, bram):
    """The count's own statement repeats `clients_of`: a client who grants access counts, one
    who revoked, was deactivated or is no client (any more) does not."""
    from lijfwijs.accounts.access import clients_of

    for client in (anna, bram):
        account_services.grant_access(client, pieter)
        services.send(client, client=client, practitioner=pieter, text="Vraag")

    def expected() -> int:
        return Message.objects.filter(
            conversation__practitioner=pieter,
            conversation__client__in=clients_of(pieter).values("pk"),
            from_client=True,
            read_at__isnull=True,
        ).count()

    assert unread_count(pieter) == expected() == 2
    type(bram).objects.filter(pk=bram.pk).update(is_active=False)
    assert unread_count(pieter) == expected() == 1
    type(anna).objects.filter(pk=anna.pk).update(role="staff")
    assert unread_count(pieter) == expected() == 0


def test_only_the_pair_writes(anna, anna_client, pieter, bram):
    with pytest.raises(PermissionError):
        services.send(bram, client=anna, practitioner=pieter, text="x")


def test_a_deactivated_practitioner_closes_the_conversation(anna, anna_client, pieter):
    services.send(anna, client=anna, practitioner=pieter, text="Hallo")
    pieter.is_active = False
    pieter.save(update_fields=["is_active"])
    with pytest.raises(services.Closed):
        services.send(anna, client=anna, practitioner=pieter, text="nog een")
    assert of_client(anna).get().is_open is False


@pytest.mark.django_db(transaction=True)
def test_two_first_messages_at_once_make_one_conversation_and_one_notice(outbox):
    from lijfwijs.accounts.tests.helpers import make_client_user, make_practitioner

    anna = make_client_user("anna@example.org", display_name="Anna")
    pieter = make_practitioner("pieter@example.org", display_name="Pieter")
    account_services.grant_access(anna, pieter)

    def first() -> int:
        return services.send(anna, client=anna, practitioner=pieter, text="tegelijk").pk

    for _ in range(3):  # a few rounds: the race needs both to find no conversation
        in_threads(first, count=2)
    assert Conversation.objects.count() == 1
    assert Message.objects.count() == 6
    assert len(outbox) == 1


def test_the_menus_count_is_lazy(anna, anna_client, pieter, rf, django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser
    from django.template import Context, Template

    from lijfwijs.outreach.messaging.context_processors import unread

    services.send(pieter, client=anna, practitioner=pieter, text="1")
    request = rf.get("/")
    request.user = anna
    with django_assert_num_queries(0):
        context = unread(request)
    template = Template("{% if UNREAD_MESSAGES %}Berichten ({{ UNREAD_MESSAGES }}){% endif %}")
    with django_assert_num_queries(1):
        assert template.render(Context(context)) == "Berichten (1)"
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert template.render(Context(unread(request))) == ""
