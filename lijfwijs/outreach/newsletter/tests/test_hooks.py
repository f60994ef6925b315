# ruff: noqa: F811 (fixtures)
"""What the newsletter gives other apps: the campaigns' audiences and recipients (one practice's
only), the sign-up panels on the report and under articles and in the footer of shared pages
(nothing per person in them), the signed-in person's page, and their data: in the export, gone
with the account, untouched by withdrawing consent for health data."""

import pytest
from django.test import Client

from lijfwijs.accounts import services as accounts
from lijfwijs.accounts.exporting import export_user
from lijfwijs.accounts.tests.helpers import make_client_user, take_pijntest
from lijfwijs.learn.models import Article
from lijfwijs.outreach.audience import audiences, recipients
from lijfwijs.outreach.newsletter import services
from lijfwijs.outreach.newsletter.models import Subscriber

from .conftest import links_in, path_of, subscribe

pytestmark = pytest.mark.django_db


def test_each_list_is_an_audience_of_its_practice_only(practice, lists, other_practice, settings):
    settings.SITE_URL = "https://lijfwijs.example"
    elsewhere = services.default_lists(other_practice)
    a = subscribe(practice, "a@example.org", lists=[lists["general"], lists["clients"]])
    subscribe(practice, "b@example.org", lists=[lists["general"]], language="en")
    services.sign_up(practice, "pending@example.org")
    services.mark_undeliverable([subscribe(practice, "c@example.org").email], reason="bounced")
    subscribe(other_practice, "d@example.org", lists=[elsewhere["general"]])

    found = {a.key: a for a in audiences(practice)}
    assert found[f"list:{lists['general'].pk}"].count == 2
    assert found[f"list:{lists['clients'].pk}"].count == 1
    assert f"list:{elsewhere['general'].pk}" not in found

    got = recipients(practice, f"list:{lists['general'].pk}")
    assert [r.email for r in got] == ["a@example.org", "b@example.org"]
    assert got[0].key == f"subscriber:{a.pk}" and got[0].language == "nl"
    assert got[0].unsubscribe_url == (
        f"https://lijfwijs.example/nieuwsbrief/afmelden/{a.unsubscribe_token}/"
    )
    assert got[1].unsubscribe_url.startswith("https://lijfwijs.example/en/nieuwsbrief/afmelden/")
    assert recipients(practice, f"list:{elsewhere['general'].pk}") == []  # not this practice's
    assert recipients(practice, "event:3") is None  # not the newsletter's key
    assert recipients(practice, "list:abc") is None


def test_the_footer_of_a_shared_page_holds_nothing_per_person(practice, lists):
    article = Article.objects.published().first()
    page = Client().get(f"/kennisbank/{article.slug}/")
    assert page.status_code == 200 and "public" in page["Cache-Control"]
    body = page.content.decode()
    assert "csrfmiddlewaretoken" not in body
    assert 'id="footer-newsletter-email"' in body  # the footer's form
    assert 'id="article-newsletter-email"' in body  # the article's panel
    assert body.count('action="/nieuwsbrief/"') == 2
    assert '<a href="/nieuwsbrief/">Kies zelf waarover je e-mail krijgt</a>' in body


def test_the_report_offers_the_sign_up(practice, lists):
    browser = Client()
    page = browser.get(f"/pijntest/uitslag/{take_pijntest(browser)}/")
    assert page.status_code == 200
    assert 'id="report-newsletter-email"' in page.content.decode()
    # the way to choose lists, from the layout's addresses
    assert (
        '<a href="/nieuwsbrief/">Kies zelf waarover je e-mail krijgt</a>' in page.content.decode()
    )


def test_a_signed_in_client_subscribes_from_their_account(practice, lists, mail):
    client = make_client_user("lid@example.org", email_verified_at=lists["general"].created_at)
    browser = Client()
    browser.force_login(client, backend="lijfwijs.accounts.backends.UserBackend")
    page = browser.get("/account/nieuwsbrief/")
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert browser.post("/account/nieuwsbrief/", {}).status_code == 422
    chosen = [lists["clients"].pk, lists["general"].pk]
    assert browser.post("/account/nieuwsbrief/", {"lists": chosen}).status_code == 302
    subscriber = Subscriber.objects.get(email="lid@example.org")
    assert subscriber.status == "subscribed" and subscriber.consent_source == "account"
    assert {nl.pk for nl in subscriber.lists.all()} == set(chosen)
    assert mail == []  # a verified address needs no second step
    assert subscriber.preferences_token in browser.get("/account/nieuwsbrief/").content.decode()


def test_an_unverified_account_address_confirms_by_email(practice, lists, mail):
    client = make_client_user("nieuw@example.org")
    browser = Client()
    browser.force_login(client, backend="lijfwijs.accounts.backends.UserBackend")
    browser.post("/account/nieuwsbrief/", {"lists": [lists["general"].pk]})
    assert Subscriber.objects.get(email="nieuw@example.org").status == "pending"
    [message] = mail
    Client().post(path_of(links_in(message, "/bevestig/")[0]))
    assert Subscriber.objects.get(email="nieuw@example.org").status == "subscribed"


def test_the_persons_subscriptions_are_in_their_export_and_go_with_the_account(
    practice, lists, other_practice
):
    client = make_client_user("Eigen@example.org")
    subscribe(practice, "eigen@example.org", lists=[lists["general"]])
    subscribe(other_practice, "EIGEN@example.org")
    subscribe(practice, "iemand-anders@example.org")
    exported = export_user(client)["newsletter"]["subscriptions"]
    assert sorted(s["practice"] for s in exported) == ["Fysio De Brug", "Praktijk Elders"]
    assert exported[0]["consent_text"] and exported[0]["lists"] in (["Nieuwsbrief"], [])

    accounts.withdraw_health_consent(client)  # no health data here: nothing changes
    assert Subscriber.objects.filter(email="eigen@example.org").count() == 2

    accounts.delete_account(client)
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["iemand-anders@example.org"]


def test_the_demo_makes_the_lists_and_ten_confirmed_subscribers_once(practice, pieter, mail):
    from lijfwijs.outreach.newsletter import demo

    clients = [make_client_user(f"demo{n}@example.org") for n in range(3)]
    demo.load(practice, pieter, clients)
    demo.load(practice, pieter, clients)
    subscribers = Subscriber.objects.filter(practice=practice)
    assert subscribers.count() == 10
    assert set(subscribers.values_list("status", flat=True)) == {"subscribed"}
    clients_list = services.default_lists(practice)["clients"]
    assert {s.email for s in subscribers.filter(lists=clients_list)} == {c.email for c in clients}
    assert mail == []


def test_forgetting_an_address_asks_every_app_to_forget_it(practice, monkeypatch):
    forgotten: list[str] = []
    real = services.hooks.functions

    def functions(hook: str):
        if hook == "forget_email_address":
            return [forgotten.append]
        return real(hook)

    monkeypatch.setattr(services.hooks, "functions", functions)
    subscribe(practice, "vergeet@example.org")
    assert services.forget_address("Vergeet@example.org") == 1
    assert forgotten == ["Vergeet@example.org"]
    assert not Subscriber.objects.exists()
