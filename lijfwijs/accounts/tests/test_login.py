"""Logging in with an email address, brute-force locking, session fixation and logging out."""

import pytest
from django.test import Client

from lijfwijs.accounts.tests.helpers import LOGIN_URL, PASSWORD, log_in

pytestmark = pytest.mark.django_db


def attempt(browser, email, password, ip="10.0.0.1"):
    return browser.post(LOGIN_URL, {"username": email, "password": password}, REMOTE_ADDR=ip)


def test_login_page(client):
    response = client.get(LOGIN_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'type="email"' in html and 'autocomplete="email"' in html and 'type="password"' in html


def test_log_in_with_the_email_address_in_any_case(client, anna):
    response = attempt(client, "  ANNA@Example.ORG ", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(anna.pk)


def test_log_in_goes_to_a_safe_next_page_only(client, anna):
    response = client.post(
        LOGIN_URL, {"username": anna.email, "password": PASSWORD, "next": "/account/"}
    )
    assert response["Location"] == "/account/"
    other = Client()
    response = other.post(
        LOGIN_URL,
        {"username": anna.email, "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response.status_code == 302 and response["Location"] == "/"


def test_a_wrong_password_is_422_with_a_message_and_keeps_the_email(client, anna):
    response = attempt(client, "anna@example.org", "verkeerd wachtwoord")
    assert response.status_code == 422
    html = response.content.decode()
    assert "Dit e-mailadres en wachtwoord horen niet bij elkaar." in html
    assert 'value="anna@example.org"' in html and "verkeerd wachtwoord" not in html
    assert "_auth_user_id" not in client.session


def test_an_unknown_address_gets_the_same_message(client, content):
    response = attempt(client, "niemand@example.org", PASSWORD)
    assert response.status_code == 422
    assert "Dit e-mailadres en wachtwoord horen niet bij elkaar." in response.content.decode()


def test_an_inactive_account_cannot_log_in(client, anna):
    anna.is_active = False
    anna.save()
    assert attempt(client, anna.email, PASSWORD).status_code == 422


def test_five_failures_lock_that_email_from_that_address_only(client, anna, bram):
    for _ in range(4):
        assert attempt(client, anna.email, "fout fout fout").status_code == 422
    fifth = attempt(client, anna.email, "fout fout fout")
    assert fifth.status_code == 429
    assert "Even geduld" in fifth.content.decode()

    # Locked: even the right password is refused from here, and nothing is signed in.
    locked = attempt(Client(), anna.email, PASSWORD)
    assert locked.status_code == 429

    # The same person from another address is not locked out (nobody can lock Anna out) ...
    elsewhere = Client()
    assert attempt(elsewhere, anna.email, PASSWORD, ip="10.0.0.2").status_code == 302
    # ... and someone else from the same address is not locked either.
    assert attempt(Client(), bram.email, PASSWORD).status_code == 302


def test_changing_the_case_of_the_address_does_not_get_around_the_lock(client, anna):
    variants = ["anna@example.org", "Anna@example.org", "ANNA@example.org", "aNNa@Example.org"]
    for email in variants:
        attempt(client, email, "fout fout fout")
    assert attempt(client, "AnNa@EXAMPLE.org", "fout fout fout").status_code == 429
    assert attempt(Client(), "ANNA@EXAMPLE.ORG", PASSWORD).status_code == 429


def test_a_successful_login_resets_the_failures(client, anna):
    for _ in range(4):
        attempt(client, anna.email, "fout fout fout")
    assert attempt(Client(), anna.email, PASSWORD).status_code == 302
    for _ in range(4):
        assert attempt(client, anna.email, "fout fout fout").status_code == 422


def test_no_list_of_sign_ins_is_kept(client, anna):
    """Only failures are counted, and a success clears them: no address, browser and time of
    each sign-in stays behind (the privacy statement says so)."""
    from axes.models import AccessAttempt, AccessLog

    attempt(client, anna.email, "fout fout fout")
    assert attempt(client, anna.email, PASSWORD).status_code == 302
    assert not AccessLog.objects.exists() and not AccessAttempt.objects.exists()


def test_login_gives_a_new_session_key(client, anna):
    client.get("/pijntest/")
    client.post("/pijntest/begin/")  # something in the anonymous session
    before = client.session.session_key
    assert before
    log_in(client, anna.email)
    after = client.session.session_key
    assert after and after != before
    # The old key is worth nothing now.
    fixated = Client()
    fixated.cookies["sessionid"] = before
    assert fixated.get("/account/").status_code == 302


def test_a_signed_in_person_visiting_the_login_page_goes_home(anna_browser):
    response = anna_browser.get(LOGIN_URL)
    assert response.status_code == 302 and response["Location"] == "/"


@pytest.mark.parametrize(
    "path", ["/", "/pijntest/", "/oefeningen/", "/kennisbank/", "/account/", "/en/account/"]
)
def test_every_page_has_a_logout_form_in_the_header_when_signed_in(anna_browser, path):
    response = anna_browser.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    header = html[html.index("<header") : html.index("</header>")]
    prefix = "/en" if path.startswith("/en/") else ""
    assert f'<form method="post" action="{prefix}/account/uitloggen/" data-logout>' in header
    assert 'name="csrfmiddlewaretoken"' in header


def test_no_logout_form_for_visitors(client, content):
    html = client.get("/").content.decode()
    assert "/account/uitloggen/" not in html and "/account/inloggen/" in html


def test_logout_is_a_post_only(anna_browser):
    assert anna_browser.get("/account/uitloggen/").status_code == 405
    assert anna_browser.get("/account/").status_code == 200  # still signed in
    response = anna_browser.post("/account/uitloggen/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert anna_browser.get("/account/").status_code == 302


def test_logout_needs_the_csrf_token(anna, content):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(anna)
    assert browser.post("/account/uitloggen/").status_code == 403
    html = browser.get("/account/").content.decode()
    token = html.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    response = browser.post("/account/uitloggen/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert browser.get("/account/").status_code == 302


def test_a_session_ended_by_another_process_is_not_signed_in_here(client, anna):
    """Another gunicorn worker's logout deletes the session row; this process must not keep it."""
    from django.contrib.sessions.models import Session

    log_in(client, anna.email)
    assert client.get("/account/").status_code == 200  # read (and, with a cache, kept) here
    Session.objects.filter(session_key=client.session.session_key).delete()  # the other worker
    assert client.get("/account/").status_code == 302


# Behind the reverse proxy docs/deploy.md asks for, every request comes from its address.
PROXY = "127.0.0.1"


def attempt_via_proxy(browser, email, password, forwarded):
    return browser.post(
        LOGIN_URL,
        {"username": email, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_behind_one_proxy_failures_lock_the_forwarded_address_not_the_owner(settings, anna):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(4):
        assert (
            attempt_via_proxy(Client(), anna.email, "fout fout fout", "203.0.113.7").status_code
            == 422
        )
    # what the attacker writes to the left of the proxy's entry changes nothing
    locked = attempt_via_proxy(Client(), anna.email, "fout fout fout", "198.51.100.2, 203.0.113.7")
    assert locked.status_code == 429
    assert attempt_via_proxy(Client(), anna.email, PASSWORD, "203.0.113.7").status_code == 429
    # Anna herself, from her own address through the same proxy, signs in
    assert attempt_via_proxy(Client(), anna.email, PASSWORD, "198.51.100.2").status_code == 302


def test_with_no_trusted_proxy_a_forged_forwarded_address_is_ignored(settings, anna):
    settings.TRUSTED_PROXY_COUNT = 0
    statuses = [
        Client()
        .post(
            LOGIN_URL,
            {"username": anna.email, "password": "fout fout fout"},
            REMOTE_ADDR="10.0.0.9",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",  # a new address each time, made up
        )
        .status_code
        for n in range(5)
    ]
    assert statuses == [422] * 4 + [429]


def test_a_hash_with_older_argon2_parameters_is_rewritten_at_the_next_sign_in(
    client, anna, settings
):
    from django.contrib.auth.hashers import Argon2PasswordHasher

    from lijfwijs import settings as project
    from lijfwijs.accounts.models import User

    settings.PASSWORD_HASHERS = project.PASSWORD_HASHERS  # the suite hashes at a test-only cost

    old = Argon2PasswordHasher()  # Django's default: 100 MiB, 8 lanes
    anna.password = old.encode(PASSWORD, old.salt())
    anna.save(update_fields=["password"])
    assert "m=102400,t=2,p=8" in User.objects.get(pk=anna.pk).password

    assert attempt(client, anna.email, PASSWORD).status_code == 302
    stored = User.objects.get(pk=anna.pk).password
    assert stored.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert attempt(Client(), anna.email, PASSWORD).status_code == 302  # and it still signs in
