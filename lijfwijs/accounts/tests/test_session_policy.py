"""Session lifetimes: practitioners 30 minutes idle and 12 hours in all, clients 14 days idle."""

import time

import pytest

from lijfwijs.accounts.middleware import LOGIN_AT, SEEN_AT

pytestmark = pytest.mark.django_db

MINUTE, HOUR, DAY = 60, 60 * 60, 24 * 60 * 60


def age_session(browser, *, idle: int = 0, since_login: int = 0) -> None:
    """Pretend the last request was `idle` seconds ago and the login `since_login` seconds ago."""
    browser.get("/account/")  # the middleware has stamped the session
    session = browser.session
    now = int(time.time())
    assert SEEN_AT in session and LOGIN_AT in session
    session[SEEN_AT] = now - idle
    session[LOGIN_AT] = now - max(idle, since_login)
    session.save()


def assert_logged_out(response, browser, path="/account/"):
    assert response.status_code == 302
    assert response["Location"] == f"/account/inloggen/?next={path}"
    assert "_auth_user_id" not in browser.session
    page = browser.get(response["Location"])
    assert "Je sessie is verlopen. Log opnieuw in." in page.content.decode()
    assert browser.get(path).status_code == 302  # and stays out


def test_a_practitioner_idle_for_more_than_30_minutes_is_logged_out(pieter_browser):
    age_session(pieter_browser, idle=31 * MINUTE)
    assert_logged_out(pieter_browser.get("/account/"), pieter_browser)


def test_a_practitioner_idle_for_29_minutes_stays_in(pieter_browser):
    age_session(pieter_browser, idle=29 * MINUTE)
    assert pieter_browser.get("/praktijk/").status_code == 200
    # The request counts as activity: the idle clock starts again.
    assert int(time.time()) - pieter_browser.session[SEEN_AT] < MINUTE


def test_a_busy_practitioner_is_logged_out_after_12_hours(pieter_browser):
    age_session(pieter_browser, idle=MINUTE, since_login=12 * HOUR + MINUTE)
    assert_logged_out(pieter_browser.get("/account/"), pieter_browser)


def test_a_practitioner_is_logged_out_from_any_page(pieter_browser):
    age_session(pieter_browser, idle=31 * MINUTE)
    assert_logged_out(pieter_browser.get("/praktijk/"), pieter_browser, path="/praktijk/")


def test_a_client_idle_for_13_days_stays_in(anna_browser):
    age_session(anna_browser, idle=13 * DAY, since_login=60 * DAY)
    assert anna_browser.get("/account/").status_code == 200


def test_a_client_idle_for_more_than_14_days_is_logged_out(anna_browser):
    age_session(anna_browser, idle=14 * DAY + MINUTE)
    assert_logged_out(anna_browser.get("/account/"), anna_browser)


def test_staff_have_the_practitioners_limits(client, content):
    from lijfwijs.accounts.tests.helpers import log_in_with_code, make_client_user

    staff = make_client_user("beheer@example.org", is_staff=True)
    log_in_with_code(client, staff)
    age_session(client, idle=31 * MINUTE)
    assert_logged_out(client.get("/account/"), client)


def test_the_login_page_after_expiry_is_in_the_pages_language(anna_browser):
    age_session(anna_browser, idle=15 * DAY)
    response = anna_browser.get("/en/account/inzage/")
    assert response.status_code == 302
    assert response["Location"] == "/en/account/inloggen/?next=/en/account/inzage/"
