"""Two-factor authentication: required for practitioners and staff, never asked of clients."""

import re

import pytest
from django.test import Client
from django.utils.http import urlencode
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from lijfwijs.accounts.models import User
from lijfwijs.accounts.tests.helpers import (
    PASSWORD,
    TWO_FACTOR_URL,
    code_for,
    confirmed_device,
    log_in,
    log_in_with_code,
    make_client_user,
)

pytestmark = pytest.mark.django_db


def allow_next_attempt(user):
    """django-otp waits 2^(n-1) seconds after n failures; forget the last failure instead of
    sleeping."""
    for model in (TOTPDevice, StaticDevice):
        model.objects.filter(user=user).update(throttling_failure_timestamp=None)


def recovery_codes_in(html: str) -> list[str]:
    return re.findall(r"<li>([0-9a-f]{10})</li>", html)


def set_up_two_factor(browser) -> tuple[TOTPDevice, list[str], str]:
    """The setup page, then the app's code: (device, recovery codes, the code used)."""
    page = browser.get(TWO_FACTOR_URL)
    assert page.status_code == 200
    device = TOTPDevice.objects.get()
    code = code_for(device)
    done = browser.post(TWO_FACTOR_URL, {"code": code})
    assert done.status_code == 200
    return device, recovery_codes_in(done.content.decode()), code


@pytest.mark.parametrize("path", ["/", "/praktijk/", "/account/", "/pijntest/", "/en/account/"])
def test_a_practitioner_without_a_second_factor_reaches_only_the_setup(client, pieter, path):
    log_in(client, pieter.email)
    response = client.get(path)
    prefix = "/en" if path.startswith("/en/") else ""
    assert response.status_code == 302
    assert response["Location"] == f"{prefix}{TWO_FACTOR_URL}?{urlencode({'next': path})}"


def test_after_the_login_and_the_code_the_practitioner_lands_where_they_were_going(client, pieter):
    device = confirmed_device(pieter)
    response = client.get("/account/inzage/")
    assert response["Location"] == "/account/inloggen/?next=/account/inzage/"
    response = client.post(response["Location"], {"username": pieter.email, "password": PASSWORD})
    assert response["Location"] == "/account/inzage/"
    response = client.get(response["Location"])
    assert response["Location"] == "/account/tweestaps/?next=%2Faccount%2Finzage%2F"
    response = client.post(response["Location"], {"code": code_for(device)})
    assert response.status_code == 302 and response["Location"] == "/account/inzage/"


def test_the_api_answers_403_until_the_second_factor_is_passed(client, pieter):
    log_in(client, pieter.email)
    response = client.get("/api/v1/instruments")
    assert response.status_code == 403 and response.json()["detail"]


def test_setup_shows_a_qr_code_and_the_key(client, pieter):
    log_in(client, pieter.email)
    response = client.get(TWO_FACTOR_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<svg role="img" aria-label="QR-code"' in html
    assert "<?xml" not in html
    device = TOTPDevice.objects.get(user=pieter)
    assert not device.confirmed
    key = re.search(r"<code>([A-Z2-7 ]+)</code>", html).group(1)
    from base64 import b32decode

    assert b32decode(key.replace(" ", "")) == device.bin_key
    # Reloading the page keeps the same key (the app may already have it).
    assert key in client.get(TWO_FACTOR_URL).content.decode()
    assert TOTPDevice.objects.filter(user=pieter).count() == 1


def test_a_wrong_code_is_422_and_the_right_one_turns_it_on_with_ten_recovery_codes(client, pieter):
    log_in(client, pieter.email)
    client.get(TWO_FACTOR_URL)
    device = TOTPDevice.objects.get(user=pieter)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    response = client.post(TWO_FACTOR_URL, {"code": wrong})
    assert response.status_code == 422
    assert 'id="id_code_error"' in response.content.decode()
    assert client.get("/praktijk/").status_code == 302  # still not through

    allow_next_attempt(pieter)
    response = client.post(TWO_FACTOR_URL, {"code": code_for(device)})
    assert response.status_code == 200
    codes = recovery_codes_in(response.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/praktijk/").status_code == 200  # through, in this session


def test_the_next_login_asks_for_a_code_and_a_code_works_only_once(client, pieter):
    log_in(client, pieter.email)
    device, _codes, used = set_up_two_factor(client)
    client.post("/account/uitloggen/")

    log_in(client, pieter.email)
    page = client.get("/praktijk/")
    assert page.status_code == 302 and page["Location"].startswith(TWO_FACTOR_URL)
    form = client.get(TWO_FACTOR_URL)
    html = form.content.decode()
    main = html[html.index("<main") : html.index("</main>")]  # the layout's icons are SVG too
    assert form.status_code == 200 and "<svg" not in main  # no new key (no QR code)

    # The code used for the setup a moment ago is refused now (single use) ...
    response = client.post(TWO_FACTOR_URL, {"code": used})
    assert response.status_code == 422
    assert "al gebruikt" in response.content.decode()
    # ... the next one from the app works once ...
    allow_next_attempt(pieter)
    following = code_for(device, steps=1)
    response = client.post(TWO_FACTOR_URL, {"code": following})
    assert response.status_code == 302
    assert client.get("/praktijk/").status_code == 200
    # ... and not in another session.
    other = Client()
    log_in(other, pieter.email)
    assert other.post(TWO_FACTOR_URL, {"code": following}).status_code == 422


def test_a_recovery_code_works_once(client, pieter):
    log_in(client, pieter.email)
    _device, codes, _code = set_up_two_factor(client)
    client.post("/account/uitloggen/")

    log_in(client, pieter.email)
    response = client.post(TWO_FACTOR_URL, {"code": codes[0].upper()})
    assert response.status_code == 302
    assert client.get("/praktijk/").status_code == 200
    assert StaticToken.objects.count() == 9

    second = Client()
    log_in(second, pieter.email)
    assert second.post(TWO_FACTOR_URL, {"code": codes[0]}).status_code == 422
    allow_next_attempt(pieter)
    assert second.post(TWO_FACTOR_URL, {"code": codes[1]}).status_code == 302


def test_a_recovery_code_works_right_after_a_mistyped_app_code(client, pieter):
    """Someone without their phone tries a code, then reaches for the recovery codes."""
    log_in(client, pieter.email)
    device, codes, _code = set_up_two_factor(client)
    client.post("/account/uitloggen/")
    log_in(client, pieter.email)
    wrong = f"{(int(code_for(device, steps=1)) + 1) % 1_000_000:06d}"
    assert client.post(TWO_FACTOR_URL, {"code": wrong}).status_code == 422
    assert client.post(TWO_FACTOR_URL, {"code": codes[0]}).status_code == 302


def test_new_recovery_codes_replace_the_old_ones(client, pieter):
    log_in(client, pieter.email)
    _device, old, _code = set_up_two_factor(client)
    settings_page = client.get("/account/").content.decode()
    assert "/account/tweestaps/herstelcodes/" in settings_page
    response = client.post("/account/tweestaps/herstelcodes/")
    new = recovery_codes_in(response.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(new)


def test_new_recovery_codes_need_the_second_factor_first(client, pieter):
    confirmed_device(pieter)
    log_in(client, pieter.email)
    response = client.post("/account/tweestaps/herstelcodes/")
    assert response.status_code == 302 and response["Location"] == TWO_FACTOR_URL
    assert not StaticToken.objects.exists()


def test_after_the_second_factor_the_page_goes_to_next_on_this_site_only(client, pieter):
    device = confirmed_device(pieter)
    log_in(client, pieter.email)
    response = client.post(
        f"{TWO_FACTOR_URL}?next=https://evil.example/", {"code": code_for(device)}
    )
    assert response.status_code == 302 and response["Location"] == "/"
    client.post("/account/uitloggen/")
    log_in(client, pieter.email)
    allow_next_attempt(pieter)
    response = client.post(f"{TWO_FACTOR_URL}?next=/praktijk/", {"code": code_for(device, steps=1)})
    assert response["Location"] == "/praktijk/"


@pytest.mark.parametrize("target", ["praktijk", "' OR 1=1 --", "/praktijk/\r\nX: y"])
def test_a_next_that_is_no_path_leads_home(client, pieter, target):
    """Not a path on this site: home, not a server error (Django's redirect() took a text without
    "/" or "." for a view's name) nor a header split."""
    device = confirmed_device(pieter)
    log_in(client, pieter.email)
    response = client.post(
        f"{TWO_FACTOR_URL}?{urlencode({'next': target})}", {"code": code_for(device)}
    )
    assert response.status_code == 302 and response["Location"] == "/"


@pytest.mark.parametrize(
    "extra", [{"role": User.Role.STAFF}, {"is_staff": True}, {"is_superuser": True}]
)
def test_staff_must_use_two_factor_too(client, content, extra):
    staff = make_client_user("beheer@example.org", **extra)
    log_in(client, staff.email)
    response = client.get("/account/")
    assert response.status_code == 302 and response["Location"].startswith(TWO_FACTOR_URL)
    log_in_with_code(Client(), staff)


def test_clients_are_never_asked(anna_browser):
    for path in ["/", "/account/", "/pijntest/mijn-uitslagen/", "/account/inzage/"]:
        assert anna_browser.get(path).status_code == 200
    assert not TOTPDevice.objects.exists()


def test_logging_out_is_possible_before_the_second_factor(client, pieter):
    log_in(client, pieter.email)
    assert client.post("/account/uitloggen/").status_code == 302
    assert "_auth_user_id" not in client.session
