"""The practitioner's client list in the bench: a practice whose practitioner has many consenting
clients with a year of check-ins each (bulk_create), the practitioner's sign-in with the second
factor (TOTP) through the real forms, and the list's queries for few and many clients."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from datetime import time as clock
from typing import Any

from common import BenchError
from inproc import Browser, sign_in

CLIENT_LIST_PATH = "/praktijk/"
CLIENT_LIST_MARKER = b'id="clients-caption"'  # the table of clients (not the empty state)
CLIENT_PAGE_MARKER = b'id="glance-heading"'  # a client's record, its overview tab
# The record's other tabs: (name, address under the record, what proves it is that tab).
CLIENT_TABS = (
    ("timeline", "tijdlijn/", b'id="timeline-heading"'),
    ("insights", "inzichten/", b'id="calm-heading"'),
    ("notes and assignments", "notities-en-opdrachten/", b'id="notes-heading"'),
)


def client_page_path(practitioner_email: str) -> str:
    """The record of the practitioner's first client (its overview tab; the other tabs are under
    it, CLIENT_TABS): a year of check-ins, an open alert and a note (practice_with_clients gives
    them to every tenth and every seventh client, the first included)."""
    from lijfwijs.accounts.models import User

    name = practitioner_email.split("@")[0]
    client = User.objects.get(email=f"{name}-client-0000@bench.invalid")
    return f"/praktijk/clienten/{client.pk}/"


TWO_FACTOR_PATH = "/account/tweestaps/"


def practice_with_clients(
    email: str, password: str | None, clients: int, days: int, seed: int
) -> tuple[Any, Any]:
    """A practitioner (owner of a practice of their own, with a confirmed TOTP device) and
    `clients` clients who consented to their health data and grant the practitioner access, each
    with a check-in on each of the last `days` days (their local dates); a fifth of them in a
    program step, every tenth with an open alert, every seventh with a note by the
    practitioner. Returns (practitioner, device)."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from lijfwijs.accounts.localtime import local_today, zone_of
    from lijfwijs.accounts.models import (
        Consent,
        ConsentText,
        Membership,
        Practice,
        PractitionerAccess,
        User,
    )
    from lijfwijs.accounts.services import join_practice
    from lijfwijs.diary.models import CheckIn
    from lijfwijs.practice.models import Alert, ClientNote
    from lijfwijs.program.models import ProgramProgress

    def version(kind: str) -> str:
        text = ConsentText.current(kind)
        return text.version if text is not None else "1"

    name = email.split("@")[0]
    practitioner = User.objects.create_user(
        email, password, role=User.Role.PRACTITIONER, display_name=f"Behandelaar {name}"
    )
    practice = Practice.objects.create(name=f"Praktijk {name}")
    join_practice(practitioner, practice, Membership.Role.OWNER)
    device = TOTPDevice.objects.create(user=practitioner, name="app", confirmed=True)

    unusable = make_password(None)
    people = User.objects.bulk_create(
        [
            User(
                email=f"{name}-client-{n:04d}@bench.invalid",
                password=unusable,
                role=User.Role.CLIENT,
                display_name=f"Cliënt {n:04d} {name}",
            )
            for n in range(clients)
        ],
        batch_size=1000,
    )
    health, access = ConsentText.Kind.HEALTH_DATA, ConsentText.Kind.PRACTITIONER_ACCESS
    Consent.objects.bulk_create(
        [Consent(user=u, kind=health, version=version(health)) for u in people], batch_size=1000
    )
    now = timezone.now()
    PractitionerAccess.objects.bulk_create(
        [
            PractitionerAccess(
                client=u,
                practitioner=practitioner,
                consent_version=version(access),
                granted_at=now - timedelta(days=days),
            )
            for u in people
        ],
        batch_size=1000,
    )
    rng = random.Random(seed)
    rows = []
    for person in people:
        zone, today = zone_of(person), local_today(person)
        level = rng.uniform(2, 8)
        for n in range(days):
            day = today - timedelta(days=n)
            pain = max(0, min(10, round(level + rng.gauss(0, 1.2))))
            at = datetime.combine(day, clock(8 + n % 12, rng.randint(0, 59)), tzinfo=zone)
            rows.append(CheckIn(user=person, day=day, at=at, pain=pain))
        if len(rows) >= 20_000:
            CheckIn.objects.bulk_create(rows, batch_size=2000)
            rows = []
    CheckIn.objects.bulk_create(rows, batch_size=2000)
    ProgramProgress.objects.bulk_create(
        [
            ProgramProgress(user=u, current_step=1 + (n // 5) % 5)
            for n, u in enumerate(people)
            if n % 5 == 0
        ]
    )
    Alert.objects.bulk_create(
        [
            Alert(
                client=u,
                practitioner=practitioner,
                kind=Alert.Kind.SILENCE,
                cause=f"silence:bench-{n}",
            )
            for n, u in enumerate(people)
            if n % 10 == 0
        ]
    )
    ClientNote.objects.bulk_create(
        [
            ClientNote(
                client=u,
                author=practitioner,
                author_name=str(practitioner),
                practice=practice,
                body="Gebeld over de oefeningen.",
                created_at=now - timedelta(days=n % 30),
            )
            for n, u in enumerate(people)
            if n % 7 == 0
        ]
    )
    return practitioner, device


def sign_in_two_factor(
    browser: Browser, email: str, password: str, device: Any, login: str
) -> None:
    """Sign in through the login form, then pass the second factor with the device's current
    code through its form, as a practitioner does."""
    from django_otp.oath import totp

    sign_in(browser, email, password, login)
    token = browser.token(TWO_FACTOR_PATH)
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    answer = browser.call("POST", TWO_FACTOR_PATH, {"csrfmiddlewaretoken": token, "code": code})
    if answer.status != 302 or answer.location == TWO_FACTOR_PATH:
        raise BenchError(
            f"POST {TWO_FACTOR_PATH} gave {answer.status} to {answer.location!r}: "
            f"{answer.body[:300]!r}"
        )


def list_queries(browsers: list[Browser]) -> list[tuple[int, int]]:
    """(first, second) queries of the client list for each signed-in practitioner's browser."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for browser in browsers:
        pair = []
        for view in ("first", "second"):
            with CaptureQueriesContext(connection) as ctx:
                answer = browser.get(CLIENT_LIST_PATH)
            if answer.status != 200 or CLIENT_LIST_MARKER not in answer.body:
                raise BenchError(
                    f"GET {CLIENT_LIST_PATH} ({view}) gave {answer.status} or has no "
                    f"{CLIENT_LIST_MARKER!r}"
                )
            pair.append(len(ctx.captured_queries))
        counts.append((pair[0], pair[1]))
    return counts
