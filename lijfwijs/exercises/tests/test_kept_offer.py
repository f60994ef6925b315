"""The offer to save practices a visitor did before having an account (kept on the device by
kept.js): on the log and on the players once signed in, after registering and verifying; a visitor's
player says instead that the practice stays on this device."""

import pytest
from django.test import Client

from lijfwijs.exercises.tests.log_factories import browser, person

pytestmark = pytest.mark.django_db

OFFER = "data-kept-offer="


def test_the_log_offers_to_save_them(anna):
    html = browser(anna).get("/oefeningen/logboek/").content.decode()
    assert 'data-kept-offer="save"' in html and "exercises/kept.js" in html
    assert "voordat je een account had. Bewaren?" in html
    assert "csrfmiddlewaretoken" in html[html.index(OFFER) :]


def test_without_consent_the_offer_asks_for_it_first(content):
    bert = person("bert-kept@example.org", consent=False)
    html = browser(bert).get("/oefeningen/schudden/oefenen/").content.decode()
    offer = html[html.index(OFFER) :]
    assert 'data-kept-offer="consent"' in html and "data-kept-save" not in offer
    assert 'href="/account/toestemming/"' in offer


def test_a_visitor_gets_the_device_note_not_the_offer(content):
    html = Client().get("/oefeningen/schudden/oefenen/").content.decode()
    assert OFFER not in html
    assert "data-kept-note" in html and "alleen op dit apparaat" in html
    assert "exercises/kept.js" in html


def test_registering_and_verifying_point_to_signing_in_to_save_them(content, rf):
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string

    request = rf.get("/account/registreren/")
    request.user = AnonymousUser()
    registered = render_to_string(
        "accounts/registered.html", {"email": "nieuw@example.org"}, request=request
    )
    verified = Client().get("/account/bevestigen/not-a-token/").content.decode()
    for html in (registered, verified):
        assert 'data-kept-offer="later"' in html and "exercises/kept.js" in html
        assert 'href="/account/inloggen/?next=/oefeningen/logboek/"' in html


def test_the_start_page_after_signing_in_has_the_offer(anna):
    page = browser(anna)
    html = page.get("/").content.decode()
    assert 'data-kept-offer="save"' in html and "exercises/kept.js" in html
    offer = html[html.index(OFFER) :]
    assert offer.index("hidden") < offer.index(">")  # shown only when the device holds some
    assert "Je hebt %(count)s oefeningen gedaan voordat je een account had. Bewaren?" in offer
