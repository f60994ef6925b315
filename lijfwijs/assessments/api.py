"""API for instruments and responses (docs/pijntest.md), for the Pijntest and every other instrument."""

import re
import secrets
from datetime import datetime
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.utils import check_csrf
from pydantic import Field

from lijfwijs.accounts.services import has_health_consent
from lijfwijs.core.i18n import current_language, pick
from lijfwijs.core.ratelimit import client_address, hit
from lijfwijs.core.schemas import ErrorOut

from . import access, engine, registry, services

IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9_-]{1,64}")
CALLER = "api_caller"  # session key: an anonymous caller's own scope for Idempotency-Keys

router = Router(tags=["instruments"])


class InstrumentSummary(Schema):
    id: str
    version: str
    title: str
    kind: str


class AnswersIn(Schema):
    answers: dict[str, Any] = Field(
        description="Answer per item id: a code, a whole number, or a list of codes."
    )


class Contact(Schema):
    kind: str = Field(description="`phone` or `chat`")
    label: str
    number: str = Field(description="The number to show (empty for a chat)")
    href: str = Field(description="A `tel:` link, or the chat's address")


class Emergency(Schema):
    label: str
    number: str
    href: str


class CrisisAdvice(Schema):
    heading: str
    text: str
    service: str
    summary: str = Field(description="The whole advice in one sentence, for plain-text clients")
    contacts: list[Contact]
    emergency: Emergency


class SafetyOut(Schema):
    crisis: bool = Field(
        description="A crisis answer was given: show `crisis_advice` at once, first"
    )
    crisis_advice: CrisisAdvice | None = Field(
        description="Where to get help now, in the requested language (present when `crisis`)"
    )
    level: str = Field(description="Red-flag level: none, routine, days, same_day or urgent")
    level_advice: str | None = Field(
        description="What to do for that level, in the requested language"
    )


SAFETY_DESCRIPTION = (
    "`safety` is present for every instrument: when `crisis` is true, show `crisis_advice` at once, "
    "above everything else; a `level` of `urgent` or `same_day` comes before the rest of the result."
)


class ResponseOut(Schema):
    id: str
    result: dict[str, Any]
    safety: SafetyOut = Field(description=SAFETY_DESCRIPTION)


class StoredResponse(Schema):
    id: str
    instrument: str
    version: str
    status: str
    language: str
    answers: dict[str, Any]
    result: dict[str, Any]
    created_at: datetime
    completed_at: datetime | None
    safety: SafetyOut | None = Field(description=SAFETY_DESCRIPTION + " Null for a draft.")

    @staticmethod
    def resolve_safety(obj: Any) -> dict[str, Any] | None:
        return services.safety_of(obj) if obj.is_completed else None


def idempotency_scope(request: HttpRequest) -> str:
    """Whose Idempotency-Keys these are: the account a response is stored in, otherwise the
    caller's session (a random token in it, so no session key is ever stored with a response).
    Another caller's key is then just a new key."""
    user = request.user
    if has_health_consent(user):
        return f"user:{user.pk}"
    token = request.session.get(CALLER)
    if not token:
        # Stored in the session, so the session (and its cookie) now exists for the retry.
        token = request.session[CALLER] = secrets.token_urlsafe(18)
    return f"caller:{token}"


def _instrument(instrument_id: str) -> engine.Instrument:
    try:
        return registry.get(instrument_id)
    except registry.UnknownInstrument:
        raise HttpError(404, "Unknown instrument") from None


@router.get("/instruments", response=list[InstrumentSummary], summary="List the instruments")
def list_instruments(request: HttpRequest) -> list[dict[str, Any]]:
    lang = current_language()
    return [
        {"id": i.id, "version": i.version, "title": pick(i.title, lang), "kind": i.kind}
        for i in registry.latest()
    ]


@router.get(
    "/instruments/{instrument_id}",
    response={200: dict[str, Any], 404: ErrorOut},
    summary="An instrument's definition in the requested language (Accept-Language)",
)
def get_instrument(request: HttpRequest, instrument_id: str) -> dict[str, Any]:
    return engine.describe(_instrument(instrument_id), current_language())


@router.post(
    "/instruments/{instrument_id}/responses",
    response={
        200: ResponseOut,
        201: ResponseOut,
        403: ErrorOut,
        404: ErrorOut,
        415: ErrorOut,
        422: ErrorOut,
        429: ErrorOut,
    },
    summary="Submit a complete answer set; scored at once",
    description=(
        "Anonymous use is allowed and rate-limited per address. Send an `Idempotency-Key` header to make "
        "a retry return the first response (200) instead of storing a second one. A key is the "
        "caller's own: the account's when signed in, otherwise the session's (keep the session "
        "cookie of the first answer for the retry). " + SAFETY_DESCRIPTION
    ),
)
def submit_response(request: HttpRequest, instrument_id: str, payload: AnswersIn) -> Status:
    if request.user.is_authenticated and check_csrf(request) is not None:
        # A signed-in browser's cookie must not let another site store a result in that account.
        return Status(403, {"detail": "CSRF check failed: send the X-CSRFToken header."})
    if request.content_type != "application/json":
        return Status(415, {"detail": "Send the answers as application/json."})
    instrument = _instrument(instrument_id)
    if not request.user.is_authenticated and not hit(
        "api-submit",
        client_address(request),
        settings.PIJNTEST_RATE_LIMIT,
        settings.PIJNTEST_RATE_WINDOW,
    ):
        return Status(429, {"detail": "Too many submissions from this address; try again later."})
    key = request.headers.get("Idempotency-Key", "")
    if key and not IDEMPOTENCY_KEY.fullmatch(key):
        return Status(
            422, {"detail": "Idempotency-Key: up to 64 letters, digits, - and _.", "errors": {}}
        )
    outcome = services.submit(
        instrument.id,
        payload.answers,
        language=current_language(),
        user=request.user,
        idempotency_key=key,
        idempotency_scope=idempotency_scope(request) if key else "",
    )
    if outcome.response is None:
        return Status(
            422, {"detail": "Some answers are missing or invalid.", "errors": outcome.errors}
        )
    return Status(
        201 if outcome.created else 200,
        {
            "id": outcome.response.pk,
            "result": outcome.response.result,
            "safety": services.safety_of(outcome.response),
        },
    )


@router.get(
    "/responses/{response_id}",
    response={200: StoredResponse, 404: ErrorOut},
    summary="A stored response and its result (for its owner, or whoever holds an anonymous response's id)",
)
def get_response(request: HttpRequest, response_id: str) -> Any:
    return access.response_for(request, response_id)
