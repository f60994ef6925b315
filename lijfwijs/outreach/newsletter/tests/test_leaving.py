# ruff: noqa: F811 (fixtures)
"""Preferences and unsubscribing by the tokens in every email, without signing in: the visible
link's page with one button, the RFC 8058 one-click POST without cookies, the campaign it came
through counted once, and bounces and complaints (anymail's signal, the command)."""

from datetime import timedelta

import pytest
from anymail.signals import AnymailTrackingEvent, tracking
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lijfwijs.outreach.audience import recipients, unsubscribes
from lijfwijs.outreach.newsletter import services
from lijfwijs.outreach.newsletter.models import Subscriber

from .conftest import links_in, path_of, subscribe, visitor

pytestmark = pytest.mark.django_db


@pytest.fixture
def fenna(practice, lists):
    return subscribe(practice, "fenna@example.org", name="Fenna", lists=[lists["general"]])


def unsubscribe_path(subscriber, campaign: int | None = None) -> str:
    path = f"/nieuwsbrief/afmelden/{subscriber.unsubscribe_token}/"
    return path + (f"?campaign={campaign}" if campaign is not None else "")


def test_one_click_unsubscribe_by_rfc_8058_post_without_cookies(fenna):
    mail_client = Client(enforce_csrf_checks=True)  # no cookie, no token: a mail client
    url = unsubscribe_path(fenna, campaign=7)
    response = mail_client.post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    fenna.refresh_from_db()
    assert fenna.status == "unsubscribed" and fenna.unsubscribed_campaign == 7
    assert unsubscribes([7, 8]) == {7: 1, 8: 0}
    # a second click (or the visible link's button after the header's POST) changes nothing
    assert mail_client.post(unsubscribe_path(fenna, campaign=8)).status_code == 200
    assert unsubscribes([7, 8]) == {7: 1, 8: 0}


def test_the_visible_link_asks_once_and_a_get_changes_nothing(fenna):
    browser = visitor()
    page = browser.get(unsubscribe_path(fenna, campaign=3))
    assert page.status_code == 200 and b"fenna@example.org" in page.content
    fenna.refresh_from_db()
    assert fenna.status == "subscribed"  # a mail scanner's GET unsubscribes nobody
    assert f'action="{unsubscribe_path(fenna, campaign=3)}"'.encode() in page.content
    done = browser.post(unsubscribe_path(fenna, campaign=3))
    assert done.status_code == 200 and b"Je bent afgemeld" in done.content
    fenna.refresh_from_db()
    assert fenna.status == "unsubscribed" and fenna.unsubscribed_campaign == 3


def test_a_wrong_token_is_a_404(fenna):
    for page in ("afmelden", "voorkeuren", "bevestig"):
        for bad in ("kort", "x" * 43, "y" * 65, "%20" * 30, fenna.confirm_digest or "z" * 64):
            for method in ("get", "post"):
                response = getattr(Client(), method)(f"/nieuwsbrief/{page}/{bad}/")
                assert response.status_code == 404, (page, bad, method)
    fenna.refresh_from_db()
    assert fenna.status == "subscribed"


def test_preferences_by_token_choose_lists_language_and_name(fenna, lists, other_practice):
    elsewhere = services.default_lists(other_practice)["general"]
    url = f"/nieuwsbrief/voorkeuren/{fenna.preferences_token}/"
    page = Client().get(url)
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert f'value="{lists["pijntest"].pk}"'.encode() in page.content
    assert f'value="{elsewhere.pk}"'.encode() not in page.content
    response = Client().post(
        url,
        {
            "name": "Fen",
            "language": "en",
            "lists": [lists["pijntest"].pk, lists["masterclass"].pk, elsewhere.pk],
        },
    )
    # another practice's list is no choice here: refused next to the field, nothing saved
    assert response.status_code == 422
    assert {nl.pk for nl in fenna.lists.all()} == {lists["general"].pk}
    response = Client().post(
        url, {"name": "Fen", "language": "en", "lists": [lists["pijntest"].pk]}
    )
    assert response.status_code == 302
    fenna.refresh_from_db()
    assert (fenna.name, fenna.language) == ("Fen", "en")
    assert [nl.pk for nl in fenna.lists.all()] == [lists["pijntest"].pk]
    assert recipients(fenna.practice, f"list:{lists['general'].pk}") == []
    [recipient] = recipients(fenna.practice, f"list:{lists['pijntest'].pk}")
    assert recipient.language == "en" and "/en/nieuwsbrief/afmelden/" in recipient.unsubscribe_url
    bad = Client().post(url, {"name": "x" * 500, "language": "fr"})
    assert bad.status_code == 422 and "x" * 500 in bad.content.decode()


def test_subscribing_again_from_the_preferences_page_needs_the_link(fenna, lists, mail):
    services.unsubscribe(fenna)
    url = f"/nieuwsbrief/voorkeuren/{fenna.preferences_token}/"
    assert Client().post(url, {"again": "1"}).status_code == 302
    fenna.refresh_from_db()
    assert fenna.status == "pending"
    [message] = mail
    Client().post(path_of(links_in(message, "/bevestig/")[0]))
    fenna.refresh_from_db()
    assert fenna.status == "subscribed"
    assert [nl.pk for nl in fenna.lists.all()] == [lists["general"].pk]


@given(data=st.dictionaries(st.sampled_from(["name", "language", "lists", "again"]), st.text()))
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=25)
def test_fuzzed_preferences_never_fail(fenna, data):
    data = {k: v.replace("\x00", "") for k, v in data.items()}
    url = f"/nieuwsbrief/voorkeuren/{fenna.preferences_token}/"
    assert Client().post(url, data).status_code in (302, 422)


@pytest.mark.parametrize("event_type", ["bounced", "complained", "rejected"])
def test_a_bounce_or_complaint_from_the_provider_makes_the_address_undeliverable(
    fenna, other_practice, event_type
):
    elsewhere = subscribe(other_practice, "fenna@example.org")
    event = AnymailTrackingEvent(event_type=event_type, recipient="Fenna@Example.org")
    tracking.send(sender=object, event=event, esp_name="Postmark")
    for subscriber in (fenna, elsewhere):
        subscriber.refresh_from_db()
        assert subscriber.status == "undeliverable"
        assert subscriber.undeliverable_reason == event_type
    assert recipients(fenna.practice, f"list:{fenna.lists.get().pk}") == []


def test_other_provider_events_change_nothing_but_an_unsubscribe(fenna):
    for event_type in ("delivered", "opened", "deferred", "queued"):
        tracking.send(
            sender=object,
            event=AnymailTrackingEvent(event_type=event_type, recipient=fenna.email),
            esp_name="Postmark",
        )
    tracking.send(sender=object, event=AnymailTrackingEvent(event_type="bounced"), esp_name="x")
    fenna.refresh_from_db()
    assert fenna.status == "subscribed"
    tracking.send(
        sender=object,
        event=AnymailTrackingEvent(event_type="unsubscribed", recipient=fenna.email),
        esp_name="Postmark",
    )
    fenna.refresh_from_db()
    assert fenna.status == "unsubscribed"


def test_the_command_marks_addresses_at_one_practice_or_all(fenna, other_practice, capsys):
    elsewhere = subscribe(other_practice, "fenna@example.org")
    call_command("mark_undeliverable", "FENNA@example.org", "--practice", str(other_practice.pk))
    fenna.refresh_from_db()
    elsewhere.refresh_from_db()
    assert (fenna.status, elsewhere.status) == ("subscribed", "undeliverable")
    call_command("mark_undeliverable", "fenna@example.org", "nobody@example.org")
    fenna.refresh_from_db()
    assert fenna.status == "undeliverable" and fenna.undeliverable_reason == "manual"
    assert "1 subscriber(s)" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("mark_undeliverable", "a@example.org", "--practice", "999999")


def test_an_undeliverable_address_is_never_mailed_again(fenna, mail):
    services.mark_undeliverable([fenna.email], reason="bounced")
    assert (
        visitor()
        .post("/nieuwsbrief/", {"newsletter_email": fenna.email, "newsletter_source": "footer"})
        .status_code
        == 302
    )
    assert mail == []
    assert Subscriber.objects.get(pk=fenna.pk).status == "undeliverable"


def test_sign_ups_whose_link_expired_unused_are_pruned(practice, lists, capsys):
    old, recent = timezone.now() - timedelta(days=8), timezone.now() - timedelta(days=6)
    services.sign_up(practice, "nooit@example.org", now=old)
    back = subscribe(practice, "terug@example.org", now=old)
    services.unsubscribe(back, now=old)
    services.sign_up(practice, "terug@example.org", now=old)  # a re-subscription, unconfirmed
    services.sign_up(practice, "recent@example.org", now=recent)
    call_command("prune_newsletter_signups")
    call_command("prune_newsletter_signups")  # idempotent
    states = dict(Subscriber.objects.values_list("email", "status"))
    assert states == {"terug@example.org": "unsubscribed", "recent@example.org": "pending"}
    out = capsys.readouterr().out
    assert "1 unconfirmed sign-up(s) deleted, 1 unsubscribed again" in out
