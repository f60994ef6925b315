"""Shared fixtures of the newsletter tests.

"Fysio De Brug" (Pieter owns it; Assistent Aafke helps) is the installation's practice, the
oldest; "Praktijk Elders" (Rita) came later. `outbox` sends emails as soon as they are queued.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.core.signals import request_finished
from django.db import DEFAULT_DB_ALIAS, connections
from django.test import Client

from lijfwijs.accounts.models import Membership
from lijfwijs.accounts.tests.helpers import make_practitioner
from lijfwijs.outreach.newsletter import services
from lijfwijs.outreach.newsletter.models import Subscriber

LINK = re.compile(r"https?://[^\s\"<>]+")


@pytest.fixture
def mail(outbox, django_capture_on_commit_callbacks):
    """The emails sent so far. A request's emails are queued on its commit; the test's own
    transaction never commits, so what a request queued runs when the request is done (as after
    a real commit), and `with committed():` does the same for a service called by the test."""
    connection = connections[DEFAULT_DB_ALIAS]

    def run_queued(**kwargs) -> None:
        while connection.run_on_commit:
            _savepoints, callback, _robust = connection.run_on_commit.pop(0)
            callback()

    request_finished.connect(run_queued, dispatch_uid="newsletter-tests-mail")
    yield outbox
    request_finished.disconnect(dispatch_uid="newsletter-tests-mail")


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    @contextmanager
    def run() -> Iterator[None]:
        with django_capture_on_commit_callbacks(execute=True):
            yield

    return run


@pytest.fixture
def practice(pieter):
    return Membership.objects.get(user=pieter).practice


@pytest.fixture
def other_practice(rita, practice):
    return Membership.objects.get(user=rita).practice


@pytest.fixture
def aafke(practice, content):
    return make_practitioner(
        "aafke@example.org", practice_name=practice.name, member_role=Membership.Role.ASSISTANT
    )


@pytest.fixture
def lists(practice):
    return services.default_lists(practice)


def links_in(message, part: str) -> list[str]:
    """The links of an email whose path contains `part`, from the plain text."""
    return [link for link in LINK.findall(message.body) if part in link]


def path_of(link: str) -> str:
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def subscribe(practice, email: str, *, lists=None, **fields) -> Subscriber:
    """A confirmed subscriber, as a signed-in person with a verified address subscribes."""
    services.sign_up(
        practice,
        email,
        list_ids=[nl.pk for nl in lists] if lists is not None else None,
        verified=True,
        **fields,
    )
    return Subscriber.objects.get(practice=practice, email=services.normalise(email))


def visitor() -> Client:
    return Client(enforce_csrf_checks=True)
