"""The leads tests' people: "Fysio De Brug" with Pieter (owner), Lotte (practitioner) and Aafke
(assistant); Rita owns "Praktijk Elders". Anna and Bram are clients. Emails are sent at once
(`outbox`)."""

import time
from typing import Any

import pytest
from django.test import Client

from lijfwijs.accounts.models import Membership, User
from lijfwijs.accounts.tests.helpers import make_practitioner
from lijfwijs.outreach.leads.forms import HONEYPOT, stamp

CONTACT = "/contact/vraag/"


@pytest.fixture
def lotte(pieter) -> User:
    return make_practitioner("lotte@example.org", display_name="Lotte")


@pytest.fixture
def aafke(pieter) -> User:
    user = make_practitioner(
        "aafke@example.org",
        display_name="Aafke",
        member_role=Membership.Role.ASSISTANT,
    )
    User.objects.filter(pk=user.pk).update(role=User.Role.ASSISTANT)
    user.refresh_from_db()
    return user


@pytest.fixture
def practice(pieter):
    return pieter.membership.practice


@pytest.fixture
def still_clock():
    """The clock stands still while the test sends forms (the time stamp is read exactly)."""
    from django.urls import get_resolver
    from freezegun import freeze_time

    # every URL module (the API's schemas among them) is imported before the clock stops:
    # pydantic cannot build a schema for freezegun's datetime class
    get_resolver().url_patterns  # noqa: B018
    with freeze_time("2026-12-07 08:00:00") as clock:
        yield clock


def contact_data(**fields: Any) -> dict[str, Any]:
    """A filled-in contact form shown a minute ago."""
    data = {
        "name": "Vera Visser",
        "email": "vera@example.org",
        "phone": "06 12345678",
        "question": "Ik heb al maanden last van mijn onderrug. Kunnen jullie helpen?",
        "consent": "on",
        "shown": stamp(time.time() - 60),
        HONEYPOT: "",
    }
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def send(browser: Client, path: str = CONTACT, **fields: Any) -> Any:
    return browser.post(path, contact_data(**fields))
