"""Bench data, written straight into the bench database (bulk_create); needs Django set up."""

from __future__ import annotations

import importlib
import random
from datetime import datetime, timedelta
from datetime import time as clock
from typing import Any

from common import BenchError


def make_user(email: str, role: str = "client", password: str | None = None) -> Any:
    """A user; without a password it gets an unusable one (no slow hashing)."""
    from lijfwijs.accounts.models import User

    return User.objects.create_user(email, password, role=role)


def others(count: int, checkins_each: int) -> int:
    """`count` other clients with `checkins_each` check-ins each on their last days, so the
    tables the pages read are large; return the check-ins stored."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from lijfwijs.accounts.models import User
    from lijfwijs.diary.models import CheckIn

    unusable = make_password(None)
    users = User.objects.bulk_create(
        [
            User(email=f"bench-other-{n}@bench.invalid", password=unusable, role="client")
            for n in range(count)
        ],
        batch_size=1000,
    )
    today = timezone.localdate()
    rng = random.Random(count)
    rows = []
    for user in users:
        for n in range(checkins_each):
            day = today - timedelta(days=n)
            at = datetime.combine(day, clock(8 + n % 12), tzinfo=timezone.get_current_timezone())
            rows.append(CheckIn(user=user, day=day, at=at, pain=rng.randint(0, 10)))
    CheckIn.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def add_results(user: Any, answers: dict[str, Any], count: int) -> None:
    """`count` completed Pijntest responses of `user`, one a day back from today (bulk_create;
    every response holds the same valid answer set and its scored result)."""
    from django.utils import timezone

    from lijfwijs.accounts.models import User
    from lijfwijs.assessments import engine, registry
    from lijfwijs.assessments.models import Response

    instrument = registry.get("pijntest")
    clean, problems = engine.validate(instrument, answers)
    if problems:
        raise BenchError(f"the benchmark's answer set does not validate in the app: {problems}")
    result = engine.score(instrument, clean)
    now = timezone.now()
    Response.objects.bulk_create(
        [
            Response(
                instrument=instrument.id,
                version=instrument.version,
                status=Response.Status.COMPLETED,
                user=user,
                answers=clean,
                result=result,
                created_at=now - timedelta(days=day),
                completed_at=now - timedelta(days=day),
            )
            for day in range(count)
        ],
        batch_size=200,
    )
    User.objects.data_changed(user)  # bulk_create passes by the services


def add_account_data(user: Any, practitioners: list[Any], log_rows: int) -> None:
    """Consents, one access grant per practitioner (the last one revoked when there are more than
    one) and `log_rows` access-log rows about `user`: up to 3 consents (health data, an older
    withdrawn health-data consent, practitioner access)."""
    from django.utils import timezone

    from lijfwijs.accounts.models import AccessLog, Consent, ConsentText, PractitionerAccess

    def version(kind: str) -> str:
        text = ConsentText.current(kind)
        return text.version if text is not None else "1"

    now = timezone.now()
    health, access = ConsentText.Kind.HEALTH_DATA, ConsentText.Kind.PRACTITIONER_ACCESS
    consents = [Consent(user=user, kind=health, version=version(health))]
    if len(practitioners) > 1:
        consents += [
            Consent(
                user=user,
                kind=health,
                version=version(health),
                given_at=now - timedelta(days=400),
                withdrawn_at=now - timedelta(days=366),
            ),
            Consent(user=user, kind=access, version=version(access)),
        ]
    Consent.objects.bulk_create(consents)
    grants = []
    for i, practitioner in enumerate(practitioners):
        revoked = len(practitioners) > 1 and i == len(practitioners) - 1
        grants.append(
            PractitionerAccess(
                client=user,
                practitioner=practitioner,
                consent_version=version(access),
                status=PractitionerAccess.Status.REVOKED
                if revoked
                else PractitionerAccess.Status.ACTIVE,
                revoked_at=now if revoked else None,
            )
        )
    PractitionerAccess.objects.bulk_create(grants)
    AccessLog.objects.bulk_create(
        [
            AccessLog(
                at=now - timedelta(minutes=525 * i),  # spread over the year
                actor_id=practitioners[i % len(practitioners)].pk,
                actor_email=practitioners[i % len(practitioners)].email,
                actor_role="practitioner",
                client_id=user.pk,
                kind=AccessLog.Kind.PIJNTEST,
                action=AccessLog.Action.VIEW,
            )
            for i in range(log_rows)
        ],
        batch_size=500,
    )


def diary_client(
    email: str, days: int, password: str | None = None, per_day: int | None = None
) -> Any:
    """A client with health-data consent and `days` days of check-ins (see add_checkins)."""
    from lijfwijs.accounts.services import give_health_consent

    user = make_user(email, password=password)
    give_health_consent(user)
    add_checkins(user, days, seed=days, per_day=per_day)
    return user


def add_checkins(user: Any, days: int, seed: int, per_day: int | None = None) -> int:
    """Check-ins on the `days` local days up to today, `per_day` a day (1-3 when None, as
    load_demo makes them), each with 0-3 of the starter tags, pain a little higher with the
    first (bulk_create); return how many were stored."""
    from lijfwijs.accounts.localtime import local_today, zone_of
    from lijfwijs.accounts.models import User
    from lijfwijs.diary.models import CheckIn, Tag

    tags = list(Tag.objects.filter(user__isnull=True, is_active=True).order_by("pk")[:12])
    if len(tags) < 6:
        raise BenchError(f"only {len(tags)} starter tags in the database (manage.py load_content)")
    rng = random.Random(seed)
    zone = zone_of(user)
    today = local_today(user)
    checkins, links = [], []
    for n in range(days):
        day = today - timedelta(days=n)
        count = per_day or rng.choice([1, 2, 3])
        for hour in sorted(rng.sample([8, 13, 18, 21], count)):
            chosen = rng.sample(tags, rng.choice([0, 1, 1, 2, 3]))
            pain = 4 + (2 if tags[0] in chosen else 0) + rng.gauss(0, 1.2)
            checkin = CheckIn(
                user=user,
                day=day,
                at=datetime.combine(day, clock(hour, rng.randint(0, 59)), tzinfo=zone),
                pain=max(0, min(10, round(pain))),
                stress=rng.randint(0, 10),
                sleep=rng.randint(0, 10) if hour == 8 else None,
                energy=rng.randint(0, 10),
            )
            checkins.append(checkin)
            links.extend((checkin, tag) for tag in chosen)
    CheckIn.objects.bulk_create(checkins, batch_size=1000)
    CheckIn.tags.through.objects.bulk_create(
        [CheckIn.tags.through(checkin_id=c.pk, tag_id=t.pk) for c, t in links], batch_size=2000
    )
    User.objects.data_changed(user)  # bulk_create passes by the services
    return len(checkins)


def _program_services() -> Any:
    """The module that places a person in the 5-step program (the program may get its own app)."""
    for name in ("lijfwijs.program.services", "lijfwijs.exercises.services"):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        if hasattr(module, "ensure_progress"):
            return module
    raise BenchError("no ensure_progress() in lijfwijs.program or lijfwijs.exercises services")


def add_practice(user: Any, sessions: int, seed: int) -> None:
    """`sessions` logged practice sessions, one every 7 hours back from now, with tension before
    and after, spread over the catalog's exercises (bulk_create), and a place in the program."""
    from django.utils import timezone

    from lijfwijs.accounts.localtime import zone_of
    from lijfwijs.accounts.models import User
    from lijfwijs.exercises.models import Exercise, PracticeSession

    progress = _program_services().ensure_progress(user)
    exercises = list(Exercise.objects.active())
    rng = random.Random(seed)
    now, zone = timezone.now(), zone_of(user)
    rows = []
    for n in range(sessions):
        started = now - timedelta(hours=7 * n + 1)
        before = rng.randint(3, 9)
        rows.append(
            PracticeSession(
                user=user,
                exercise=exercises[n % len(exercises)],
                started_at=started,
                day=started.astimezone(zone).date(),
                seconds=rng.randint(60, 600),
                completed=True,
                tension_before=before,
                tension_after=max(0, before - rng.randint(0, 4)),
                program_step=progress.current_step,
            )
        )
    PracticeSession.objects.bulk_create(rows, batch_size=1000)
    User.objects.data_changed(user)  # bulk_create passes by the services


def stored_keys(email: str, prefix: str = "") -> set[str]:
    """The client keys of a user's stored check-ins (or of every user whose email starts with
    `email` when it ends in '*'), optionally only those starting with `prefix`."""
    from django.db import connection

    from lijfwijs.diary.models import CheckIn

    rows = CheckIn.objects.exclude(client_key="")
    if email.endswith("*"):
        rows = rows.filter(user__email__startswith=email[:-1])
    else:
        rows = rows.filter(user__email=email)
    if prefix:
        rows = rows.filter(client_key__startswith=prefix)
    keys = set(rows.values_list("client_key", flat=True))
    connection.close()
    return keys
