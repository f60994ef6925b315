"""A person's history for the export tests and the bench: check-ins with tags, practice sessions,
and Pijntest, PEG-3 and PHQ-4 results spread over the period, made in bulk (seconds for years)."""

import random
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from lijfwijs.accounts.models import User
from lijfwijs.assessments import services as assessment_services
from lijfwijs.assessments.models import Response
from lijfwijs.assessments.tests.factories import pijntest_answers
from lijfwijs.diary.models import CheckIn, Tag
from lijfwijs.exercises.models import Exercise, PracticeSession

AWKWARD_TAGS = ('Werk, "druk"', "regel\neen; twee", "back\\slash;", "wandelen 🚶")


def make_history(
    user: Any, *, days: int, last: date, red_flag: bool = False, seed: int = 7
) -> dict[str, Any]:
    """`days` days of check-ins up to `last` (one a day, a second on every fifth day), a session
    on most days, and results every 30 days (the last Pijntest with a red flag if asked)."""
    rng = random.Random(seed)
    tags = [
        Tag.objects.create(user=user, name_nl=name, kind=Tag.Kind.TRIGGER) for name in AWKWARD_TAGS
    ]
    exercises = list(Exercise.objects.order_by("slug")[:3])
    checkins, links, sessions = [], [], []
    through = CheckIn.tags.through
    for n in range(days):
        day = last - timedelta(days=days - 1 - n)
        for k in range(2 if n % 5 == 0 else 1):
            at = datetime.combine(day, time(8 + 10 * k), tzinfo=UTC)
            with_tag = n % 3 == 0
            checkin = CheckIn(
                user=user,
                at=at,
                day=day,
                pain=min(10, max(0, 5 + (2 if with_tag else 0) + rng.randint(-2, 2))),
                region_pain={"lower_back": rng.randint(0, 10)} if k == 0 else {},
                state=CheckIn.State.SYMPATHETIC if with_tag else CheckIn.State.VENTRAL,
                stress=rng.randint(0, 10),
                sleep=rng.randint(0, 10),
                energy=None if n % 7 == 0 else rng.randint(0, 10),
                note='Goed geslapen 😴, "rustig"' if n % 4 == 0 else "",
            )
            checkins.append(checkin)
            if with_tag:  # the first tag on every third day (a clear pattern), one other beside it
                links.append(through(checkin_id=checkin.pk, tag_id=tags[0].pk))
                links.append(through(checkin_id=checkin.pk, tag_id=tags[1 + (n // 3) % 3].pk))
        if n % 6 != 0:
            sessions.append(
                PracticeSession(
                    user=user,
                    exercise=exercises[n % len(exercises)],
                    started_at=datetime.combine(day, time(19), tzinfo=UTC),
                    day=day,
                    seconds=300 + 7 * (n % 10),
                    completed=n % 4 != 0,
                    tension_before=6,
                    tension_after=6 - (n % 4),
                )
            )
    CheckIn.objects.bulk_create(checkins, batch_size=500)
    through.objects.bulk_create(links, batch_size=500)
    PracticeSession.objects.bulk_create(sessions, batch_size=500)
    results = []
    months = max(1, days // 30)
    for m in range(months):
        when = datetime.combine(last - timedelta(days=30 * (months - 1 - m)), time(12), tzinfo=UTC)
        peg = max(1, 7 - m // 3)
        overrides = {"redflag.fever": "yes"} if red_flag and m == months - 1 else {}
        results.append(_pijntest(user, peg, when, overrides))
        results.append(
            _scale(
                user,
                "peg3",
                {f"peg.{i}": peg for i in ("pain", "enjoyment", "activity")},
                when - timedelta(days=10),
            )
        )
        results.append(
            _scale(
                user,
                "phq4",
                {"phq4.nervous": 1, "phq4.worry": 2, "phq4.interest": 1, "phq4.down": m % 3},
                when - timedelta(days=5),
            )
        )
    User.objects.data_changed(user)
    return {"tags": tags, "checkins": len(checkins), "sessions": len(sessions), "results": results}


def _pijntest(user: Any, peg: int, when: datetime, overrides: dict[str, Any]) -> Response:
    answers = pijntest_answers(
        **{"peg.pain": peg, "peg.enjoyment": peg, "peg.activity": peg, **overrides}
    )
    return _store("pijntest", answers, user, when)


def _scale(user: Any, instrument: str, answers: dict[str, Any], when: datetime) -> Response:
    return _store(instrument, answers, user, when)


def _store(instrument: str, answers: dict[str, Any], user: Any, when: datetime) -> Response:
    outcome = assessment_services.submit(instrument, answers, language="nl", user=user)
    assert outcome.response is not None, outcome.errors
    Response.objects.filter(pk=outcome.response.pk).update(created_at=when, completed_at=when)
    return outcome.response
