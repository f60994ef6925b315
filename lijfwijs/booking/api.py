"""Booking over the API: what a practice offers, its free times, booking, and a booking by token.

Mounted at /api/v1/booking/. Anyone may call it: a visitor (no session) books with name and
email and gets a booking held until the email address is confirmed (the link in the email); a
signed-in person (the pages' session) books for themselves, confirmed at once. A signed-in
caller's writes need the CSRF token (X-CSRFToken), as everywhere in the API.

A booking is reached by its secret token (`POST /bookings` answers it, the emails carry it): a
visitor's booking by whoever holds the token, a signed-in client's only by that client (anyone
else gets 404, as for another person's object). Blocked time is never a booking here.

Every write that takes time goes through `services` (the database refuses a double booking);
their errors become 409 (the time was just taken), 422 (the time is not offered) and 403 (this
person may not book this or may no longer change it), each with a message for the person and
the nearest free times as `alternatives`.
"""

import json
import re
import secrets
import uuid
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.utils import check_csrf
from pydantic import Field

from lijfwijs.accounts.models import Membership, User
from lijfwijs.core.i18n import current_language
from lijfwijs.core.ids import MAX_ID
from lijfwijs.core.ratelimit import client_address, hit
from lijfwijs.core.schemas import ErrorOut, body_schema, read_body

from . import services, slots
from .models import AppointmentType, Booking

router = Router(tags=["booking"])

# Ids in a query string (a bound well inside what a float holds exactly).
MAX_QUERY_ID = 2**31 - 1
MAX_DAYS = 62  # the longest range of days one request of free times covers
TOKEN = re.compile(r"[A-Za-z0-9_-]{16,40}")
IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9_-]{1,64}")
CALLER = "api_caller"  # session key: an anonymous caller's own scope for Idempotency-Keys
NOT_VALID = "The request is not valid."
# Visitors' booking attempts per address, and bookings per email address (each sends an email),
# per hour; settings may set others.
RATE_WINDOW = 3600


def _rate_limit() -> int:
    return int(getattr(settings, "BOOKING_RATE_LIMIT", 20))


def _email_rate_limit() -> int:
    return int(getattr(settings, "BOOKING_EMAIL_RATE_LIMIT", 5))


# --- schemas ---------------------------------------------------------------------------------


class PractitionerOut(Schema):
    id: int
    name: str


class PracticeOut(Schema):
    id: int
    name: str
    time_zone: str = Field(description="The zone the practice's times are given in.")


class AppointmentTypeOut(Schema):
    id: int
    practice: PracticeOut
    name: str
    description: str
    duration_minutes: int
    is_free: bool
    price_text: str = Field(description="The price as the practice writes it; empty: none.")
    location: str = Field(description="`video`, `phone` or `practice`.")
    location_label: str = Field(description="Where, in words, in the language of the request.")
    audience: str = Field(description="`anyone`, or `clients` of the practice only.")
    min_notice_hours: int = Field(description="Book at least this many hours ahead.")
    horizon_days: int = Field(description="Book at most this many days ahead.")
    cancel_limit_hours: int = Field(
        description="Cancel or reschedule online up to this many hours before the start."
    )
    practitioners: list[PractitionerOut] = Field(description="Who gives it.")


class SlotOut(Schema):
    start: datetime = Field(description="In the practice's time zone, with its offset.")
    end: datetime
    practitioner: int = Field(description="The practitioner's id.")
    practitioner_name: str


class FreeTimeOut(Schema):
    start: datetime = Field(description="In the practice's time zone, with its offset.")
    end: datetime
    practitioners: list[int] = Field(
        description="The ids of the practitioners free at this time (see `practitioners`)."
    )


class SlotsOut(Schema):
    appointment_type: int
    time_zone: str
    first_day: date = Field(description="`from` as asked.")
    last_day: date = Field(description="`to` as asked.")
    practitioners: list[PractitionerOut] = Field(description="Whose free times these are.")
    slots: list[FreeTimeOut] = Field(
        description="Every free start, in order of time, with who is free then."
    )


class BookingErrorOut(Schema):
    detail: str = Field(description="What happened, for the person, in the request's language.")
    errors: dict[str, str] = {}
    alternatives: list[SlotOut] = Field(
        default_factory=list, description="The nearest free times, nearest first."
    )


class AppointmentTypeRefOut(Schema):
    id: int
    name: str
    duration_minutes: int
    location: str
    location_label: str
    price_text: str
    is_free: bool


class BookingOut(Schema):
    token: str = Field(
        description="The booking's secret: keep it to look at, cancel or reschedule the booking."
    )
    status: str = Field(
        description="`held` (waiting for the email address to be confirmed), `confirmed`, "
        "`cancelled`, `expired` (not confirmed in time), `done` or `no_show`."
    )
    status_label: str
    start: datetime = Field(description="In the practice's time zone, with its offset.")
    end: datetime
    time_zone: str
    appointment_type: AppointmentTypeRefOut
    practitioner: PractitionerOut
    practice: PracticeOut
    name: str = Field(description="A visitor's name; a client's name from their account.")
    email: str
    phone: str
    question: str = Field(description="The person's own question, as they wrote it.")
    hold_expires_at: datetime | None = Field(
        description="A held booking is released after this unless the email address is "
        "confirmed; null otherwise."
    )
    can_change: bool = Field(description="The person may still cancel or reschedule online.")
    change_until: datetime | None = Field(
        description="Until when (the practice's limit before the start); null: not any more."
    )
    video_link: str = Field(description="For a confirmed video appointment; empty otherwise.")
    created_at: datetime


class BookingIn(Schema):
    appointment_type: int = Field(ge=1, le=MAX_ID)
    start: datetime = Field(
        description="One of the free times (`slots`), with its offset (e.g. "
        "2026-12-08T09:00:00+01:00)."
    )
    practitioner: int | None = Field(
        None,
        ge=1,
        le=MAX_ID,
        description="A practitioner who gives the type; null: whoever is free at `start`.",
    )
    name: str = Field("", max_length=120, description="A visitor's name (required for them).")
    email: str = Field(
        "", max_length=254, description="A visitor's email address (required for them)."
    )
    phone: str = Field("", max_length=32)
    question: str = Field(
        "",
        max_length=2000,
        description="What the person would like to talk about (kept encrypted).",
    )


class RescheduleIn(Schema):
    start: datetime = Field(description="One of the free times, with its offset.")
    practitioner: int | None = Field(
        None,
        ge=1,
        le=MAX_ID,
        description="Another practitioner who gives the type; null: the booking's own.",
    )


# --- helpers ---------------------------------------------------------------------------------


def _guard_write(request: HttpRequest, *, with_body: bool) -> None:
    """A signed-in caller's write needs the CSRF token; a body must be JSON."""
    if request.user.is_authenticated and check_csrf(request) is not None:
        raise HttpError(403, "CSRF check failed: send the X-CSRFToken header.")
    if with_body and request.content_type != "application/json":
        raise HttpError(415, "Send the body as application/json.")


def _invalid(errors: dict[str, Any]) -> Status:
    return Status(422, {"detail": NOT_VALID, "errors": {k: str(v) for k, v in errors.items()}})


def _person_name(user: Any) -> str:
    """A practitioner as visitors see them: their name, never their email address."""
    return user.display_name or _("Behandelaar")


def _zone(practice: Any) -> ZoneInfo:
    return ZoneInfo(services.zone_name(practice))


def _practice_out(practice: Any) -> dict[str, Any]:
    return {"id": practice.pk, "name": practice.name, "time_zone": services.zone_name(practice)}


def _slot_rows(found: list[slots.Slot], zone: ZoneInfo, names: dict[int, str]) -> list[dict]:
    return [
        {
            "start": s.start.astimezone(zone),
            "end": s.end.astimezone(zone),
            "practitioner": s.practitioner_id,
            "practitioner_name": names.get(s.practitioner_id, ""),
        }
        for s in found
    ]


def _names(appointment_type: AppointmentType) -> dict[int, str]:
    return {u.pk: _person_name(u) for u in services.givers(appointment_type)}


def _refused(error: services.BookingError, appointment_type: AppointmentType | None) -> Status:
    """A service's refusal as the API answers it: 409 taken, 422 not offered, 403 not allowed."""
    status = {services.SlotTaken: 409, services.NotBookable: 422, services.NotAllowed: 403}
    code = next((c for kind, c in status.items() if isinstance(error, kind)), 422)
    alternatives: list[dict] = []
    if appointment_type is not None and error.alternatives:
        alternatives = _slot_rows(
            error.alternatives, _zone(appointment_type.practice), _names(appointment_type)
        )
    return Status(code, {"detail": str(error.message), "errors": {}, "alternatives": alternatives})


def _beyond_reach(appointment_type: AppointmentType, start: datetime) -> Status | None:
    """A start years in the past or beyond any horizon (year 1, year 9999): refused as not
    offered, with the first free times, before any date arithmetic could overflow."""
    now = timezone.now()
    if start < now - timedelta(days=366):
        message = _("Deze tijd is al voorbij. Kies een tijd in de toekomst.")
    elif start > now + timedelta(days=appointment_type.horizon_days + 2):
        message = _("Zo ver vooruit kun je nog niet boeken (tot %(days)d dagen vooruit).") % {
            "days": appointment_type.horizon_days
        }
    else:
        return None
    first = services.nearest_free(appointment_type, now, now=now)
    return _refused(services.NotBookable(message, first), appointment_type)


def _visible_type(request: HttpRequest, type_id: int) -> AppointmentType:
    """An active appointment type, or 404."""
    if not 0 < type_id <= MAX_ID:
        raise Http404("no such appointment type")
    found = AppointmentType.objects.bookable().select_related("practice").filter(pk=type_id).first()
    if found is None:
        raise Http404("no such appointment type")
    return found


def _giver(appointment_type: AppointmentType, practitioner_id: int | None) -> Any:
    """The practitioner asked for, if they give the type; None when none was asked for.
    Raises KeyError when the one asked for does not give it."""
    if practitioner_id is None:
        return None
    for user in services.givers(appointment_type):
        if user.pk == practitioner_id:
            return user
    raise KeyError(practitioner_id)


def _booking_for(request: HttpRequest, token: str) -> Booking:
    """The appointment with this token, for the person: a visitor's for whoever holds the token,
    a client's only for that client signed in. Anything else is a 404."""
    if not TOKEN.fullmatch(token):  # never send odd text (NUL bytes…) to the database
        raise Http404("no such booking")
    user = request.user
    allowed = Q(client__isnull=True)
    if user.is_authenticated:
        allowed |= Q(client=user)
    found = (
        Booking.objects.appointments()
        .filter(allowed, token=token)
        .select_related("appointment_type", "practitioner", "practice", "client")
        .first()
    )
    if found is None or found.appointment_type is None:
        raise Http404("no such booking")
    return found


def _booking_out(booking: Booking, now: datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    kind = booking.appointment_type
    if kind is None:  # _booking_for answers appointments of a type only
        raise Http404("no such booking")
    zone = _zone(booking.practice)
    changeable = services.can_change(booking, now=now)
    client = booking.client
    return {
        "token": booking.token,
        "status": booking.status,
        "status_label": str(booking.get_status_display()),
        "start": booking.start.astimezone(zone),
        "end": booking.end.astimezone(zone),
        "time_zone": services.zone_name(booking.practice),
        "appointment_type": {
            "id": kind.pk,
            "name": kind.name,
            "duration_minutes": kind.duration_minutes,
            "location": kind.location,
            "location_label": str(kind.get_location_display()),
            "price_text": kind.price_text,
            "is_free": kind.is_free,
        },
        "practitioner": {
            "id": booking.practitioner_id,
            "name": _person_name(booking.practitioner),
        },
        "practice": _practice_out(booking.practice),
        "name": (client.display_name if client is not None else booking.name),
        "email": booking.contact_email,
        "phone": booking.phone,
        "question": booking.question,
        "hold_expires_at": booking.hold_expires_at
        if booking.status == Booking.Status.HELD
        else None,
        "can_change": changeable,
        "change_until": (
            (booking.start - timedelta(hours=kind.cancel_limit_hours)).astimezone(zone)
            if changeable
            else None
        ),
        "video_link": (
            kind.video_link
            if booking.status == Booking.Status.CONFIRMED
            and kind.location == AppointmentType.Location.VIDEO
            else ""
        ),
        "created_at": booking.created_at,
    }


def _idempotency_scope(request: HttpRequest) -> str:
    """Whose Idempotency-Keys these are: the signed-in account, otherwise the caller's session
    (a random token in it, so no session key is ever used). Another caller's key is a new key."""
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    token = request.session.get(CALLER)
    if not token:
        # Stored in the session, so the session (and its cookie) now exists for the retry.
        token = request.session[CALLER] = secrets.token_urlsafe(18)
    return f"caller:{token}"


def _idempotent_uid(scope: str, key: str) -> uuid.UUID:
    """The UID a booking made with this caller's key gets: one key, one booking (the UID is
    unique), and no caller can make another's UID (a keyed hash)."""
    digest = salted_hmac("lijfwijs.booking.idempotency", f"{scope}\x00{key}").digest()
    return uuid.UUID(bytes=digest[:16], version=4)


# --- what a practice offers ------------------------------------------------------------------


@router.get(
    "/appointment-types",
    response={200: list[AppointmentTypeOut], 422: ErrorOut},
    summary="What can be booked, per practice",
    description="The active appointment types the caller may book, in each practice's order: "
    "those for anyone, and those for a practice's clients only when the caller (signed in) is "
    "one of its clients. `practice` keeps one practice's.",
)
def list_appointment_types(
    request: HttpRequest,
    practice: int = Query(  # noqa: B008 - ninja's way
        0, ge=0, le=MAX_QUERY_ID, description="One practice's id; absent or 0: every practice."
    ),
) -> Any:
    types = AppointmentType.objects.bookable().select_related("practice")
    if practice:
        types = types.filter(practice_id=practice)
    found = list(types.order_by("practice__name", "practice_id", "position", "name"))
    links = AppointmentType.practitioners.through.objects.filter(
        appointmenttype_id__in=[t.pk for t in found]
    ).values_list("appointmenttype_id", "user_id")
    members = dict(
        Membership.objects.filter(user_id__in={u for _t, u in links}).values_list(
            "user_id", "practice_id"
        )
    )
    people = {
        u.pk: u
        for u in User.objects.filter(pk__in=members, is_active=True).order_by(
            "display_name", "email"
        )
    }
    giving: dict[int, list[Any]] = {t.pk: [] for t in found}
    for type_id, user_id in links:
        giving[type_id].append(user_id)
    clients_of: dict[int, bool] = {}
    rows = []
    for kind in found:
        if kind.audience != AppointmentType.Audience.ANYONE:
            if kind.practice_id not in clients_of:
                clients_of[kind.practice_id] = services.is_client_of(request.user, kind.practice)
            if not clients_of[kind.practice_id]:
                continue
        givers = [
            people[u] for u in people if u in giving[kind.pk] and members.get(u) == kind.practice_id
        ]
        rows.append(
            {
                "id": kind.pk,
                "practice": _practice_out(kind.practice),
                "name": kind.name,
                "description": kind.description,
                "duration_minutes": kind.duration_minutes,
                "is_free": kind.is_free,
                "price_text": kind.price_text,
                "location": kind.location,
                "location_label": str(kind.get_location_display()),
                "audience": kind.audience,
                "min_notice_hours": kind.min_notice_hours,
                "horizon_days": kind.horizon_days,
                "cancel_limit_hours": kind.cancel_limit_hours,
                "practitioners": [{"id": u.pk, "name": _person_name(u)} for u in givers],
            }
        )
    return rows


@router.get(
    "/appointment-types/{type_id}/slots",
    response={200: SlotsOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="The free times of an appointment type",
    description="Every free start between `from` and `to` (local dates of the practice, both "
    f"included, at most {MAX_DAYS} days), of every practitioner who gives the type or of "
    "`practitioner` only. Times in the past, too soon (the type's minimum notice) or too far "
    "ahead are never free. 403 for a type that is for the practice's clients only, when the "
    "caller is not one; 422 when `from` is after `to`, the range is too long or "
    "`practitioner` does not give the type.",
)
def list_slots(
    request: HttpRequest,
    type_id: int = Path(...),  # noqa: B008 - ninja's way
    first_day: date = Query(..., alias="from"),  # noqa: B008
    last_day: date = Query(..., alias="to"),  # noqa: B008
    practitioner: int = Query(  # noqa: B008
        0, ge=0, le=MAX_QUERY_ID, description="One practitioner's id; absent or 0: everyone's."
    ),
) -> Any:
    appointment_type = _visible_type(request, type_id)
    if first_day > last_day:
        return _invalid({"from": _("De begindatum ligt na de einddatum.")})
    if (last_day - first_day).days + 1 > MAX_DAYS:
        return _invalid(
            {"to": _("Vraag hoogstens %(days)d dagen tegelijk op.") % {"days": MAX_DAYS}}
        )
    if not services.may_book(appointment_type, request.user):
        return Status(403, {"detail": _("Deze afspraak is alleen voor cliënten van de praktijk.")})
    try:
        chosen = _giver(appointment_type, practitioner or None)
    except KeyError:
        return _invalid({"practitioner": _("Deze behandelaar geeft deze afspraak niet.")})
    now = timezone.now()
    practice = appointment_type.practice
    # Only days that can hold a free time are computed: from today to the type's horizon.
    today = services.local_today(practice, now)
    first = max(first_day, today)
    last = min(last_day, today + timedelta(days=appointment_type.horizon_days))
    shown = [chosen] if chosen is not None else services.givers(appointment_type)
    # From the cache of free times (services.listed_times): each start once, in local time.
    found = (
        services.listed_times(
            appointment_type, first, last, practitioner=chosen, now=now, giving=shown
        )
        if first <= last
        else []
    )
    head = {
        "appointment_type": appointment_type.pk,
        "time_zone": services.zone_name(practice),
        "first_day": first_day.isoformat(),
        "last_day": last_day.isoformat(),
        "practitioners": [{"id": u.pk, "name": _person_name(u)} for u in shown],
    }
    # A month of five practitioners' times is a thousand slots: written as JSON here, each
    # time once (SlotsOut documents it), not validated object by object on the way out.
    body = json.dumps(head)[:-1] + ', "slots": [' + _free_times(found) + "]}"
    return HttpResponse(body, content_type="application/json")


def _free_times(found: list[tuple[str, str, tuple[int, ...]]]) -> str:
    """The free times as FreeTimeOut JSON objects: one per start, with who is free then."""
    return ", ".join(
        '{"start": "%s", "end": "%s", "practitioners": [%s]}'  # noqa: UP031 - the hot loop
        % (start, end, ", ".join(map(str, ids)))
        for start, end, ids in found
    )


# --- booking ---------------------------------------------------------------------------------


@router.post(
    "/bookings",
    response={
        200: BookingOut,
        201: BookingOut,
        403: BookingErrorOut,
        404: ErrorOut,
        409: BookingErrorOut,
        422: BookingErrorOut,
        429: ErrorOut,
    },
    summary="Book a free time",
    description="A visitor (no session) gives `name` and `email` (and may give `phone` and "
    "`question`): the booking is `held` and an email asks to confirm the address within 30 "
    "minutes, after which the time is released. A signed-in caller books for themselves: "
    "`confirmed` at once (their name and email come from the account). 201 with the booking "
    "and its `token`. 409 when someone else just booked (part of) the time, 422 when the time "
    "is not offered (outside the hours, past, too soon, too far ahead) or a field is not "
    "valid, 403 when the type is for the practice's clients only: each with a message and "
    "the nearest free times as `alternatives`. Send an `Idempotency-Key` header (up to 64 "
    "letters, digits, - and _) to make a retry answer the first booking (200) instead of "
    "booking again; a key is the caller's own (the account's, or the session's: keep the "
    "session cookie of the first answer). Visitors' attempts are rate-limited per address "
    "and per email address (429).",
    openapi_extra=body_schema(BookingIn),
)
def create_booking(request: HttpRequest) -> Any:
    _guard_write(request, with_body=True)
    key = request.headers.get("Idempotency-Key", "")
    if key and not IDEMPOTENCY_KEY.fullmatch(key):
        return Status(
            422, {"detail": "Idempotency-Key: up to 64 letters, digits, - and _.", "errors": {}}
        )
    payload = read_body(request, BookingIn)
    visitor = not request.user.is_authenticated
    appointment_type = _visible_type(request, payload.appointment_type)
    uid = _idempotent_uid(_idempotency_scope(request), key) if key else None
    if uid is not None:
        earlier = _earlier(uid)
        if earlier is not None:  # a retry: the first answer again, not counted as an attempt
            return Status(200, _booking_out(earlier))
    if visitor and not hit("api-booking", client_address(request), _rate_limit(), RATE_WINDOW):
        return Status(429, {"detail": "Too many booking attempts from this address; try later."})
    errors: dict[str, Any] = {}
    if payload.start.tzinfo is None or payload.start.utcoffset() is None:
        errors["start"] = _("Geef de tijd met de tijdzone (zoals de vrije tijden hem geven).")
    try:
        chosen = _giver(appointment_type, payload.practitioner)
    except KeyError:
        errors["practitioner"] = _("Deze behandelaar geeft deze afspraak niet.")
    name, email = payload.name.strip(), payload.email.strip()
    if visitor:
        if not name:
            errors["name"] = _("Vul je naam in.")
        try:
            validate_email(email)
        except DjangoValidationError:
            errors["email"] = _("Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl.")
    if errors:
        return Status(422, {"detail": NOT_VALID, "errors": errors, "alternatives": []})
    if visitor and not hit("api-booking-email", email.lower(), _email_rate_limit(), RATE_WINDOW):
        return Status(429, {"detail": "Too many bookings for this email address; try later."})
    refused = _beyond_reach(appointment_type, payload.start)
    if refused is not None:
        return refused
    who = services.Who(
        client=None if visitor else request.user,
        name=name,
        email=email,
        phone=payload.phone.strip(),
        question=payload.question.strip(),
        language=current_language(),
    )
    try:
        booking = services.book(
            appointment_type,
            payload.start,
            who,
            origin=Booking.Origin.API,
            practitioner=chosen,
            uid=uid,
        )
    except services.BookingError as error:
        earlier = _earlier(uid) if uid is not None else None
        if earlier is not None:  # the same key's first attempt won the race
            return Status(200, _booking_out(earlier))
        return _refused(error, appointment_type)
    return Status(201, _booking_out(booking))


def _earlier(uid: uuid.UUID) -> Booking | None:
    return (
        Booking.objects.filter(uid=uid)
        .select_related("appointment_type", "practitioner", "practice", "client")
        .first()
    )


@router.get(
    "/bookings/{token}",
    response={200: BookingOut, 404: ErrorOut},
    summary="A booking, by its token",
    description="For the person who booked: a visitor's booking for whoever holds its token, a "
    "signed-in client's only for that client (404 for anyone else, as for a token that does "
    "not exist).",
)
def get_booking(request: HttpRequest, token: str) -> Any:
    return _booking_out(_booking_for(request, token))


@router.post(
    "/bookings/{token}/cancel",
    response={200: BookingOut, 403: BookingErrorOut, 404: ErrorOut},
    summary="Cancel a booking",
    description="Up to the practice's limit before the start (`change_until`); later, or a "
    "booking that has already taken place, is a 403 with a message (call the practice). A "
    "cancelled booking answers as it is. The practice and the person get an email.",
)
def cancel_booking(request: HttpRequest, token: str) -> Any:
    booking = _booking_for(request, token)
    _guard_write(request, with_body=False)
    try:
        booking = services.cancel(booking, by="client")
    except services.BookingError as error:
        return _refused(error, None)
    return _booking_out(booking)


@router.post(
    "/bookings/{token}/reschedule",
    response={
        200: BookingOut,
        403: BookingErrorOut,
        404: ErrorOut,
        409: BookingErrorOut,
        422: BookingErrorOut,
    },
    summary="Move a booking to another free time",
    description="The same booking (token and calendar UID stay) at `start`, with the same or "
    "another practitioner who gives the type; up to the practice's limit before the current "
    "start (403 after it). 409 when the new time was just taken, 422 when it is not offered, "
    "each with the nearest free times as `alternatives`.",
    openapi_extra=body_schema(RescheduleIn),
)
def reschedule_booking(request: HttpRequest, token: str) -> Any:
    booking = _booking_for(request, token)
    _guard_write(request, with_body=True)
    payload = read_body(request, RescheduleIn)
    appointment_type = booking.appointment_type
    if appointment_type is None:
        raise Http404("no such booking")
    errors: dict[str, Any] = {}
    if payload.start.tzinfo is None or payload.start.utcoffset() is None:
        errors["start"] = _("Geef de tijd met de tijdzone (zoals de vrije tijden hem geven).")
    try:
        chosen = _giver(appointment_type, payload.practitioner)
    except KeyError:
        errors["practitioner"] = _("Deze behandelaar geeft deze afspraak niet.")
    if errors:
        return Status(422, {"detail": NOT_VALID, "errors": errors, "alternatives": []})
    refused = _beyond_reach(appointment_type, payload.start)
    if refused is not None:
        return refused
    try:
        booking = services.reschedule(booking, payload.start, by="client", practitioner=chosen)
    except services.BookingError as error:
        return _refused(error, appointment_type)
    return _booking_out(booking)
