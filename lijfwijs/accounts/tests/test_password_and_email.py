"""Password reset and change, and changing the email address (confirmed at the new address)."""

import re

import pytest
from django.test import Client

from lijfwijs.accounts.models import User
from lijfwijs.accounts.tests.helpers import LOGIN_URL, PASSWORD, log_in

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "een heel ander wachtwoord"


def link_in(message) -> str:
    url = re.search(r"http://\S+", message.body).group(0)
    return "/" + url.split("/", 3)[3]


def can_log_in(email, password) -> bool:
    response = Client().post(LOGIN_URL, {"username": email, "password": password})
    return response.status_code == 302


# --- password reset --------------------------------------------------------------------------


def test_password_reset_by_email(client, anna, outbox, django_capture_on_commit_callbacks):
    assert client.get("/account/wachtwoord-vergeten/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/account/wachtwoord-vergeten/", {"email": "ANNA@example.org"})
    assert response.status_code == 302
    assert response["Location"] == "/account/wachtwoord-vergeten/verstuurd/"
    [message] = outbox
    assert message.to == ["anna@example.org"]
    link = link_in(message)
    assert link.startswith("/account/wachtwoord-herstellen/")

    form = client.get(link, follow=True)
    assert form.status_code == 200 and 'name="new_password1"' in form.content.decode()
    set_url = form.redirect_chain[-1][0]
    weak = client.post(set_url, {"new_password1": "zwak", "new_password2": "zwak"})
    assert weak.status_code == 422
    assert 'id="id_new_password2_error"' in weak.content.decode()  # Django puts it there
    assert 'value="zwak"' not in weak.content.decode()
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert done["Location"] == "/account/wachtwoord-herstellen/klaar/"

    assert not can_log_in(anna.email, PASSWORD)
    assert can_log_in(anna.email, NEW_PASSWORD)
    # The link works once.
    assert "validlink" not in client.get(link).content.decode()
    again = client.get(link, follow=True)
    assert 'name="new_password1"' not in again.content.decode()


def test_password_reset_needs_a_valid_address(client, content, outbox):
    response = client.post("/account/wachtwoord-vergeten/", {"email": "geen adres"})
    assert response.status_code == 422
    assert 'id="id_email_error"' in response.content.decode()


def test_password_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(
    client, content, outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/account/wachtwoord-vergeten/", {"email": "niemand@example.org"})
    assert response.status_code == 302
    assert response["Location"] == "/account/wachtwoord-vergeten/verstuurd/"
    assert outbox == []


def test_a_reset_goes_only_to_the_account_of_that_very_address(
    client, anna, outbox, django_capture_on_commit_callbacks
):
    """The accounts are read through the lowered address's index and then compared as Django
    compares them: a look-alike address (a dotless ı) is not Anna's, and an account that cannot sign
    in with a password gets no link."""
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/account/wachtwoord-vergeten/", {"email": "anna@example.org".replace("a", "ı", 1)}
        )
    assert outbox == []
    anna.set_unusable_password()
    anna.save()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/account/wachtwoord-vergeten/", {"email": "Anna@Example.org"})
    assert outbox == []


def test_the_reset_email_is_in_the_persons_language(
    client, anna, outbox, django_capture_on_commit_callbacks
):
    anna.language = "en"
    anna.save()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/account/wachtwoord-vergeten/", {"email": anna.email})
    [message] = outbox
    assert link_in(message).startswith("/en/account/wachtwoord-herstellen/")


def test_a_reset_logs_out_other_sessions(client, anna, outbox, django_capture_on_commit_callbacks):
    signed_in = Client()
    log_in(signed_in, anna.email)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/account/wachtwoord-vergeten/", {"email": anna.email})
    form = client.get(link_in(outbox[0]), follow=True)
    client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert signed_in.get("/account/").status_code == 302


# --- password change -------------------------------------------------------------------------


def test_password_change_needs_the_old_password(anna_browser, anna):
    assert anna_browser.get("/account/wachtwoord/").status_code == 200
    wrong = anna_browser.post(
        "/account/wachtwoord/",
        {
            "old_password": "niet mijn wachtwoord",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert wrong.status_code == 422 and 'id="id_old_password_error"' in wrong.content.decode()
    assert NEW_PASSWORD not in wrong.content.decode()
    done = anna_browser.post(
        "/account/wachtwoord/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done.status_code == 302 and done["Location"] == "/account/"
    assert "Je wachtwoord is gewijzigd." in anna_browser.get("/account/").content.decode()
    assert not can_log_in(anna.email, PASSWORD)
    assert can_log_in(anna.email, NEW_PASSWORD)


def test_password_change_needs_a_login(client, content):
    response = client.get("/account/wachtwoord/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/inloggen/")


# --- email change ----------------------------------------------------------------------------


def test_email_change_is_confirmed_at_the_new_address(
    anna_browser, anna, outbox, django_capture_on_commit_callbacks
):
    assert anna_browser.get("/account/e-mail/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = anna_browser.post(
            "/account/e-mail/", {"new_email": "Anna.Nieuw@Example.org", "password": PASSWORD}
        )
    assert response.status_code == 302 and response["Location"] == "/account/"
    confirm, notice = sorted(outbox, key=lambda m: m.to[0] != "anna.nieuw@example.org")
    assert confirm.to == ["anna.nieuw@example.org"]
    assert "/account/e-mail/bevestigen/" in confirm.body
    assert notice.to == ["anna@example.org"]  # the old address is told, without the link
    assert "/account/e-mail/bevestigen/" not in notice.body

    # Nothing has changed yet.
    assert User.objects.get(pk=anna.pk).email == "anna@example.org"
    assert can_log_in("anna@example.org", PASSWORD)

    # The link works without being signed in (it may be opened on another device).
    confirmed = Client().get(link_in(confirm))
    assert confirmed.status_code == 200
    assert User.objects.get(pk=anna.pk).email == "anna.nieuw@example.org"
    assert not can_log_in("anna@example.org", PASSWORD)
    assert can_log_in("anna.nieuw@example.org", PASSWORD)
    # A second use changes nothing and says the link no longer works.
    assert Client().get(link_in(confirm)).status_code == 400


@pytest.mark.parametrize(
    "data,field",
    [
        ({"new_email": "anna.nieuw@example.org", "password": "niet mijn wachtwoord"}, "password"),
        ({"new_email": "anna.nieuw@example.org"}, "password"),
        ({"new_email": "BRAM@example.org", "password": PASSWORD}, "new_email"),
        ({"new_email": "anna@example.org", "password": PASSWORD}, "new_email"),
        ({"new_email": "geen adres", "password": PASSWORD}, "new_email"),
    ],
)
def test_a_rejected_email_change_is_422_and_sends_nothing(
    anna_browser, anna, bram, outbox, django_capture_on_commit_callbacks, data, field
):
    with django_capture_on_commit_callbacks(execute=True):
        response = anna_browser.post("/account/e-mail/", data)
    assert response.status_code == 422
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    assert f'value="{data["new_email"]}"' in html
    assert PASSWORD not in html
    assert outbox == []
    assert User.objects.get(pk=anna.pk).email == "anna@example.org"


def test_a_tampered_email_change_link_is_400(
    anna_browser, anna, outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        anna_browser.post(
            "/account/e-mail/", {"new_email": "anna.nieuw@example.org", "password": PASSWORD}
        )
    confirm = next(m for m in outbox if m.to == ["anna.nieuw@example.org"])
    link = link_in(confirm)
    assert Client().get(link[:-3] + "xx/").status_code == 400
    assert User.objects.get(pk=anna.pk).email == "anna@example.org"


def test_an_address_taken_in_the_meantime_is_not_overwritten(
    anna_browser, anna, outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        anna_browser.post(
            "/account/e-mail/", {"new_email": "anna.nieuw@example.org", "password": PASSWORD}
        )
    confirm = next(m for m in outbox if m.to == ["anna.nieuw@example.org"])
    User.objects.create_user("anna.nieuw@example.org", PASSWORD)
    assert Client().get(link_in(confirm)).status_code == 400
    assert User.objects.get(pk=anna.pk).email == "anna@example.org"


# --- throttling: emails per recipient and requests per client address ------------------------

RESET_URL = "/account/wachtwoord-vergeten/"
TOO_MANY = "Er zijn in korte tijd te veel e-mails aangevraagd"


@pytest.fixture
def limits(settings):
    settings.ACCOUNT_EMAIL_LIMIT_PER_RECIPIENT = 3
    settings.ACCOUNT_EMAIL_LIMIT_PER_ADDRESS = 8
    settings.ACCOUNT_EMAIL_WINDOW = 3600
    return settings


def test_thirty_resets_send_three_emails_and_then_say_so(
    client, anna, outbox, limits, django_capture_on_commit_callbacks
):
    answers = []
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(30):
            answers.append(client.post(RESET_URL, {"email": anna.email}))
    assert [a.status_code for a in answers[:3]] == [302] * 3
    assert {a.status_code for a in answers[3:]} == {429}
    assert TOO_MANY in answers[3].content.decode()
    assert f'value="{anna.email}"' in answers[3].content.decode()
    assert len(outbox) == 3


def test_a_throttled_reset_looks_the_same_with_or_without_an_account(
    anna, outbox, limits, django_capture_on_commit_callbacks
):
    def answers_for(email: str) -> list[tuple[int, str]]:
        browser = Client(REMOTE_ADDR=f"10.0.0.{len(email)}")  # each from its own address
        with django_capture_on_commit_callbacks(execute=True):
            return [
                (r.status_code, r.get("Location", ""))
                for r in (browser.post(RESET_URL, {"email": email}) for _ in range(5))
            ]

    known, unknown = answers_for(anna.email), answers_for("niemand@example.org")
    assert known == unknown
    pages = [  # the sixth try of each: throttled; the same page but for the address typed
        re.sub(
            r'name="csrfmiddlewaretoken" value="[^"]+"',
            "",
            Client(REMOTE_ADDR=f"10.0.0.{len(e)}").post(RESET_URL, {"email": e}).content.decode(),
        ).replace(e, "<address>")
        for e in (anna.email, "niemand@example.org")
    ]
    assert pages[0] == pages[1] and "Er zijn in korte tijd" in pages[0]


def test_resets_for_many_addresses_from_one_client_address_are_limited(
    client, anna, outbox, limits
):
    statuses = [
        client.post(RESET_URL, {"email": f"iemand{n}@example.org"}).status_code for n in range(10)
    ]
    assert statuses == [302] * 8 + [429] * 2
    elsewhere = Client(REMOTE_ADDR="192.0.2.7")
    assert elsewhere.post(RESET_URL, {"email": "nog.iemand@example.org"}).status_code == 302


def test_email_changes_are_limited_per_recipient(
    anna_browser, anna, outbox, limits, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        statuses = [
            anna_browser.post(
                "/account/e-mail/", {"new_email": "anna.nieuw@example.org", "password": PASSWORD}
            ).status_code
            for _ in range(5)
        ]
    assert statuses == [302] * 3 + [429] * 2
    confirmations = [m for m in outbox if m.to == ["anna.nieuw@example.org"]]
    assert len(confirmations) == 3
    refused = anna_browser.post(
        "/account/e-mail/", {"new_email": "anna.nieuw@example.org", "password": PASSWORD}
    )
    assert TOO_MANY in refused.content.decode() and PASSWORD not in refused.content.decode()
