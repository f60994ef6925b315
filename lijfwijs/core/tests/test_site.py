import re
from io import StringIO

import pytest
from django.contrib.messages import INFO
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.management import call_command
from django.db import connection
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext

from lijfwijs.accounts.models import User
from lijfwijs.accounts.services import invite
from lijfwijs.accounts.tests.helpers import (
    IMMEDIATE_TASKS,
    log_in,
    make_client_user,
    make_practitioner,
    pijntest_result,
    signed_in_browser,
    take_pijntest,
)


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


@pytest.mark.django_db
def test_no_pending_migrations():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)


@pytest.mark.django_db
@pytest.mark.parametrize("path,lang", [("/", "nl"), ("/en/", "en")])
def test_home_language_and_layout(client, path, lang):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    assert 'href="#main"' in html
    assert "<main" in html and "<nav" in html and "<footer" in html


@pytest.mark.django_db
def test_footer_says_not_a_replacement_for_gp(client):
    assert "vervangt je huisarts of een medisch onderzoek niet" in client.get("/").content.decode()


@pytest.mark.django_db
def test_nothing_in_a_page_is_loaded_from_elsewhere(client):
    """Scripts, styles, images and fonts come from the site; a link a person may follow (the
    crisis line's chat at 113.nl) loads nothing."""
    html = client.get("/").content.decode()
    loads = re.findall(
        r'(?:src|srcset|poster)="([^"]*)"|<link[^>]*href="([^"]*)"|url\(([^)]*)\)', html
    )
    for found in (value for group in loads for value in group if value):
        assert not re.match(r"^(https?:)?//", found.strip("'\"")), found
    assert "googleapis" not in html and "//cdn" not in html


@pytest.mark.django_db
def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    assert "bestaat niet" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path,switch",
    [
        ("/", 'href="/en/"'),
        ("/en/", 'href="/"'),
        ("/pijntest/", 'href="/en/pijntest/"'),
        ("/en/pijntest/", 'href="/pijntest/"'),
    ],
)
def test_language_switch_links_to_the_same_page(client, path, switch):
    assert switch in client.get(path).content.decode()


def start_page(browser) -> str:
    response = browser.get("/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
class TestTheStartPageShowsEachChangeAtOnce:
    """Nothing on the start page is kept as HTML: after each change, the very next start page
    shows it (its computed data is cached under the person's data version, core.datacache)."""

    def test_giving_consent_starts_the_program(self):
        anna = make_client_user("anna-start@example.org", consent=False)
        browser = signed_in_browser(anna)
        assert "Bekijk het programma" in start_page(browser)
        assert browser.post("/account/toestemming/", {"action": "give"}).status_code == 302
        html = start_page(browser)
        assert "Naar stap" in html and "Bekijk het programma" not in html

    def test_a_new_pijntest_and_withdrawing_consent(self):
        anna = make_client_user("anna-start@example.org")
        browser = signed_in_browser(anna)
        assert "nog geen Pijntest gedaan" in start_page(browser)
        take_pijntest(browser, peg=6)
        assert "PEG-score van 6" in start_page(browser)
        assert browser.post("/account/toestemming/", {"action": "withdraw"}).status_code == 302
        html = start_page(browser)
        assert "nog geen Pijntest gedaan" in html and "PEG-score" not in html

    def test_a_result_claimed_at_sign_in(self):
        anna = make_client_user("anna-start@example.org")
        elsewhere = signed_in_browser(anna)
        assert "nog geen Pijntest gedaan" in start_page(elsewhere)  # computed and cached
        browser = Client()
        take_pijntest(browser, peg=6)
        log_in(browser, anna.email)
        assert "PEG-score van 6" in start_page(browser)
        assert "PEG-score van 6" in start_page(elsewhere)

    def test_an_invitation_and_its_answer(self):
        anna = make_client_user("anna-start@example.org")
        pieter = make_practitioner("pieter-start@example.org")
        browser = signed_in_browser(anna)
        assert "uitnodiging van een behandelaar" not in start_page(browser)
        with override_settings(TASKS=IMMEDIATE_TASKS):
            invitation = invite(pieter, anna.email)
        assert "Er wacht een uitnodiging van een behandelaar." in start_page(browser)
        answer = browser.post(f"/account/uitnodigingen/{invitation.pk}/", {"answer": "accept"})
        assert answer.status_code == 302
        assert "uitnodiging van een behandelaar" not in start_page(browser)


@pytest.mark.django_db
def test_start_page_queries_do_not_grow_with_the_results():
    """The same number of queries for one result as for twenty (computed data cache cold)."""
    counts = []
    for n, results in enumerate((1, 20)):
        person = make_client_user(f"count-{n}@example.org")
        for _ in range(results):
            pijntest_result(person)
        browser = signed_in_browser(person)
        start_page(browser)  # the session's first view stores its last-seen time
        User.objects.data_changed(person)  # and the computed data is computed again
        with CaptureQueriesContext(connection) as queries:
            start_page(browser)
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.django_db
class TestSharedPagesForVisitors:
    """The home page is the same for every visitor: shared, with an ETag; never for a person."""

    def test_a_visitor_gets_a_public_page_and_a_304_when_nothing_changed(self, client):
        first = client.get("/")
        assert first.status_code == 200
        assert "public" in first["Cache-Control"] and "max-age=300" in first["Cache-Control"]
        again = client.get("/", HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304 and again.content == b""
        assert "public" in again["Cache-Control"]
        # A shared cache never hands the visitors' copy to a request with a session cookie.
        assert "Cookie" in first["Vary"] and "Cookie" in again["Vary"]

    def test_each_language_has_its_own_etag(self, client):
        assert client.get("/")["ETag"] != client.get("/en/")["ETag"]

    def test_a_signed_in_person_is_never_shared_or_told_304(self, client):
        etag = client.get("/")["ETag"]
        anna = make_client_user("anna-shared@example.org")
        browser = signed_in_browser(anna)
        response = browser.get("/", HTTP_IF_NONE_MATCH=etag)
        assert response.status_code == 200 and not response.has_header("ETag")
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
        assert "public" not in response["Cache-Control"]

    def test_a_visitor_with_a_message_waiting_gets_their_own_page(self, client):
        etag = client.get("/")["ETag"]
        storage = CookieStorage(RequestFactory().get("/"))
        client.cookies[storage.cookie_name] = storage._encode([Message(INFO, "Tot ziens!")])
        response = client.get("/", HTTP_IF_NONE_MATCH=etag)
        assert response.status_code == 200 and "Tot ziens!" in response.content.decode()
        assert "public" not in response.get("Cache-Control", "")


def test_hooks_are_found_by_name_in_the_order_of_the_apps():
    from django.apps import apps

    from lijfwijs.core import hooks

    named = hooks.named("home_panel")
    labels = [config.label for config, _function in named]
    order = [config.label for config in apps.get_app_configs()]
    assert labels == sorted(labels, key=order.index) and "assessments" in labels
    assert [function for _config, function in named] == hooks.functions("home_panel")
    assert all(callable(function) for function in hooks.functions("home_panel"))
    assert hooks.functions("no_app_has_this_hook") == []
