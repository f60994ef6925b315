"""Clients may choose two factors; then they are asked for the code at every login too."""

import time

import pytest
from django.test import Client

from lijfwijs.accounts.middleware import SEEN_AT
from lijfwijs.accounts.tests.helpers import (
    TWO_FACTOR_URL,
    code_for,
    confirmed_device,
    log_in,
    make_client_user,
    make_practitioner,
    signed_in_browser,
)

pytestmark = pytest.mark.django_db


def test_a_client_without_a_device_is_never_asked(content):
    browser = Client()
    make_client_user("zonder@example.org")
    log_in(browser, "zonder@example.org")
    assert browser.get("/account/").status_code == 200


def test_a_client_who_set_up_two_factors_is_asked_at_login(content):
    user = make_client_user("met@example.org")
    device = confirmed_device(user)
    browser = Client()
    log_in(browser, user.email)
    response = browser.get("/account/")
    assert response.status_code == 302 and response["Location"].startswith(TWO_FACTOR_URL)
    assert browser.post(TWO_FACTOR_URL, {"code": code_for(device)}).status_code == 302
    assert browser.get("/account/").status_code == 200


def test_the_settings_offer_two_factors_to_a_client(content):
    browser = signed_in_browser(make_client_user("aanbod@example.org"))
    assert "/account/tweestaps/" in browser.get("/account/").content.decode()


def test_only_clients_give_access(content):
    practitioner = make_practitioner("p-geeft@example.org")
    other = make_practitioner("p-ander@example.org")
    browser = signed_in_browser(practitioner)
    response = browser.post(
        "/account/toegang/", {"grant-practitioner_email": other.email, "grant-consent": "on"}
    )
    assert response.status_code == 403


def test_an_expired_session_on_the_api_gets_json(content):
    browser = signed_in_browser(make_client_user("verlopen@example.org"))
    session = browser.session
    session[SEEN_AT] = int(time.time()) - 60 * 60 * 24 * 30
    session.save()
    response = browser.get("/api/v1/instruments")
    assert response.status_code == 401 and response.json()["detail"]
