"""Events's part of the REST API (mounted at /api/v1/events/ in lijfwijs/api/api.py).

Anyone may call it: the upcoming published events, one event (a draft is a 404), and signing up
with a name and an email address. A signed-in caller's write needs the CSRF token (X-CSRFToken),
as everywhere in the API. Sign-ups go through services.py, where the database keeps the capacity:
201 with `status` `confirmed` (a place) or `waiting` (the waiting list); the same address again
answers that first sign-up with 200; 409 when signing up is closed (past, deadline, called off),
422 when a field is not valid, 429 after too many attempts from one address.
"""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.utils import check_csrf
from pydantic import Field

from lijfwijs.core.i18n import current_language
from lijfwijs.core.ids import MAX_ID
from lijfwijs.core.ratelimit import client_address, hit
from lijfwijs.core.schemas import ErrorOut, body_schema, read_body

from . import notifications, services
from .models import Event

router = Router(tags=["events"])

RATE_WINDOW = 3600
NOT_VALID = "The request is not valid."


class PracticeRefOut(Schema):
    id: int
    name: str


class EventOut(Schema):
    id: int
    practice: PracticeRefOut
    title: str
    description: str
    start: datetime = Field(description="In the practice's time zone, with its offset.")
    end: datetime
    time_zone: str
    online_link: str
    address: str
    is_free: bool
    price_text: str = Field(description="The price as the practice writes it; empty: free.")
    capacity: int
    free_places: int = Field(description="0: a sign-up lands on the waiting list.")
    signup_until: datetime = Field(description="Sign-ups are taken until this moment.")
    open: bool = Field(description="Whether signing up is possible now.")
    status: str = Field(description="`published` or `cancelled` (called off).")


class SignUpIn(Schema):
    name: str = Field(max_length=120)
    email: str = Field(max_length=254)


class SignUpOut(Schema):
    event: int
    status: str = Field(description="`confirmed` (a place) or `waiting` (the waiting list).")
    detail: str = Field(description="What happened, for the person, in the request's language.")


def _event_out(event: Event) -> dict[str, Any]:
    zone = notifications.zone_of(event)
    return {
        "id": event.pk,
        "practice": {"id": event.practice_id, "name": event.practice.name},
        "title": event.title,
        "description": event.description,
        "start": event.start.astimezone(zone),
        "end": event.end.astimezone(zone),
        "time_zone": zone.key,
        "online_link": event.online_link,
        "address": event.address,
        "is_free": event.is_free,
        "price_text": "" if event.is_free else event.price_text,
        "capacity": event.capacity,
        "free_places": event.free_places,
        "signup_until": event.closes_at.astimezone(zone),
        "open": not services.closed_reason(event),
        "status": event.status,
    }


def _published(event_id: int) -> Event:
    if not 0 < event_id <= MAX_ID:
        raise Http404("no such event")
    found = (
        Event.objects.select_related("practice")
        .exclude(status=Event.Status.DRAFT)
        .filter(pk=event_id)
        .first()
    )
    if found is None:
        raise Http404("no such event")
    return found


@router.get(
    "/events",
    response=list[EventOut],
    summary="Upcoming events",
    description="Every published event that has not begun, soonest first (at most 100).",
)
def list_events(request: HttpRequest) -> Any:
    events = (
        Event.objects.filter(status=Event.Status.PUBLISHED, start__gt=timezone.now())
        .select_related("practice")
        .order_by("start", "pk")[:100]
    )
    return [_event_out(event) for event in events]


@router.get(
    "/events/{event_id}",
    response={200: EventOut, 404: ErrorOut},
    summary="One event",
    description="A published or called-off event; a draft is a 404.",
)
def get_event(request: HttpRequest, event_id: int) -> Any:
    return _event_out(_published(event_id))


def _limit() -> int:
    return int(getattr(settings, "EVENTS_SIGNUP_RATE_LIMIT", 30))


@router.post(
    "/events/{event_id}/signups",
    response={
        200: SignUpOut,
        201: SignUpOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
        429: ErrorOut,
    },
    summary="Sign up",
    description="A place when one is free (`confirmed`), else a place on the waiting list "
    "(`waiting`): 201, and an email confirms it with the link to cancel. The same address "
    "again for the same event answers the first sign-up (200). 409 when signing up is closed, "
    "422 when a field is not valid, 429 after too many sign-ups from one address.",
    openapi_extra=body_schema(SignUpIn),
)
def sign_up(request: HttpRequest, event_id: int) -> Any:
    event = _published(event_id)
    if request.user.is_authenticated and check_csrf(request) is not None:
        raise HttpError(403, "CSRF check failed: send the X-CSRFToken header.")
    if request.content_type != "application/json":
        raise HttpError(415, "Send the body as application/json.")
    payload = read_body(request, SignUpIn)
    errors: dict[str, str] = {}
    name = " ".join(payload.name.split())
    email = payload.email.strip()
    if not name or "\x00" in name:
        errors["name"] = _("Vul je naam in.")
    try:
        validate_email(email)
    except DjangoValidationError:
        errors["email"] = _("Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl.")
    if errors:
        return Status(422, {"detail": NOT_VALID, "errors": errors})
    if not hit("events-signup", client_address(request), _limit(), RATE_WINDOW):
        return Status(429, {"detail": "Too many sign-ups from this address; try later."})
    try:
        outcome = services.sign_up(event, name=name, email=email, language=current_language())
    except services.SignUpRefused as refused:
        return Status(409, {"detail": refused.message})
    signup = outcome.signup
    if signup.status == signup.Status.CONFIRMED:
        detail = _("Je bent aangemeld. Je krijgt een bevestiging per e-mail.")
    else:
        detail = _("Alle plaatsen zijn bezet: je staat op de wachtlijst. Je krijgt een e-mail.")
    body = {"event": event.pk, "status": signup.status, "detail": detail}
    return Status(201 if outcome.created else 200, body)
