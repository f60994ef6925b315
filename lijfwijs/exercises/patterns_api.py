"""Own breathing patterns over the API: the caller's own only, validated like the pages.

Signed in through the pages' session. A write also needs the CSRF token (X-CSRFToken header) and a
JSON body; no consent for health data (a rhythm is not health data, see docs/decisions.md). A
pattern is checked by the page's own form, so its messages are the page's, in the language of the
request (Accept-Language), and the same safety limits hold: holds of at most 10 s, a whole
session of at most 20 minutes.
"""

import json
from typing import Any, Literal

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from lijfwijs.accounts.api_auth import SignedIn
from lijfwijs.core.schemas import ErrorOut

from .forms import (
    LIMITS,
    MAX_CYCLES,
    MAX_SESSION_SECONDS,
    PARTS,
    PatternForm,
    own_patterns,
    parts_from,
    pattern_for,
    round_seconds,
)
from .models import BreathingPattern

NOT_VALID = "The request is not valid."


router = Router(tags=["breathing patterns"], auth=SignedIn())  # no consent: not health data


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
        description=f"Rounds; the whole session at most {MAX_SESSION_SECONDS // 60} minutes.",
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


ERRORS = {401: ErrorOut, 403: ErrorOut}
WRITE_ERRORS = {**ERRORS, 400: ErrorOut, 415: ErrorOut, 422: ErrorOut}
BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": PatternIn.model_json_schema()}},
    }
}


def _out(pattern: BreathingPattern) -> dict[str, Any]:
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


@router.get(
    "/breathing-patterns",
    response={200: list[PatternOut], **ERRORS},
    summary="The caller's own breathing patterns, by name",
)
def list_patterns(request: HttpRequest) -> Any:
    return [_out(p) for p in own_patterns(request.user).select_related("base")]


@router.post(
    "/breathing-patterns",
    response={201: PatternOut, **WRITE_ERRORS},
    summary="Add an own breathing pattern",
    description="Validated like the page (messages in the language of the request).",
    openapi_extra=BODY,
)
def create_pattern(request: HttpRequest) -> Status:
    pattern, refused = _saved(request)
    if refused is not None:
        return refused
    return Status(201, _out(pattern))


@router.get(
    "/breathing-patterns/{pattern_id}",
    response={200: PatternOut, **ERRORS, 404: ErrorOut},
    summary="One of the caller's breathing patterns",
)
def get_pattern(request: HttpRequest, pattern_id: int) -> Any:
    return _out(pattern_for(request.user, pattern_id, with_base=True))


@router.put(
    "/breathing-patterns/{pattern_id}",
    response={200: PatternOut, **WRITE_ERRORS, 404: ErrorOut},
    summary="Change one of the caller's breathing patterns",
    description="The whole pattern, validated like POST.",
    openapi_extra=BODY,
)
def update_pattern(request: HttpRequest, pattern_id: int) -> Status:
    pattern = pattern_for(request.user, pattern_id, with_base=True)
    saved, refused = _saved(request, instance=pattern)
    if refused is not None:
        return refused
    return Status(200, _out(saved))


@router.delete(
    "/breathing-patterns/{pattern_id}",
    response={204: None, **ERRORS, 404: ErrorOut},
    summary="Delete one of the caller's breathing patterns",
    description="Practice logged with it stays, under its base exercise.",
)
def delete_pattern(request: HttpRequest, pattern_id: int) -> Status:
    pattern_for(request.user, pattern_id).delete()
    return Status(204, None)
