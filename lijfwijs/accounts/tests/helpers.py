"""The people of the account and practice tests, small factories, and signing in through HTTP.

Anna is a client; Pieter is her practitioner (once she gives him access); Rita is a practitioner
who has nothing to do with Anna; Bram is another client. The fixtures are imported by the
conftest of accounts/tests and practice/tests.
"""

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from lijfwijs.accounts import services
from lijfwijs.accounts.models import PractitionerAccess, User
from lijfwijs.assessments import registry
from lijfwijs.assessments import services as assessment_services
from lijfwijs.assessments.models import Response
from lijfwijs.assessments.tests.factories import form_data, pijntest_answers

PASSWORD = "lange zin van vijf woorden"
LOGIN_URL = "/account/inloggen/"
TWO_FACTOR_URL = "/account/tweestaps/"
IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


# --- factories -----------------------------------------------------------------------------


def make_client_user(email: str, consent: bool = True, **extra: Any) -> User:
    """A client as registration makes one: with consent for their health data (unless told not)."""
    from lijfwijs.accounts.services import give_health_consent

    extra.setdefault("display_name", email.split("@")[0].title())
    user = User.objects.create_user(email, PASSWORD, **extra)
    if consent:
        give_health_consent(user)
    return user


def make_practitioner(
    email: str, practice_name: str = "Fysio De Brug", member_role: str = "", **extra: Any
) -> User:
    """A practitioner in the practice of that name (made when it does not exist yet; the first
    member is its owner unless `member_role` says otherwise)."""
    from lijfwijs.accounts.models import Membership, Practice

    extra.setdefault("display_name", email.split("@")[0].title())
    user = User.objects.create_user(email, PASSWORD, role=User.Role.PRACTITIONER, **extra)
    practice, made = Practice.objects.get_or_create(name=practice_name)
    role = member_role or (Membership.Role.OWNER if made else Membership.Role.PRACTITIONER)
    services.join_practice(user, practice, role)
    return user


def give_access(client_user: User, practitioner: User) -> PractitionerAccess:
    return services.grant_access(client_user, practitioner)


def pijntest_result(user: User | None, peg: int = 5, **overrides: Any) -> Response:
    """A completed Pijntest of `user` with all three PEG items at `peg`."""
    answers = pijntest_answers(
        **{"peg.pain": peg, "peg.enjoyment": peg, "peg.activity": peg, **overrides}
    )
    outcome = assessment_services.submit("pijntest", answers, language="nl", user=user)
    assert outcome.response is not None, outcome.errors
    return outcome.response


def take_pijntest(browser: Client, peg: int = 5) -> str:
    """Walk every page of the Pijntest in `browser`; returns the id of the result."""
    answers = pijntest_answers(**{"peg.pain": peg, "peg.enjoyment": peg, "peg.activity": peg})
    assert browser.post("/pijntest/begin/").status_code == 302
    last = None
    for section in registry.get("pijntest").sections:
        last = browser.post(
            f"/pijntest/vragen/{section.id}/", {**form_data(section, answers), "action": "next"}
        )
        assert last.status_code == 302, section.id
    assert last is not None and last["Location"].startswith("/pijntest/uitslag/")
    return last["Location"].rstrip("/").rsplit("/", 1)[1]


def confirmed_device(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="app", confirmed=True)


def app_device(user: User) -> TOTPDevice:
    """The person's confirmed authenticator app (one is made when missing)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first() or confirmed_device(user)


def code_for(device: TOTPDevice, steps: int = 0) -> str:
    """The code the person's app shows now (or `steps` time steps later)."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=steps):0{device.digits}d}"


# --- signing in through HTTP -----------------------------------------------------------------


def log_in(browser: Client, email: str, password: str = PASSWORD, **extra: Any) -> Any:
    response = browser.post(LOGIN_URL, {"username": email, "password": password}, **extra)
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def log_in_with_code(browser: Client, user: User) -> TOTPDevice:
    """Password, then the app code on the real two-factor form (a device is made when missing)."""
    device = app_device(user)
    log_in(browser, user.email)
    response = browser.post(TWO_FACTOR_URL, {"code": code_for(device)})
    assert response.status_code == 302, response.content.decode()[:500]
    return device


def signed_in_browser(user: User) -> Client:
    """A browser signed in as `user` with `force_login` (the login and two-factor forms have their
    own tests), which saves a password hash and two form posts per test. For practitioners and
    staff the session is then marked as having passed the second factor with their app, as the
    two-factor form marks it (`django_otp.login`)."""
    browser = Client()
    browser.force_login(user, backend="lijfwijs.accounts.backends.UserBackend")
    if user.needs_two_factor:
        device = app_device(user)
        session = browser.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return browser


def access_log_rows(client_user: User) -> list[Any]:
    from lijfwijs.accounts.models import AccessLog

    return list(AccessLog.objects.about(client_user.pk).order_by("at", "id"))


def ago(**kwargs: Any) -> Any:
    return timezone.now() - timezone.timedelta(**kwargs)


# --- fixtures --------------------------------------------------------------------------------


@pytest.fixture
def outbox(settings, mailoutbox):
    """Emails are sent by the task as soon as it is enqueued (after the commit)."""
    settings.TASKS = IMMEDIATE_TASKS
    return mailoutbox


@pytest.fixture
def anna(content) -> User:
    return make_client_user("anna@example.org", display_name="Anna")


@pytest.fixture
def bram(content) -> User:
    return make_client_user("bram@example.org", display_name="Bram")


@pytest.fixture
def pieter(content) -> User:
    return make_practitioner("pieter@example.org", display_name="Pieter")


@pytest.fixture
def rita(content) -> User:
    return make_practitioner(
        "rita@example.org", display_name="Rita", practice_name="Praktijk Elders"
    )


@pytest.fixture
def anna_browser(anna) -> Client:
    return signed_in_browser(anna)


@pytest.fixture
def bram_browser(bram) -> Client:
    return signed_in_browser(bram)


@pytest.fixture
def pieter_browser(pieter) -> Client:
    return signed_in_browser(pieter)


@pytest.fixture
def rita_browser(rita) -> Client:
    return signed_in_browser(rita)
