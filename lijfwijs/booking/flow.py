"""The booking flow for visitors and clients: what can be booked, a week of free times, the details
and the booking itself (through `services.book`), the pages after it, and a client's own bookings.

- /afspraak/                              what the person may book (per practice)
- /afspraak/<type_id>/                    a week of free times (?week=YYYY-MM-DD, ?behandelaar=<id>)
- /afspraak/<type_id>/gegevens/           the details (GET, with ?start=…&behandelaar=…) and the
                                          booking (POST)
- /afspraak/bevestig-je-e-mail/           a visitor's next step: the link in their email
- /afspraak/<token>/bevestigd/            a signed-in person's booked appointment
- /afspraak/mijn-afspraken/               a signed-in person's bookings

Everything works without JavaScript: each free time is a button of a GET form that leads to the
details. A repeated submit books once: the details form carries a random `attempt`; the booking's
UID is derived from it (so a racing second submit fails on the unique UID in the database) and the
session remembers which booking each attempt made (so the second submit shows the first's result).
"""

import re
import secrets
import uuid
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, get_script_prefix, path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from lijfwijs.accounts.models import Membership, PractitionerAccess
from lijfwijs.assessments.attach import SESSION_LAST, attachable_result
from lijfwijs.assessments.models import Response
from lijfwijs.core.i18n import current_language
from lijfwijs.core.ratelimit import client_address, hit

from . import services, slots
from .forms import ClientBookingForm, VisitorBookingForm, parse_day, parse_id, parse_start
from .models import AppointmentType, Booking

# This browser's bookings by attempt ({attempt: booking token}), the newest last.
SESSION_ATTEMPTS = "booking_attempts"
# The token of the visitor's last held booking (the "check your email" page shows it).
SESSION_HELD = "booking_held"
# Where the Pijntest keeps the id of the result a visitor took in this browser.
PIJNTEST_LAST = SESSION_LAST
ATTEMPT = re.compile(r"[A-Za-z0-9_-]{16,64}")
ATTEMPTS_KEPT = 20
ALTERNATIVES = 3  # nearest free times offered when the wanted one cannot be booked (as services)
# Held bookings a visitor's address may make per hour: each holds a practitioner's time for
# 30 minutes, so a script must not be able to hold a whole week.
HOLDS_PER_HOUR = 10
_ATTEMPT_NAMESPACE = uuid.UUID("5b0c2f7e-3f55-4d0e-9a55-6c1f2f1b7a01")


# --- what the person may book ------------------------------------------------------------------


def client_practice_ids(user: Any) -> set[int]:
    """The practices whose member the person grants access to (they are a client there)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(
        Membership.objects.filter(
            user_id__in=PractitionerAccess.objects.active()
            .filter(client=user)
            .values("practitioner_id")
        ).values_list("practice_id", flat=True)
    )


def bookable_types(user: Any) -> QuerySet[AppointmentType]:
    """The active types the person may book (anyone's; clients' types of their own practices)
    that someone still gives, with their practice."""
    audience = Q(audience=AppointmentType.Audience.ANYONE)
    practices = client_practice_ids(user)
    if practices:
        audience |= Q(audience=AppointmentType.Audience.CLIENTS, practice_id__in=practices)
    giving = AppointmentType.practitioners.through.objects.filter(
        appointmenttype_id=OuterRef("pk"),
        user__is_active=True,
        user_id__in=Membership.objects.filter(practice_id=OuterRef(OuterRef("practice_id"))).values(
            "user_id"
        ),
    )
    return (
        AppointmentType.objects.bookable()
        .filter(audience)
        .filter(Exists(giving))
        .select_related("practice")
        .order_by("practice__name", "practice_id", "position", "name")
    )


def _type_for(request: HttpRequest, type_id: int) -> AppointmentType:
    """One type the person may book, or 404 (the same for one that does not exist)."""
    found = bookable_types(request.user).filter(pk=type_id).first()
    if found is None:
        raise Http404("no such appointment type")
    return found


@lru_cache(maxsize=4)
def _offer_sql(vendor: str) -> str:
    """The booking offer's statement, written once per process from the models' own names (the
    ORM spent ten times longer building this small query on every request than the database
    took to answer it): `AppointmentType.objects.bookable()` for anyone, given by an active
    practitioner, free ones first, then by position."""
    quote = connection.ops.quote_name
    kind = {f.name: quote(f.column) for f in AppointmentType._meta.concrete_fields}
    through = AppointmentType.practitioners.through._meta
    field = AppointmentType._meta.get_field("practitioners")
    user = field.related_model._meta
    table, link, person = (
        quote(AppointmentType._meta.db_table),
        quote(through.db_table),
        quote(user.db_table),
    )
    by_type, by_user = quote(field.m2m_column_name()), quote(field.m2m_reverse_name())
    user_id, user_active = quote(user.pk.column), quote(user.get_field("is_active").column)
    # only quoted names of the models' own columns, and %s placeholders for the values
    return (
        f"SELECT {table}.{kind['id']}, {table}.{kind['name']}, {table}.{kind['is_free']}, "  # noqa: S608
        f"{table}.{kind['duration_minutes']} FROM {table} "
        f"INNER JOIN {link} ON {table}.{kind['id']} = {link}.{by_type} "
        f"INNER JOIN {person} ON {link}.{by_user} = {person}.{user_id} "
        f"WHERE {table}.{kind['is_active']} AND {table}.{kind['audience']} = %s "
        f"AND {person}.{user_active} "
        f"ORDER BY {table}.{kind['is_free']} DESC, {table}.{kind['position']}, {table}.{kind['id']} "
        "LIMIT 1"
    )


@lru_cache(maxsize=16)
def _times_url(language: str, script_prefix: str) -> str:
    """The address of a type's free times, with `0` for its id: reversed once per process,
    language and script prefix (as the layout's addresses)."""
    return reverse("booking_times", args=[0])


def booking_offer(request: HttpRequest) -> dict[str, Any] | None:
    """What the booking button on the Pijntest report and the home page offers: the first active
    free type anyone may book, else the first active type anyone may book (one query)."""
    with connection.cursor() as cursor:
        cursor.execute(_offer_sql(connection.vendor), [AppointmentType.Audience.ANYONE.value])
        found = cursor.fetchone()
    if found is None:
        return None
    type_id, name, is_free, duration = found
    url = _times_url(get_language(), get_script_prefix())
    return {
        "type_id": type_id,
        "name": name,
        "is_free": bool(is_free),
        "duration_minutes": duration,
        "url": f"{url[: url.rindex('/0/')]}/{type_id}/",
    }


# --- showing times -------------------------------------------------------------------------------


def _zone(appointment_type: AppointmentType) -> ZoneInfo:
    return ZoneInfo(services.zone_name(appointment_type.practice))


def _zone_label(zone: ZoneInfo, moment: datetime) -> str:
    return f"{zone.key} ({moment.astimezone(zone).tzname()})"


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    """The wall-clock time in the practice's zone, naive: templates show it as it is (they would
    move an aware time to the site's zone)."""
    return moment.astimezone(zone).replace(tzinfo=None)


def _time(slot_start: datetime, zone: ZoneInfo) -> dict[str, Any]:
    return {"start": slot_start.isoformat(), "local": _local(slot_start, zone)}


def _times(found: list[slots.Slot], zone: ZoneInfo) -> list[dict[str, Any]]:
    """One entry per start time (several practitioners may be free at once), in order."""
    seen: set[datetime] = set()
    shown = []
    for slot in found:
        if slot.start not in seen:
            seen.add(slot.start)
            shown.append(_time(slot.start, zone))
    return shown


def _chosen_giver(givers: list[Any], value: Any) -> Any:
    wanted = parse_id(value)
    return next((giver for giver in givers if giver.pk == wanted), None)


@never_cache
@require_safe
def start(request: HttpRequest) -> HttpResponse:
    """What can be booked: one practice's types straight away, or the practices to choose from."""
    types = list(bookable_types(request.user))
    practices: dict[int, dict[str, Any]] = {}
    for appointment_type in types:
        entry = practices.setdefault(
            appointment_type.practice_id,
            {"practice": appointment_type.practice, "types": []},
        )
        entry["types"].append(appointment_type)
    mine = client_practice_ids(request.user)
    chosen = parse_id(request.GET.get("praktijk"))
    if len(practices) == 1:
        chosen = next(iter(practices))
    groups = sorted(
        practices.values(), key=lambda g: (g["practice"].pk not in mine, g["practice"].name)
    )
    for group in groups:
        group["is_mine"] = group["practice"].pk in mine
    current = practices.get(chosen) if chosen is not None else None
    return render(
        request,
        "booking/flow/start.html",
        {"groups": groups, "current": current, "several": len(practices) > 1},
    )


@never_cache
@require_safe
def times(request: HttpRequest, type_id: int) -> HttpResponse:
    """A week of free times of the type, in the practice's time zone."""
    appointment_type = _type_for(request, type_id)
    zone = _zone(appointment_type)
    now = timezone.now()
    today = services.local_today(appointment_type.practice, now)
    last_day = today + timedelta(days=appointment_type.horizon_days)
    first_monday = today - timedelta(days=today.weekday())
    last_monday = last_day - timedelta(days=last_day.weekday())
    wanted = parse_day(request.GET.get("week")) or today
    monday = min(max(wanted - timedelta(days=wanted.weekday()), first_monday), last_monday)
    sunday = monday + timedelta(days=6)
    givers = services.givers(appointment_type)
    chosen = _chosen_giver(givers, request.GET.get("behandelaar"))
    found = services.listed_slots(appointment_type, monday, sunday, practitioner=chosen, now=now)
    by_day: dict[date, list[slots.Slot]] = {}
    for slot in found:
        by_day.setdefault(slot.start.astimezone(zone).date(), []).append(slot)
    days = [
        {
            "date": monday + timedelta(days=offset),
            "times": _times(by_day.get(monday + timedelta(days=offset), []), zone),
            "is_past": monday + timedelta(days=offset) < today,
        }
        for offset in range(7)
    ]

    def week_url(day: date) -> str:
        query = {"week": day.isoformat()}
        if chosen is not None:
            query["behandelaar"] = str(chosen.pk)
        return f"?{urlencode(query)}"

    first_free = None
    if not found:
        later = services.listed_slots(
            appointment_type, today, last_day, practitioner=chosen, now=now
        )
        if later:
            local = _local(later[0].start, zone)
            first_free = {"local": local, "url": week_url(local.date())}
    return render(
        request,
        "booking/flow/times.html",
        {
            "appointment_type": appointment_type,
            "practice": appointment_type.practice,
            "days": days,
            "monday": monday,
            "sunday": sunday,
            "previous_url": week_url(monday - timedelta(days=7)) if monday > first_monday else "",
            "next_url": week_url(monday + timedelta(days=7)) if monday < last_monday else "",
            "first_free": first_free,
            "givers": givers,
            "chosen": chosen,
            "zone_label": _zone_label(zone, datetime.combine(monday, datetime.min.time(), zone)),
            "details_url": reverse("booking_details", args=[appointment_type.pk]),
            "has_times": bool(found),
            "several_givers": len(givers) > 1,
        },
    )


# --- the details and the booking -----------------------------------------------------------------


def _uid_of(attempt: str) -> uuid.UUID:
    return uuid.uuid5(_ATTEMPT_NAMESPACE, attempt)


def _self_service_url(name: str, token: str) -> str:
    """A self-service page of a booking (self_service.py: "booking_manage", "booking_ics"), or
    "" when there is none of that name."""
    try:
        return reverse(name, args=[token])
    except NoReverseMatch:
        return ""


def _result_of(request: HttpRequest, booking: Booking) -> HttpResponse:
    """Where a booking made by this browser leads: a signed-in person's booked page, a visitor's
    "check your email" page."""
    if booking.client_id is not None:
        return redirect("booking_booked", token=booking.token)
    request.session[SESSION_HELD] = booking.token
    return redirect("booking_check_email")


def _earlier_booking(request: HttpRequest, attempt: str) -> Booking | None:
    """The booking this attempt made already (a double click, a retry), if it is this person's:
    the session says so, or (a second request racing the first, before the session was saved)
    the attempt's UID names it and it is the same account, or a visitor's with the same address."""
    token = request.session.get(SESSION_ATTEMPTS, {}).get(attempt)
    query = Q(token=token) if token else Q(uid=_uid_of(attempt))
    booking = Booking.objects.filter(query).first()
    if booking is None:
        return None
    if request.user.is_authenticated:
        return booking if booking.client_id == request.user.pk else None
    if booking.client_id is not None:
        return None
    if token:
        return booking
    typed = request.POST.get("email", "")
    return booking if typed.strip().lower() == booking.email.lower() else None


def _remember(request: HttpRequest, attempt: str, booking: Booking) -> None:
    attempts = dict(request.session.get(SESSION_ATTEMPTS, {}))
    attempts[attempt] = booking.token
    request.session[SESSION_ATTEMPTS] = dict(list(attempts.items())[-ATTEMPTS_KEPT:])


def _alternatives(
    appointment_type: AppointmentType,
    wanted: datetime | None,
    practitioner: Any,
    now: datetime,
    found: list[slots.Slot] | None = None,
) -> list[slots.Slot]:
    """The free times nearest to the wanted one (`found`: the ones an error brought). Beyond the
    horizon, the last free times before it; when nothing is near, the first free times."""
    if found:
        return found[:ALTERNATIVES]
    zone = _zone(appointment_type)
    last_day = services.local_today(appointment_type.practice, now) + timedelta(
        days=appointment_type.horizon_days
    )
    horizon_end = slots.local_day_bounds(last_day, zone.key)[1]
    for near in (min(wanted, horizon_end) if wanted else None, now):
        if near is None:
            continue
        nearest = services.nearest_free(
            appointment_type, near, practitioner=practitioner, count=ALTERNATIVES, now=now
        )
        if nearest:
            return nearest
    return []


def _book(
    request: HttpRequest,
    appointment_type: AppointmentType,
    start: datetime,
    who: services.Who,
    practitioner: Any,
    now: datetime,
    attempt: str,
) -> tuple[str, Booking | services.BookingError]:
    """Book once per attempt: (the attempt, the booking made now or by this very submit a moment
    ago) or (the attempt, why not). An attempt whose UID is someone else's booking (a copied
    form) is replaced by a fresh one and tried once more."""
    failure = services.BookingError("")
    for _tries in range(2):
        try:
            booking = services.book(
                appointment_type,
                start,
                who,
                origin=Booking.Origin.CLIENT if who.client else Booking.Origin.VISITOR,
                practitioner=practitioner,
                now=now,
                uid=_uid_of(attempt),
            )
        except services.BookingError as error:
            earlier = _earlier_booking(request, attempt)  # the same submit, racing this one
            if earlier is not None:
                return attempt, earlier
            if not Booking.objects.filter(uid=_uid_of(attempt)).exists():
                return attempt, error
            failure, attempt = error, secrets.token_urlsafe(18)
        else:
            _remember(request, attempt, booking)
            return attempt, booking
    return attempt, failure


@never_cache
@require_http_methods(["GET", "POST"])
def details(request: HttpRequest, type_id: int) -> HttpResponse:
    """The chosen time with the person's details (GET), and booking it (POST)."""
    appointment_type = _type_for(request, type_id)
    zone = _zone(appointment_type)
    now = timezone.now()
    data = request.POST if request.method == "POST" else request.GET
    signed_in = request.user.is_authenticated
    result = attachable_result(request)
    form_class = ClientBookingForm if signed_in else VisitorBookingForm
    attempt = data.get("attempt", "")
    if not isinstance(attempt, str) or not ATTEMPT.fullmatch(attempt):
        attempt = secrets.token_urlsafe(18)

    givers = services.givers(appointment_type)
    practitioner = None
    if data.get("behandelaar"):
        practitioner = _chosen_giver(givers, data.get("behandelaar"))
    start = parse_start(data.get("start"))
    wanted = start or parse_start(data.get("gewenst"))

    problem = ""
    status = 200
    alternatives: list[slots.Slot] = []
    if data.get("behandelaar") and practitioner is None:
        problem = _("Deze behandelaar geeft deze afspraak niet. Kies een van de vrije tijden.")
        alternatives = _alternatives(appointment_type, wanted, None, now)
        status, start = 422, None
    elif start is None:
        problem = (
            _("Kies een van de vrije tijden.")
            if not data.get("start") and request.method == "POST" and data.get("gewenst")
            else _("Deze tijd kunnen we niet lezen. Kies een van de vrije tijden.")
        )
        alternatives = _alternatives(appointment_type, wanted, practitioner, now)
        status = 422

    if request.method == "POST":
        earlier = _earlier_booking(request, attempt)
        if earlier is not None:
            return _result_of(request, earlier)
        form = form_class(request.POST, can_attach=result is not None)
        if not form.is_valid() and status == 200:
            status = 422
        if status == 200:
            if not signed_in and not hit(
                "booking-hold", client_address(request), HOLDS_PER_HOUR, 3600
            ):
                return render(request, "booking/flow/too_many.html", status=429)
            attempt, outcome = _book(
                request,
                appointment_type,
                start,  # type: ignore[arg-type]
                _who(request, form, result),
                practitioner,
                now,
                attempt,
            )
            if isinstance(outcome, Booking):
                return _result_of(request, outcome)
            if isinstance(outcome, services.NotAllowed):
                raise Http404("not bookable for this person")
            problem = str(outcome.message)
            alternatives = _alternatives(
                appointment_type, wanted, practitioner, now, outcome.alternatives
            )
            status = 409 if isinstance(outcome, services.SlotTaken) else 422
            start = None
    else:
        form = form_class(can_attach=result is not None)
        if status == 200:
            try:
                services.free_at(
                    appointment_type,
                    start,  # type: ignore[arg-type]
                    practitioner=practitioner,
                    now=now,
                )
            except services.BookingError as error:
                problem = str(error.message)
                alternatives = _alternatives(
                    appointment_type, wanted, practitioner, now, error.alternatives
                )
                status = 409 if isinstance(error, services.SlotTaken) else 422
                start = None

    if status == 409 and not problem:
        problem = _("Deze tijd is net geboekt.")
    end = (
        start + timedelta(minutes=appointment_type.duration_minutes) if start is not None else None
    )
    return render(
        request,
        "booking/flow/details.html",
        {
            "appointment_type": appointment_type,
            "practice": appointment_type.practice,
            "form": form,
            "attempt": attempt,
            "start": _time(start, zone) if start is not None else None,
            "end": _local(end, zone) if end is not None else None,
            "wanted": wanted.isoformat() if wanted is not None else "",
            "practitioner": practitioner or (givers[0] if len(givers) == 1 else None),
            "chosen": practitioner,
            "problem": problem,
            "taken": status == 409,
            "alternatives": [_time(slot.start, zone) for slot in alternatives],
            "zone_label": _zone_label(zone, start or wanted or now),
            "times_url": reverse("booking_times", args=[appointment_type.pk])
            + (f"?{urlencode({'behandelaar': practitioner.pk})}" if practitioner else ""),
            "has_result": result is not None,
            "visitor": not signed_in,
            "hold_minutes": services.HOLD_MINUTES,
        },
        status=status,
    )


def _who(request: HttpRequest, form: Any, result: Response | None) -> services.Who:
    data = form.cleaned_data
    attached = result if (result is not None and data.get("attach")) else None
    if request.user.is_authenticated:
        return services.Who(
            client=request.user,
            question=data["question"],
            language=current_language(),
            assessment_response=attached,
        )
    return services.Who(
        name=data["name"],
        email=data["email"],
        phone=data["phone"],
        question=data["question"],
        language=current_language(),
        assessment_response=attached,
    )


# --- after booking -------------------------------------------------------------------------------


def _shown(booking: Booking) -> dict[str, Any]:
    """What a page shows of a booking: times in its practice's zone, the type, where."""
    zone = ZoneInfo(services.zone_name(booking.practice))
    return {
        "booking": booking,
        "start": _local(booking.start, zone),
        "end": _local(booking.end, zone),
        "zone_label": _zone_label(zone, booking.start),
        "manage_url": _self_service_url("booking_manage", booking.token),
        "ics_url": _self_service_url("booking_ics", booking.token),
    }


@never_cache
@require_safe
def check_email(request: HttpRequest) -> HttpResponse:
    """A visitor's next step: confirm the address with the link we sent (the time is held)."""
    token = request.session.get(SESSION_HELD)
    booking = (
        Booking.objects.filter(token=token, client__isnull=True)
        .select_related("appointment_type", "practice")
        .first()
        if isinstance(token, str) and token
        else None
    )
    context: dict[str, Any] = {"hold_minutes": services.HOLD_MINUTES}
    if booking is not None:
        context.update(_shown(booking))
    return render(request, "booking/flow/check_email.html", context)


@never_cache
@login_required
@require_safe
def booked(request: HttpRequest, token: str) -> HttpResponse:
    """A signed-in person's booked appointment (only their own: 404 for anyone else's)."""
    booking = (
        Booking.objects.appointments()
        .filter(token=token, client=request.user)
        .select_related("appointment_type", "practice", "practitioner")
        .first()
    )
    if booking is None:
        raise Http404("no such booking")
    return render(request, "booking/flow/booked.html", _shown(booking))


@never_cache
@login_required
@require_safe
def mine(request: HttpRequest) -> HttpResponse:
    """The signed-in person's bookings: coming (held or confirmed) and past or cancelled."""
    now = timezone.now()
    bookings = (
        Booking.objects.appointments()
        .filter(client=request.user)
        .exclude(status=Booking.Status.EXPIRED)
        .select_related("appointment_type", "practice", "practitioner")
        .order_by("start")
    )
    coming, past = [], []
    for booking in bookings:
        shown = _shown(booking)
        if booking.end > now and booking.status in (
            Booking.Status.HELD,
            Booking.Status.CONFIRMED,
        ):
            shown["can_change"] = services.can_change(booking, now=now)
            coming.append(shown)
        else:
            past.append(shown)
    past.reverse()
    return render(request, "booking/flow/mine.html", {"coming": coming, "past": past})


urlpatterns = [
    path("afspraak/", start, name="booking_start"),
    path("afspraak/bevestig-je-e-mail/", check_email, name="booking_check_email"),
    path("afspraak/mijn-afspraken/", mine, name="booking_mine"),
    path("afspraak/<int:type_id>/", times, name="booking_times"),
    path("afspraak/<int:type_id>/gegevens/", details, name="booking_details"),
    path("afspraak/<str:token>/bevestigd/", booked, name="booking_booked"),
]
