"""Exercises API: the caller's practice sessions and what calms them, and own breathing patterns.

Signed in through the pages' session. A write also needs the CSRF token (X-CSRFToken header) and a
JSON body. A new practice session needs consent for health data (deleting one needs no consent:
erasure is always allowed); a breathing pattern needs none (a rhythm is not health data, see
docs/decisions.md). Both are validated by the pages' own forms, so their messages are the pages',
in the language of the request (Accept-Language), and a pattern keeps the pages' safety limits:
holds of at most 7 s and, with a hold, at most 8 rounds; a whole session of at most 20 minutes.
"""

import json
from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from lijfwijs.accounts.api_auth import SignedIn
from lijfwijs.core.schemas import ErrorOut

from . import calm, services
from .forms import (
    LIMITS,
    MAX_CYCLES,
    MAX_HOLD_CYCLES,
    MAX_PATTERN_SECONDS,
    PARTS,
    PatternForm,
    PracticeForm,
    own_patterns,
    parts_from,
    pattern_for,
    round_seconds,
)
from .models import MAX_SESSION_SECONDS, MAX_TENSION, BreathingPattern, PracticeSession

NOT_VALID = "The request is not valid."
MAX_LIMIT = 200
MAX_OFFSET = 10**9


router = Router(tags=["practice"], auth=SignedIn(consent="Logging practice"))


class PracticeSessionIn(Schema):
    """Documents the body; the log page's form validates it (unknown fields are ignored)."""

    exercise: str = Field(description="The slug of an active catalog exercise.")
    pattern: int | None = Field(
        None, description="One of the caller's own breathing patterns, made from `exercise`."
    )
    seconds: int = Field(ge=1, le=MAX_SESSION_SECONDS, description="How long was practised.")
    completed: bool = Field(False, description="Done to the end (false: stopped early).")
    tension_before: int | None = Field(None, ge=0, le=MAX_TENSION, description="null: skipped.")
    tension_after: int | None = Field(None, ge=0, le=MAX_TENSION, description="null: skipped.")
    started_at: datetime | None = Field(
        None,
        description="ISO 8601; without an offset the caller's local time. Not in the future, "
        "not more than 7 days ago. Default: now minus `seconds`.",
    )
    client_key: str = Field(
        "",
        description="A key made on the device: sending it again returns the first session "
        "(200) instead of storing a second one.",
        json_schema_extra={"maxLength": 64},
    )


class PracticeSessionOut(Schema):
    id: UUID
    exercise: str = Field(description="The exercise's slug.")
    exercise_name: str = Field(description="In the language of the request.")
    pattern: int | None
    started_at: datetime
    day: date = Field(description="The caller's local date of `started_at`.")
    seconds: int
    completed: bool
    tension_before: int | None
    tension_after: int | None
    program_step: int | None = Field(description="The program step the caller was in, if any.")
    from_checkin: bool = Field(
        description="Ticked in a check-in: at the check-in's moment, `seconds` 0 (not recorded) "
        "and no tension ratings. Edited with the check-in; deleting it unticks it there."
    )


class PracticeSessionPage(Schema):
    count: int = Field(description="All the caller's sessions.")
    limit: int
    offset: int
    items: list[PracticeSessionOut]


class CalmOut(Schema):
    exercise: str
    name: str = Field(description="In the language of the request.")
    sessions: int = Field(description="Sessions with tension rated before and after.")
    mean_drop: float | None = Field(
        description="Mean of (before - after), 1 decimal; null under `min_sessions` sessions."
    )
    text: str = Field(description="The same in words, in the language of the request.")


class WhatCalmsMeOut(Schema):
    min_sessions: int
    exercises: list[CalmOut] = Field(description="Largest drop first; those without a claim last.")


ERRORS = {401: ErrorOut, 403: ErrorOut}
BODY = {
    "required": True,
    "content": {"application/json": {"schema": PracticeSessionIn.model_json_schema()}},
}


def _out(session: PracticeSession) -> dict[str, Any]:
    return {
        "id": session.pk,
        "exercise": session.exercise.slug,
        "exercise_name": str(session.exercise.name),
        "pattern": session.pattern_id,
        "started_at": session.started_at,
        "day": session.day,
        "seconds": session.seconds,
        "completed": session.completed,
        "tension_before": session.tension_before,
        "tension_after": session.tension_after,
        "program_step": session.program_step,
        "from_checkin": session.checkin_id is not None,
    }


def _own(request: HttpRequest) -> Any:
    return PracticeSession.objects.for_user(request.user).select_related("exercise")


def _form_value(name: str, value: Any) -> str | None:
    """A JSON value as the text the form field gets; None when no text could be right."""
    if value is None:
        return ""
    if name == "completed":
        return {True: "1", False: "0"}.get(value) if isinstance(value, bool) else None
    if name in ("exercise", "client_key", "started_at"):
        return value if isinstance(value, str) else None
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value) if isinstance(value, int) else None


def _validated(body: dict[str, Any], user: Any) -> tuple[PracticeForm, dict[str, str]]:
    data, errors = {}, {}
    for name in PracticeSessionIn.model_fields:
        text = _form_value(name, body.get(name))
        if text is None:
            errors[name] = _("Enter a valid value.")
        data[name] = text or ""
    form = PracticeForm(data, user=user)
    if form.is_valid() and not errors:
        return form, {}
    found = {field: " ".join(str(m) for m in messages) for field, messages in form.errors.items()}
    return form, {**found, **errors}


@router.get(
    "/practice-sessions",
    response={200: PracticeSessionPage, **ERRORS, 422: ErrorOut},
    summary="The caller's practice sessions, newest first",
)
def list_sessions(
    request: HttpRequest,
    limit: int = Query(50, ge=1, le=MAX_LIMIT),  # noqa: B008 - ninja's way
    offset: int = Query(0, ge=0, le=MAX_OFFSET),  # noqa: B008
) -> Any:
    own = _own(request)
    page = own.order_by("-started_at", "-created_at", "id")[offset : offset + limit]
    return {
        "count": own.count(),
        "limit": limit,
        "offset": offset,
        "items": [_out(s) for s in page],
    }


@router.post(
    "/practice-sessions",
    response={
        200: PracticeSessionOut,
        201: PracticeSessionOut,
        **ERRORS,
        400: ErrorOut,
        415: ErrorOut,
        422: ErrorOut,
    },
    summary="Log a practice session",
    description="Validated like the log page (messages in the language of the request). A "
    "`client_key` sent before returns the first session with 200.",
    openapi_extra={"requestBody": BODY},
)
def create_session(request: HttpRequest) -> Status:
    try:
        body = json.loads(request.body)
    except (ValueError, RecursionError):
        raise HttpError(400, "Cannot parse request body") from None
    if not isinstance(body, dict):
        return Status(
            422,
            {
                "detail": "Send the session as a JSON object.",
                "errors": {"body": _("Enter a valid value.")},
            },
        )
    existing = services.sent_before(request.user, body.get("client_key"))
    if existing is not None:  # a resend: answered even days later
        return Status(200, _out(existing))
    form, errors = _validated(body, request.user)
    if errors:
        return Status(422, {"detail": NOT_VALID, "errors": errors})
    session, created = services.log_session(
        request.user, form.cleaned_data["exercise"], **form.session_data()
    )
    return Status(201 if created else 200, _out(session))


@router.get(
    "/practice-sessions/{session_id}",
    response={200: PracticeSessionOut, **ERRORS, 404: ErrorOut},
    summary="One of the caller's practice sessions",
)
def get_session(request: HttpRequest, session_id: UUID) -> Any:
    return _out(get_object_or_404(_own(request), pk=session_id))


@router.delete(
    "/practice-sessions/{session_id}",
    response={204: None, **ERRORS, 404: ErrorOut},
    summary="Delete one of the caller's practice sessions",
)
def delete_session(request: HttpRequest, session_id: UUID) -> Status:
    services.delete_session(request.user, get_object_or_404(_own(request), pk=session_id))
    return Status(204, None)


@router.get(
    "/what-calms-me",
    response={200: WhatCalmsMeOut, **ERRORS},
    summary="What calms the caller: per exercise the mean drop in tension",
    description="Over the sessions with tension rated before and after; nothing is claimed "
    f"under {services.CALM_MIN_SESSIONS} such sessions of an exercise. A pattern, not proof of "
    "a cause.",
)
def what_calms_me(request: HttpRequest) -> Any:
    calms = services.what_calms_me(request.user)
    named = calm.names([c.slug for c in calms])
    return {
        "min_sessions": services.CALM_MIN_SESSIONS,
        "exercises": [
            {
                "exercise": c.slug,
                "name": named.get(c.slug, c.slug),
                "sessions": c.sessions,
                "mean_drop": c.mean_drop,
                "text": calm.calm_text(c),
            }
            for c in calms
        ],
    }


# --- Own breathing patterns ------------------------------------------------------------------------


patterns_router = Router(
    tags=["breathing patterns"], auth=SignedIn()
)  # no consent: not health data


def _seconds(part: str, description: str, **default: Any) -> Any:
    low, high = LIMITS[part]
    return Field(
        **default,
        description=f"{description} Seconds, whole or half, {low} to {high}.",
        json_schema_extra={"minimum": low, "maximum": high, "multipleOf": 0.5},
    )


class PatternIn(Schema):
    """Documents the body; the page's form validates it (unknown fields are ignored)."""

    name: str = Field(description="Unique among the caller's patterns.", max_length=60)
    base: str = Field(
        description="Slug of the catalog breathing exercise the practice is logged under."
    )
    inhale: float = _seconds("inhale", "Breathing in.")
    hold_in: float = _seconds("hold_in", "Holding after breathing in.", default=0)
    exhale: float = _seconds("exhale", "Breathing out.")
    hold_out: float = _seconds("hold_out", "Waiting after breathing out.", default=0)
    cycles: int = Field(
        ge=1,
        le=MAX_CYCLES,
        description=f"Rounds; the whole session at most {MAX_PATTERN_SECONDS // 60} minutes, "
        f"and at most {MAX_HOLD_CYCLES} rounds when a round holds the breath.",
    )


class PhaseOut(Schema):
    phase: Literal["inhale", "hold", "exhale"]
    seconds: float


class PatternOut(Schema):
    id: int
    name: str
    base: str = Field(description="Slug of the catalog exercise practice is logged under.")
    inhale: float
    hold_in: float
    exhale: float
    hold_out: float
    cycles: int
    phases: list[PhaseOut] = Field(description="One round as the pacer plays it.")
    seconds: float = Field(description="How long the whole session lasts.")
    play_url: str = Field(description="The pacer with this pattern (a page).")


WRITE_ERRORS = {**ERRORS, 400: ErrorOut, 415: ErrorOut, 422: ErrorOut}
PATTERN_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": PatternIn.model_json_schema()}},
    }
}


def _pattern_out(pattern: BreathingPattern) -> dict[str, Any]:
    return {
        "id": pattern.pk,
        "name": pattern.name,
        "base": pattern.base.slug,
        **parts_from(pattern.phases),
        "cycles": pattern.cycles,
        "phases": pattern.phases,
        "seconds": round(round_seconds(pattern.phases) * pattern.cycles, 1),
        "play_url": reverse("exercises:pattern_play", kwargs={"pattern_id": pattern.pk}),
    }


def _body(request: HttpRequest) -> Any:
    try:
        return json.loads(request.body)
    except (ValueError, RecursionError):
        raise HttpError(400, "Cannot parse request body") from None


def _text(value: Any) -> str:
    """A JSON value as the text a form field gets (lists, objects and booleans never pass)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return json.dumps(value)


def _saved(
    request: HttpRequest, instance: BreathingPattern | None = None
) -> tuple[BreathingPattern | None, Status | None]:
    """The pattern stored from the body, or the 422 answer saying what is wrong."""
    body = _body(request)
    if not isinstance(body, dict):
        errors = {"body": _("Enter a valid value.")}
        return None, Status(422, {"detail": "Send the pattern as a JSON object.", "errors": errors})
    errors: dict[str, str] = {}
    data = {}
    for name in ("name", "base"):
        value = body.get(name)
        if value is not None and not isinstance(value, str):
            errors[name] = _("Enter a valid value.")
        data[name] = value if isinstance(value, str) else ""
    for name in (*PARTS, "cycles"):
        data[name] = _text(body.get(name))
    for name in ("hold_in", "hold_out"):  # no hold unless one is given
        data[name] = data[name] or "0"
    form = PatternForm(data, user=request.user, instance=instance)
    if form.is_valid() and not errors:
        pattern = form.save()
        if pattern is not None:
            return pattern, None
    for field, messages in form.errors.items():
        errors.setdefault("body" if field == "__all__" else field, " ".join(messages))
    return None, Status(422, {"detail": NOT_VALID, "errors": errors})


@patterns_router.get(
    "/breathing-patterns",
    response={200: list[PatternOut], **ERRORS},
    summary="The caller's own breathing patterns, by name",
)
def list_patterns(request: HttpRequest) -> Any:
    return [_pattern_out(p) for p in own_patterns(request.user).select_related("base")]


@patterns_router.post(
    "/breathing-patterns",
    response={201: PatternOut, **WRITE_ERRORS},
    summary="Add an own breathing pattern",
    description="Validated like the page (messages in the language of the request).",
    openapi_extra=PATTERN_BODY,
)
def create_pattern(request: HttpRequest) -> Status:
    pattern, refused = _saved(request)
    if refused is not None:
        return refused
    return Status(201, _pattern_out(pattern))


@patterns_router.get(
    "/breathing-patterns/{pattern_id}",
    response={200: PatternOut, **ERRORS, 404: ErrorOut},
    summary="One of the caller's breathing patterns",
)
def get_pattern(request: HttpRequest, pattern_id: int) -> Any:
    return _pattern_out(pattern_for(request.user, pattern_id, with_base=True))


@patterns_router.put(
    "/breathing-patterns/{pattern_id}",
    response={200: PatternOut, **WRITE_ERRORS, 404: ErrorOut},
    summary="Change one of the caller's breathing patterns",
    description="The whole pattern, validated like POST.",
    openapi_extra=PATTERN_BODY,
)
def update_pattern(request: HttpRequest, pattern_id: int) -> Status:
    pattern = pattern_for(request.user, pattern_id, with_base=True)
    saved, refused = _saved(request, instance=pattern)
    if refused is not None:
        return refused
    return Status(200, _pattern_out(saved))


@patterns_router.delete(
    "/breathing-patterns/{pattern_id}",
    response={204: None, **ERRORS, 404: ErrorOut},
    summary="Delete one of the caller's breathing patterns",
    description="Practice logged with it stays, under its base exercise.",
)
def delete_pattern(request: HttpRequest, pattern_id: int) -> Status:
    pattern_for(request.user, pattern_id).delete()
    return Status(204, None)
