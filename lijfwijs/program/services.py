"""The 5-step program's rules that the pages, the API and the practitioner's controls share.

Whether a client may go on is decided only by `program.advance_status` (through `status_for`).
Every write raises the person's data version in its transaction (`core.datacache`).
"""

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from lijfwijs.accounts.localtime import local_today
from lijfwijs.accounts.models import User
from lijfwijs.accounts.services import has_health_consent
from lijfwijs.core import datacache, hooks
from lijfwijs.core.datacache import Kind
from lijfwijs.exercises import services as exercise_services
from lijfwijs.exercises.models import GROUNDING, Exercise, PracticeSession

from . import program
from .models import ProgramProgress, Reflection, SetbackPlan

# --- Hooks other apps offer (named in their AppConfig; this app imports none of them) -----------


def pijntest_recommendations(user: Any) -> dict[str, Any]:
    """{"exercises": [...], "program_step": n, ...} from the latest Pijntest, or {}."""
    for latest in hooks.functions("latest_recommendations"):
        return latest(user) or {}
    return {}


def current_step(user: Any) -> int | None:
    """The step the person is in now, or None outside the program (the `practice_step` hook)."""
    return ProgramProgress.objects.filter(user=user).values_list("current_step", flat=True).first()


# --- Where someone is and going on ---------------------------------------------------------------


def progress_for(user: Any) -> ProgramProgress | None:
    """The person's place in the program, or None before they start it."""
    return ProgramProgress.objects.filter(user=user).first()


def ensure_progress(user: Any) -> ProgramProgress:
    """The person's place in the program; started at the Pijntest's suggested step if new."""
    progress = progress_for(user)
    if progress is None:
        start = program.start_step(pijntest_recommendations(user).get("program_step"))
        progress, _ = ProgramProgress.objects.get_or_create(
            user=user, defaults={"start_step": start, "current_step": start}
        )
    return progress


def practice_days(user: Any, step: int) -> int:
    """Days with a logged practice while `step` was the person's current step."""
    return (
        PracticeSession.objects.for_user(user)
        .filter(program_step=step)
        .values("day")
        .distinct()
        .count()
    )


def answered_prompts(user: Any, step: int) -> set[str]:
    return set(
        Reflection.objects.filter(user=user, step=step)
        .exclude(answer="")
        .values_list("prompt", flat=True)
    )


def status_for(user: Any, progress: ProgramProgress) -> program.AdvanceStatus:
    step = program.step(progress.current_step)
    return program.advance_status(
        progress.current_step,
        practice_days(user, progress.current_step),
        answered_prompts(user, progress.current_step),
        step.prompt_keys,
        progress.override,
    )


def advance(user: Any, from_step: int) -> bool:
    """Go on from `from_step` to the next step if the rule allows it; True when the step changed.

    Guarded by the step the person saw: a double submit or two tabs move them on once."""
    with transaction.atomic():
        progress = (
            ProgramProgress.objects.select_for_update().filter(user=user, current_step=from_step)
        ).first()
        if progress is None or not status_for(user, progress).may_advance:
            return False
        changed = ProgramProgress.objects.filter(pk=progress.pk, current_step=from_step).update(
            current_step=from_step + 1,
            step_started_at=timezone.now(),
            override="",
            override_by=None,
            override_at=None,
            updated_at=timezone.now(),
        )
        if changed:
            User.objects.data_changed(user)
    return bool(changed)


def set_override(client: Any, by: Any, override: str) -> ProgramProgress:
    """A practitioner (already checked to have the client's consent) unlocks or holds the client's
    current step, or clears that ("" ). Creates the client's progress if they had none."""
    if override not in ProgramProgress.Override.values:
        raise ValueError(override)
    with transaction.atomic():
        progress = ensure_progress(client)
        ProgramProgress.objects.filter(pk=progress.pk).update(
            override=override,
            override_by=by if override else None,
            override_at=timezone.now() if override else None,
            updated_at=timezone.now(),
        )
        User.objects.data_changed(client)
    progress.refresh_from_db()
    return progress


def save_reflection(user: Any, step: int, prompt: str, answer: str) -> None:
    """Store (or with an empty answer: remove) one reflection answer."""
    answer = answer.strip()
    with transaction.atomic():
        if answer:
            Reflection.objects.update_or_create(
                user=user, step=step, prompt=prompt, defaults={"answer": answer}
            )
        else:
            Reflection.objects.filter(user=user, step=step, prompt=prompt).delete()
        User.objects.data_changed(user)


def today_suggestion(user: Any, progress: ProgramProgress) -> str | None:
    """The slug of today's suggested exercise in the person's current step; grounding first, when
    that is body-focused practice and the latest Pijntest marks anxiety or PTSD (clinical.md)."""
    step = program.step(progress.current_step)
    today = local_today(user)
    done = set(
        PracticeSession.objects.for_user(user)
        .filter(day=today)
        .values_list("exercise__slug", flat=True)
    )
    slug = program.suggestion(
        step.exercises,
        pijntest_recommendations(user).get("exercises", []),
        today.toordinal(),
        done,
    )
    if slug and GROUNDING not in done and exercise_services.grounding_first(user):
        exercise = Exercise.objects.active().filter(slug=slug).first()
        if exercise is not None and exercise.kind and exercise_services.body_focused(exercise.kind):
            return GROUNDING
    return slug


def today_suggested_exercise(user: Any, progress: ProgramProgress) -> Exercise | None:
    """The active exercise of `today_suggestion`. The slug is computed once per data version and
    local day (what was practised today, the latest Pijntest and the step are the person's data)."""
    slug = datacache.for_person(
        Kind.PROGRAM_SUGGESTION,
        user,
        lambda: today_suggestion(user, progress),
        progress.current_step,
        day=local_today(user),
    )
    if not slug:
        return None
    return next(iter(Exercise.objects.raw(_suggested_sql(connection.vendor), [slug])), None)


@lru_cache(maxsize=4)
def _suggested_sql(vendor: str) -> str:
    """The active exercise with a slug, with what the start page shows of it (its name and
    duration; the other fields load when asked): one statement written once per process from the
    model's own names, as building the ORM's query cost five times the database's answer."""
    quote = connection.ops.quote_name
    table = quote(Exercise._meta.db_table)
    c = {f.name: quote(f.column) for f in Exercise._meta.concrete_fields}
    shown = ("id", "slug", "kind", "name_nl", "name_en", "parameters", "duration_minutes")
    columns = ", ".join(c[name] for name in shown)
    return f"SELECT {columns} FROM {table} WHERE {c['slug']} = %s AND {c['is_active']}"  # noqa: S608


def setback_plan_for(user: Any) -> SetbackPlan | None:
    """The person's setback plan (its texts decrypted), or None: the SQL the ORM writes for
    `SetbackPlan.objects.filter(user=user)`, compiled once per process (the flare-up panel of
    the start page reads it on every visit of a flare day), read with the fields' converters."""
    sql, params = _setback_plan_sql(connection.alias)
    values = [user.pk if p == _PERSON else p for p in params]
    return next(iter(SetbackPlan.objects.raw(sql, values)), None)


_PERSON = -735_102  # where the person goes in a compiled statement: no account has this id


@lru_cache(maxsize=8)
def _setback_plan_sql(alias: str) -> tuple[str, tuple[Any, ...]]:
    queryset = SetbackPlan.objects.using(alias).filter(user=_PERSON)
    return queryset.query.get_compiler(alias).as_sql()


# --- What the pages, the API and the practitioner see ----------------------------------------


@dataclass(frozen=True)
class ProgramState:
    """Someone's place in the program and what the rule says about going on (cacheable)."""

    start_step: int
    current_step: int
    override: str
    status: program.AdvanceStatus

    def state_of(self, number: int) -> str:
        return program.step_state(number, self.start_step, self.current_step)

    @property
    def setback_plan_open(self) -> bool:
        return self.current_step >= program.setback_plan_step()


def may_start_program(user: Any) -> bool:
    """Only a client who allows us to keep health data gets a place in the program."""
    return bool(getattr(user, "is_client", False)) and has_health_consent(user)


def program_state(user: Any) -> ProgramState | None:
    """The person's place in the program, started at the Pijntest's suggestion on their first
    visit when they may start (`may_start_program`); None for anyone else. Cached under the
    person's data version (raised by every practice, reflection, step or override change, and by
    giving or withdrawing health-data consent) and role."""

    def compute() -> ProgramState | None:
        progress = ensure_progress(user) if may_start_program(user) else progress_for(user)
        if progress is None:
            return None
        return ProgramState(
            start_step=progress.start_step,
            current_step=progress.current_step,
            override=progress.override,
            status=status_for(user, progress),
        )

    return datacache.for_person(Kind.PROGRAM_STATUS, user, compute, getattr(user, "role", ""))


def reflections_for(user: Any, step: int) -> dict[str, str]:
    """The person's own answers to a step's prompts, by prompt key."""
    return dict(Reflection.objects.filter(user=user, step=step).values_list("prompt", "answer"))


SETBACK_FIELDS = ("notice_first", "what_i_do", "who_i_call", "helpful_exercises")


def save_setback_plan(user: Any, fields: dict[str, str]) -> SetbackPlan:
    """Store the person's setback plan (the four texts, stripped)."""
    values = {name: str(fields.get(name, "")).strip() for name in SETBACK_FIELDS}
    with transaction.atomic():
        plan, _ = SetbackPlan.objects.update_or_create(user=user, defaults=values)
        User.objects.data_changed(user)
    return plan


# --- Data rights (named in the AppConfig) ---------------------------------------------------------


def export_user_data(user: Any) -> dict[str, Any]:
    progress = ProgramProgress.objects.filter(user=user).first()
    plan = setback_plan_for(user)
    return {
        "program": {
            "start_step": progress.start_step,
            "current_step": progress.current_step,
            "step_started_at": progress.step_started_at.isoformat(),
            "override": progress.override,
        }
        if progress
        else None,
        "reflections": [
            {
                "step": r.step,
                "prompt": r.prompt,
                "answer": r.answer,
                "updated_at": r.updated_at.isoformat(),
            }
            for r in Reflection.objects.filter(user=user)
        ],
        "setback_plan": {
            "notice_first": plan.notice_first,
            "what_i_do": plan.what_i_do,
            "who_i_call": plan.who_i_call,
            "helpful_exercises": plan.helpful_exercises,
            "updated_at": plan.updated_at.isoformat(),
        }
        if plan
        else None,
    }


def erase_user_health_data(user: Any) -> None:
    """Withdrawn health-data consent: the reflections, the setback plan and the place in the
    program go."""
    with transaction.atomic():
        Reflection.objects.filter(user=user).delete()
        SetbackPlan.objects.filter(user=user).delete()
        ProgramProgress.objects.filter(user=user).delete()
        User.objects.data_changed(user)
