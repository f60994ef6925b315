"""People and practice sessions for the practice-log tests (made through the real services), and
what a page shows of them."""

import re
from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from lijfwijs.accounts.models import User
from lijfwijs.accounts.services import give_health_consent
from lijfwijs.exercises import services
from lijfwijs.exercises.models import Exercise, PracticeSession

BACKEND = "lijfwijs.accounts.backends.UserBackend"


def person(email: str, *, consent: bool = True, zone: str = "Europe/Amsterdam", **extra) -> User:
    """A client (no password: hashing is slow; the tests sign in with force_login)."""
    user = User.objects.create_user(email, None, role="client", time_zone=zone, **extra)
    if consent:
        give_health_consent(user)
    return user


def browser(user: User, **kwargs: Any) -> Client:
    client = Client(**kwargs)
    client.force_login(user, backend=BACKEND)
    return client


def exercise(slug: str) -> Exercise:
    return Exercise.objects.get(slug=slug)


def practise(
    user: User,
    slug: str,
    before: int | None = None,
    after: int | None = None,
    *,
    seconds: int = 120,
    ago: timedelta = timedelta(hours=1),
    **kwargs: Any,
) -> PracticeSession:
    session, created = services.log_session(
        user,
        exercise(slug),
        seconds=seconds,
        tension_before=before,
        tension_after=after,
        started_at=timezone.now() - ago,
        **kwargs,
    )
    assert created
    return session


def calm_table(html: str) -> list[tuple[str, int, str]]:
    """The rows of the "what calms me" table in a page: (exercise, times, what it did)."""
    section = html[html.index('id="calm-heading"') :]
    return [
        (name, int(count), text)
        for name, count, text in re.findall(
            r'<tr><th scope="row">([^<]+)</th><td class="num">(\d+)</td><td>([^<]+)</td></tr>',
            section,
        )
    ]
