"""The practice log and "what calms me": the rules the pages and the API share."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.apps import apps
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, F
from django.utils import timezone

from lijfwijs.accounts.localtime import zone_of
from lijfwijs.accounts.models import User
from lijfwijs.core import datacache, hooks
from lijfwijs.core.datacache import Kind

from . import statements
from .models import BreathingPattern, Exercise, PracticeSession, Safety, required_safety

CALM_MIN_SESSIONS = 3  # below this, "what calms me" claims nothing for an exercise
ANXIETY_MARKS = frozenset(
    {"anxiety_ptsd"}
)  # the Pijntest's "other complaints" that ask for grounding


def program_step(user: Any) -> int | None:
    """The program step a practice counts for now (None outside the program): asked of the app
    that keeps the program (its `practice_step` hook), which this app does not import."""
    for current_step in hooks.functions("practice_step"):
        step = current_step(user)
        if step is not None:
            return int(step)
    return None


# --- Grounding first (docs/clinical.md) -----------------------------------------------------------


def marks_anxiety(result: dict[str, Any]) -> bool:
    """A Pijntest result where the person ticked anxiety or PTSD among their other complaints, or
    screened positive for anxiety (PHQ-4's two anxiety items, 3 or more)."""
    complaints = (result.get("context") or {}).get("complaints") or []
    return (
        bool(ANXIETY_MARKS & set(complaints))
        or (result.get("phq4") or {}).get("anxiety_positive") is True
    )


def grounding_first(user: Any) -> bool:
    """Whether grounding is recommended to this person before body-focused practice: their latest
    Pijntest marks anxiety or PTSD. The result is read by the model's name (the assessments app
    sits above this one and offers no hook for it); computed once per data version."""
    if not getattr(user, "is_authenticated", False):
        return False

    def compute() -> bool:
        responses = apps.get_model("assessments", "Response").objects.completed()
        result = (
            responses.filter(user=user, instrument="pijntest")
            .order_by("-completed_at")
            .values_list("result", flat=True)
            .first()
        )
        return marks_anxiety(result or {})

    return datacache.for_person(Kind.GROUNDING_FIRST, user, compute)


def body_focused(kind: str) -> bool:
    """Body scan and somatic tracking: attention turned inwards (trauma-sensitive, clinical.md)."""
    return Safety.TRAUMA in required_safety(kind, [])


# --- The practice log ----------------------------------------------------------------------------


@transaction.atomic
def log_session(
    user: Any,
    exercise: Exercise,
    *,
    seconds: int,
    completed: bool = False,
    tension_before: int | None = None,
    tension_after: int | None = None,
    started_at: datetime | None = None,
    pattern: BreathingPattern | None = None,
    client_key: str = "",
) -> tuple[PracticeSession, bool]:
    """Store one practice session; (session, created). A `client_key` already used by this person
    returns the stored session (a resend from the offline queue or a double submit)."""
    if client_key:
        existing = PracticeSession.objects.for_user(user).with_client_key(client_key).first()
        if existing is not None:
            return existing, False
    started = started_at or timezone.now() - timezone.timedelta(seconds=seconds)
    session = PracticeSession(
        user=user,
        exercise=exercise,
        pattern=pattern,
        started_at=started,
        day=started.astimezone(zone_of(user)).date(),
        seconds=seconds,
        completed=completed,
        tension_before=tension_before,
        tension_after=tension_after,
        program_step=program_step(user),
        client_key=client_key,
    )
    try:
        with transaction.atomic():
            session.save()
    except IntegrityError:  # the same client_key at the same moment from another request
        return PracticeSession.objects.for_user(user).with_client_key(client_key).get(), False
    User.objects.data_changed(user)
    return session, True


def delete_session(user: Any, session: PracticeSession) -> None:
    """Remove one of the person's own practice sessions (erasure needs no consent). One from a
    check-in is unticked there too, so the check-in and the log keep telling the same."""
    with transaction.atomic():
        if session.checkin_id is not None:
            session.checkin.exercises.remove(session.exercise_id)
        session.delete()
        User.objects.data_changed(user)


def sync_checkin_practice(
    user: Any, checkin: Any, exercises: list[Exercise | int], *, new: bool = False
) -> None:
    """The practice log's sessions for the exercises ticked in a check-in (called where the
    check-in is saved, in its transaction; `new` for a check-in just made, which has none yet):
    one per exercise, at the check-in's moment, without tension ratings or a length; unticked
    ones removed, kept ones moved with the check-in. Saving the same check-in again changes
    nothing. The caller raises the data version."""
    wanted = {getattr(exercise, "pk", exercise) for exercise in exercises}  # or their ids
    have: set[int] = set()
    if not new:
        existing = PracticeSession.objects.filter(checkin=checkin)
        existing.exclude(exercise_id__in=wanted).delete()
        have = set(existing.values_list("exercise_id", flat=True))
        if have:
            existing.exclude(started_at=checkin.at, day=checkin.day).update(
                started_at=checkin.at, day=checkin.day
            )
    if not wanted - have:
        return
    step = program_step(user)
    PracticeSession.objects.bulk_create(
        [
            PracticeSession(
                user=user,
                exercise_id=exercise,
                checkin=checkin,
                started_at=checkin.at,
                day=checkin.day,
                seconds=0,
                program_step=step,
            )
            for exercise in sorted(wanted - have)
        ],
        ignore_conflicts=True,  # the same check-in saved twice at the same moment: one each
    )


def next_exercise(
    user: Any | None, exercise: Exercise, consent: bool
) -> tuple[tuple[str, str, str, str, list[str]] | None, bool]:
    """The exercise to suggest after `exercise`: one that calmed the person before (from their
    log, with consent), else a related one (the same kind, else the most domains in common; the
    first in catalog order among equals); never body-focused practice first when grounding comes
    first for them. Returns its (slug, name_nl, name_en, kind, domains) and whether it calmed them
    (None when there is no other exercise). One query for the catalog; the person's calm list
    comes from the cache."""
    # the catalog in its order, but this one (one plain SQL statement, compiled once per process)
    others = [row for row in statements.catalog() if row[0] != exercise.slug]
    if user is not None and grounding_first(user):
        others = [o for o in others if not body_focused(o[3])]
    by_slug = {o[0]: o for o in others}
    for calm in helped_most(user) if user is not None and consent else []:
        if calm.slug in by_slug:
            return by_slug[calm.slug], True
    if not others:
        return None, False
    mine = set(exercise.domains)
    return max(others, key=lambda o: (o[3] == exercise.kind, len(mine & set(o[4])))), False


@dataclass(frozen=True)
class Calm:
    """How one exercise went for someone: sessions rated before and after, and the mean drop."""

    slug: str
    sessions: int  # sessions with both ratings
    mean_drop: float | None  # None below CALM_MIN_SESSIONS: nothing is claimed

    @property
    def claimed(self) -> bool:
        return self.mean_drop is not None


def what_calms_me(user: Any) -> list[Calm]:
    """Per exercise the mean drop in tension (before - after) over sessions with both ratings,
    largest drop first; exercises with fewer than CALM_MIN_SESSIONS such sessions come last,
    without a number. Cached under the person's data version (`core.datacache`)."""

    def fetch() -> list[Calm]:
        rows = (
            PracticeSession.objects.for_user(user)
            .filter(tension_before__isnull=False, tension_after__isnull=False)
            .values("exercise__slug")
            .annotate(n=Count("id"), drop=Avg(F("tension_before") - F("tension_after")))
        )
        result = [
            Calm(
                slug=row["exercise__slug"],
                sessions=row["n"],
                mean_drop=round(float(row["drop"]), 1) if row["n"] >= CALM_MIN_SESSIONS else None,
            )
            for row in rows
        ]
        return sorted(result, key=lambda c: (not c.claimed, -(c.mean_drop or 0), c.slug))

    return datacache.for_person(Kind.CALMS, user, fetch)


def helped_most(user: Any, limit: int = 3) -> list[Calm]:
    """The exercises with the largest clear mean drop (claimed and above zero)."""
    return [c for c in what_calms_me(user) if c.claimed and (c.mean_drop or 0) > 0][:limit]


# --- Data rights (named in the AppConfig) ---------------------------------------------------------


def export_user_data(user: Any) -> dict[str, Any]:
    sessions = (
        PracticeSession.objects.for_user(user).select_related("exercise").order_by("started_at")
    )
    return {
        "breathing_patterns": [
            {"name": p.name, "base": p.base.slug, "phases": p.phases, "cycles": p.cycles}
            for p in BreathingPattern.objects.for_user(user).select_related("base")
        ],
        "practice_sessions": [
            {
                "id": str(s.pk),
                "exercise": s.exercise.slug,
                "pattern": s.pattern_id,
                "started_at": s.started_at.isoformat(),
                "day": s.day.isoformat(),
                "seconds": s.seconds,
                "completed": s.completed,
                "tension_before": s.tension_before,
                "tension_after": s.tension_after,
                "program_step": s.program_step,
                "from_checkin": s.checkin_id is not None,
            }
            for s in sessions
        ],
    }


def erase_user_health_data(user: Any) -> None:
    """Withdrawn health-data consent: the practice log goes; own breathing patterns (no health
    data) stay."""
    with transaction.atomic():
        PracticeSession.objects.filter(user=user).delete()
        User.objects.data_changed(user)


# --- The practice log's pages and API ---------------------------------------------------------------


def sent_before(user: Any, client_key: Any) -> PracticeSession | None:
    """The session this person already logged with this client key (a resend or a double submit),
    or None. A key no session can have (not text, too long, with a NUL) is looked up nowhere."""
    if not isinstance(client_key, str) or not 0 < len(client_key) <= 64 or "\x00" in client_key:
        return None
    return (
        PracticeSession.objects.for_user(user)
        .select_related("exercise")
        .with_client_key(client_key)
        .first()
    )
