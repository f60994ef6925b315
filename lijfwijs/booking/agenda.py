"""The practitioner's agenda (`/praktijk/agenda/…`): the practice's bookings per day or week, a
booking's details with what the person attached, marking, cancelling and rescheduling by the
practice, booking for a client and blocking time.

Who may do what (members of the practice only; another practice's bookings are a 404):
- every member sees every booking's time, type, status, who and contact;
- the question and the attached Pijntest: the booking's practitioner and the practice's owner,
  never an assistant or a colleague;
- marking done or no-show: the booking's practitioner and the owner;
- cancelling and rescheduling by the practice: those two and the assistants (who keep the agenda);
- booking for a client: a practitioner, for one of their own consenting clients, with themselves;
- blocking time: a practitioner for themselves, the owner for anyone of the practice who gives
  appointments; removing a block likewise.
All time is taken and given back through services.py; nothing here writes a booking's time.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lijfwijs.accounts.access import clients_of, member_required
from lijfwijs.accounts.audit import log_access
from lijfwijs.accounts.models import AccessLog, PractitionerAccess, User
from lijfwijs.assessments.attach import summary as result_summary
from lijfwijs.core.dates import in_range

from . import services, slots
from .agenda_forms import (
    BlockForm,
    BookForClientForm,
    DayForm,
    MarkForm,
    RescheduleForm,
    StartField,
    parse_start,
    types_given_by,
)
from .models import Booking

ALL = "alle"  # the practitioner filter's value for everyone


# --- who may do what --------------------------------------------------------------------------


def booking_for(request: HttpRequest, booking_id: int) -> Booking:
    """One booking of the member's practice, or 404 (another practice's, or none)."""
    found = (
        Booking.objects.filter(practice=request.membership.practice, pk=booking_id)  # type: ignore[attr-defined]
        .select_related("appointment_type", "practitioner", "client", "assessment_response")
        .first()
    )
    if found is None:
        raise Http404("no such booking")
    return found


def _gives_appointments(request: HttpRequest) -> bool:
    return request.user.is_practitioner  # type: ignore[union-attr]


def sees_health(request: HttpRequest, booking: Booking) -> bool:
    """The question and the attached Pijntest: the booking's practitioner and the owner."""
    if not _gives_appointments(request):
        return False
    return booking.practitioner_id == request.user.pk or request.membership.is_owner  # type: ignore[attr-defined]


def may_mark(request: HttpRequest, booking: Booking) -> bool:
    return sees_health(request, booking)


def may_change(request: HttpRequest, booking: Booking) -> bool:
    """Cancel or reschedule by the practice: the practitioner, the owner, an assistant."""
    membership = request.membership  # type: ignore[attr-defined]
    return (
        booking.practitioner_id == request.user.pk
        or membership.is_owner
        or membership.role == membership.Role.ASSISTANT
    )


def _log(request: HttpRequest, booking: Booking, action: str) -> None:
    """One access-log row when a page shows, or an action changes, a signed-in person's booking
    (their name and contact; the detail page logs the Pijntest look itself)."""
    if booking.client_id is not None and booking.kind == Booking.Kind.APPOINTMENT:
        log_access(
            request.user,  # type: ignore[arg-type]
            [booking.client_id],
            AccessLog.Kind.PROFILE,
            action,
            f"booking:{booking.pk}",
        )


def _zone(request: HttpRequest) -> str:
    return services.zone_name(request.membership.practice)  # type: ignore[attr-defined]


def _today(request: HttpRequest) -> date:
    return services.local_today(request.membership.practice)  # type: ignore[attr-defined]


def _givers(request: HttpRequest) -> list[User]:
    return services.practitioners_of(request.membership.practice)  # type: ignore[attr-defined]


# --- the agenda -------------------------------------------------------------------------------


def _parse_day(value: str) -> date | None:
    value = value.strip()
    try:
        if "-W" in value.upper():  # an ISO week, 2026-W49
            year, week = value.upper().split("-W", 1)
            day = date.fromisocalendar(int(year), int(week), 1)
        else:
            day = date.fromisoformat(value)
    except ValueError:
        return None
    return day if in_range(day) else None  # a year nobody books: no week before or after it


@dataclass
class Day:
    date: date
    items: list[Booking] = field(default_factory=list)
    is_today: bool = False


def _days(first: date, count: int, bookings: list[Booking], zone: str, today: date) -> list[Day]:
    """The bookings under the local day each starts on (one that runs past midnight, or began
    the day before, is listed under each day it covers)."""
    tz = ZoneInfo(zone)
    days = [
        Day(first + timedelta(days=n), is_today=first + timedelta(days=n) == today)
        for n in range(count)
    ]
    by_date = {d.date: d for d in days}
    for booking in bookings:
        start = booking.start.astimezone(tz).date()
        end = (booking.end - timedelta(microseconds=1)).astimezone(tz).date()
        moment = max(start, first)
        while moment <= end and moment in by_date:
            by_date[moment].items.append(booking)
            moment += timedelta(days=1)
    return days


def _log_listed(user: Any, bookings: list[Booking]) -> None:
    """A list of bookings (the agenda's days, the start page's today) is a look at the signed-in
    clients among them: one access-log row each (PROFILE, LIST, "agenda")."""
    shown = sorted(
        {
            b.client_id
            for b in bookings
            if b.client_id is not None and b.kind == Booking.Kind.APPOINTMENT
        }
    )
    if shown:
        log_access(user, shown, AccessLog.Kind.PROFILE, AccessLog.Action.LIST, "agenda")


@never_cache
@member_required
@require_safe
def agenda(request: HttpRequest) -> HttpResponse:
    """The practice's bookings for a day (?dag=) or a week (?week=), for one practitioner
    (default: yourself when you give appointments, else everyone) or all (?behandelaar=alle)."""
    zone = _zone(request)
    today = _today(request)
    givers = _givers(request)
    notice = ""
    week_mode = "week" in request.GET
    raw = request.GET.get("week" if week_mode else "dag", "")
    chosen_day = _parse_day(raw) if raw else today
    if chosen_day is None:
        notice = _("Deze datum begrijpen we niet. Je ziet nu vandaag.")
        chosen_day = today
    wanted = request.GET.get("behandelaar", "")
    own = request.user.pk if any(g.pk == request.user.pk for g in givers) else None
    if wanted == ALL or (not wanted and own is None):
        practitioner = None
    else:
        try:
            pk = int(wanted) if wanted else own
        except ValueError:
            pk = -1
        practitioner = next((g for g in givers if g.pk == pk), None)
        if practitioner is None:
            notice = _("Deze behandelaar hoort niet bij je praktijk. Je ziet nu iedereen.")
    if week_mode:
        first = chosen_day - timedelta(days=chosen_day.weekday())
        count = 7
        previous, following = first - timedelta(days=7), first + timedelta(days=7)
    else:
        first, count = chosen_day, 1
        previous, following = first - timedelta(days=1), first + timedelta(days=1)
    since, _end = slots.local_day_bounds(first, zone)
    _start, until = slots.local_day_bounds(first + timedelta(days=count - 1), zone)
    filters = {"practitioner": practitioner} if practitioner is not None else {}
    bookings = list(services.bookings_between(request.membership.practice, since, until, **filters))  # type: ignore[attr-defined]
    _log_listed(request.user, bookings)
    who = ALL if practitioner is None else str(practitioner.pk)
    mode = "week" if week_mode else "dag"
    context = {
        "zone": zone,
        "week_mode": week_mode,
        "days": _days(first, count, bookings, zone, today),
        "first": first,
        "last": first + timedelta(days=count - 1),
        "practitioner": practitioner,
        "givers": givers,
        "who": who,
        "show_practitioner": practitioner is None,
        "previous": f"?{mode}={previous.isoformat()}&behandelaar={who}",
        "following": f"?{mode}={following.isoformat()}&behandelaar={who}",
        "today_link": f"?{mode}={today.isoformat()}&behandelaar={who}",
        "other_mode": f"?{'dag' if week_mode else 'week'}={first.isoformat()}&behandelaar={who}",
        "notice": notice,
        "may_book": _gives_appointments(request),
        "all_value": ALL,
    }
    return render(request, "booking/agenda/agenda.html", context)


def home_panel(request: Any) -> tuple[str, dict[str, Any]] | None:
    """On the start page of a practitioner who gives appointments: their own bookings of today in
    the practice's time, each with a link to it, and the way to the agenda. The clients shown are
    logged as the agenda's day logs them (PROFILE, LIST, "agenda")."""
    user = request.user
    if not (user.is_authenticated and user.is_practitioner) or user.membership is None:
        return None
    practice = user.membership.practice
    if not any(g.pk == user.pk for g in services.practitioners_of(practice)):
        return None
    zone = services.zone_name(practice)
    since, until = slots.local_day_bounds(services.local_today(practice), zone)
    bookings = list(services.bookings_between(practice, since, until, practitioner=user))
    _log_listed(user, bookings)
    return "booking/_home_panel.html", {"zone": zone, "bookings": bookings}


# --- one booking ------------------------------------------------------------------------------


def _report_link(request: HttpRequest, booking: Booking) -> str:
    """The client's result page in the workspace, when the client grants this practitioner
    access and the attached result is theirs (that page logs its own look)."""
    response = booking.assessment_response
    if booking.client_id is None or response is None or response.user_id != booking.client_id:
        return ""
    granted = (
        PractitionerAccess.objects.active()
        .filter(client_id=booking.client_id, practitioner=request.user)
        .exists()
    )
    if not granted:
        return ""
    try:
        return reverse(
            "practice:client_report",
            kwargs={"client_id": booking.client_id, "response_id": response.pk},
        )
    except NoReverseMatch:
        return ""


def _detail(
    request: HttpRequest, booking: Booking, *, mark_form: Any = None, status: int = 200
) -> HttpResponse:
    """The booking's page, with one access-log row when a signed-in person's data is shown."""
    health = sees_health(request, booking)
    summary = result_summary(booking.assessment_response) if health else None
    shown = {booking.client_id} if booking.client_id else set()
    if summary is not None and booking.assessment_response.user_id:  # type: ignore[union-attr]
        shown.add(booking.assessment_response.user_id)  # type: ignore[union-attr]
    if shown and booking.kind == Booking.Kind.APPOINTMENT:
        log_access(
            request.user,  # type: ignore[arg-type]
            sorted(shown),
            AccessLog.Kind.PIJNTEST if summary is not None else AccessLog.Kind.PROFILE,
            AccessLog.Action.VIEW,
            f"booking:{booking.pk}",
        )
    now = timezone.now()
    active = booking.status in (Booking.Status.HELD, Booking.Status.CONFIRMED)
    is_block = booking.kind == Booking.Kind.BLOCK
    context = {
        "booking": booking,
        "zone": _zone(request),
        "health": health,
        "summary": summary,
        "report_link": _report_link(request, booking) if health else "",
        "is_block": is_block,
        "started": booking.start <= now,
        "may_mark": not is_block
        and may_mark(request, booking)
        and booking.start <= now
        and booking.status
        in (Booking.Status.CONFIRMED, Booking.Status.DONE, Booking.Status.NO_SHOW),
        "may_change": not is_block
        and active
        and booking.end > now
        and may_change(request, booking),
        "may_unblock": is_block
        and booking.status == Booking.Status.CONFIRMED
        and _may_block_for(request, booking.practitioner),
        "mark_form": mark_form or MarkForm(),
    }
    return render(request, "booking/agenda/detail.html", context, status=status)


@never_cache
@member_required
@require_safe
def detail(request: HttpRequest, booking_id: int) -> HttpResponse:
    return _detail(request, booking_for(request, booking_id))


@never_cache
@member_required
@require_POST
def mark(request: HttpRequest, booking_id: int) -> HttpResponse:
    """Done or no-show, once the appointment has begun."""
    booking = booking_for(request, booking_id)
    if booking.kind != Booking.Kind.APPOINTMENT or not may_mark(request, booking):
        raise PermissionDenied
    form = MarkForm(request.POST)
    if not form.is_valid():
        return _detail(request, booking, mark_form=form, status=422)
    try:
        services.mark(booking, form.cleaned_data["status"])
    except services.BookingError as error:
        form.add_error(None, str(error.message))
        return _detail(request, booking, mark_form=form, status=422)
    _log(request, booking, AccessLog.Action.CHANGE)
    if booking.status == Booking.Status.DONE:
        messages.success(request, _("De afspraak staat op gehouden."))
    else:
        messages.success(request, _("De afspraak staat op niet verschenen."))
    return redirect("booking_agenda_detail", booking_id=booking.pk)


@never_cache
@member_required
@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, booking_id: int) -> HttpResponse:
    """GET asks; POST cancels for the practice (the person hears it through services)."""
    booking = booking_for(request, booking_id)
    if booking.kind != Booking.Kind.APPOINTMENT or not may_change(request, booking):
        raise PermissionDenied
    error = ""
    if request.method == "POST":
        try:
            services.cancel(booking, by="practice")
        except services.BookingError as refused:
            error = str(refused.message)
        else:
            _log(request, booking, AccessLog.Action.CHANGE)
            messages.success(
                request,
                _("De afspraak is geannuleerd. %(who)s krijgt daar bericht van.")
                % {"who": booking.who or _("De cliënt")},
            )
            return redirect("booking_agenda_detail", booking_id=booking.pk)
    context = {"booking": booking, "zone": _zone(request), "error": error}
    _log(request, booking, AccessLog.Action.VIEW)
    return render(request, "booking/agenda/cancel.html", context, status=422 if error else 200)


def _day_param(request: HttpRequest, default: date) -> tuple[date, DayForm]:
    form = DayForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return form.cleaned_data["dag"], form
    return default, form


@never_cache
@member_required
@require_http_methods(["GET", "POST"])
def reschedule(request: HttpRequest, booking_id: int) -> HttpResponse:
    """The free times of a day for the booking's type and practitioner; POST moves it there."""
    booking = booking_for(request, booking_id)
    if booking.kind != Booking.Kind.APPOINTMENT or not may_change(request, booking):
        raise PermissionDenied
    zone = _zone(request)
    tz = ZoneInfo(zone)
    form = RescheduleForm(request.POST if request.method == "POST" else None)
    alternatives: list[slots.Slot] = []
    default_day = max(booking.start.astimezone(tz).date(), _today(request))
    if request.method == "POST":
        if form.is_valid():
            try:
                services.reschedule(booking, form.cleaned_data["start"], by="practice")
            except services.BookingError as refused:
                form.add_error("start", str(refused.message))
                alternatives = refused.alternatives
            else:
                _log(request, booking, AccessLog.Action.CHANGE)
                messages.success(
                    request,
                    _("De afspraak is verzet. %(who)s krijgt daar bericht van.")
                    % {"who": booking.who or _("De cliënt")},
                )
                return redirect("booking_agenda_detail", booking_id=booking.pk)
        chosen = parse_start(form.data.get("start", ""))
        day = chosen.astimezone(tz).date() if chosen else default_day
        day_form = DayForm(initial={"dag": day})
    else:
        day, day_form = _day_param(request, default_day)
    free = []
    if booking.appointment_type is not None and booking.status in (
        Booking.Status.HELD,
        Booking.Status.CONFIRMED,
    ):
        free = services.free_slots(
            booking.appointment_type,
            day,
            day,
            practitioner=booking.practitioner,
            exclude_booking=booking.pk,
        )
    context = {
        "booking": booking,
        "zone": zone,
        "form": form,
        "day_form": day_form,
        "day": day,
        "free": free,
        "alternatives": alternatives,
        "chosen": form.data.get("start", "") if form.is_bound else "",
        "previous_day": (day - timedelta(days=1)).isoformat(),
        "next_day": (day + timedelta(days=1)).isoformat(),
    }
    _log(request, booking, AccessLog.Action.VIEW)
    return render(
        request, "booking/agenda/reschedule.html", context, status=422 if form.errors else 200
    )


# --- booking for a client ---------------------------------------------------------------------


@never_cache
@member_required
@require_http_methods(["GET", "POST"])
def book_for_client(request: HttpRequest) -> HttpResponse:
    """A practitioner books one of their consenting clients with themselves: GET chooses the
    client, the type and the day and lists the free times; POST books the chosen time (origin
    practice, confirmed at once)."""
    if not _gives_appointments(request):
        raise PermissionDenied
    practitioner = request.user
    clients = clients_of(practitioner).order_by("display_name", "email")  # type: ignore[arg-type]
    types = types_given_by(request.membership.practice, practitioner)  # type: ignore[attr-defined]
    data = (
        request.POST
        if request.method == "POST"
        else (request.GET if "client" in request.GET else None)
    )
    form = BookForClientForm(data, clients=clients, types=types, initial={"day": _today(request)})
    start_field = StartField(label=_("Tijd"))
    start_error = ""
    free: list[slots.Slot] = []
    alternatives: list[slots.Slot] = []
    valid = form.is_bound and form.is_valid()
    if valid:
        free = services.free_slots(
            form.cleaned_data["appointment_type"],
            form.cleaned_data["day"],
            form.cleaned_data["day"],
            practitioner=practitioner,
        )
    if request.method == "POST" and valid:
        try:
            start = start_field.clean(request.POST.get("start", ""))
        except ValidationError as invalid:
            start_error = " ".join(invalid.messages)
        else:
            client = form.cleaned_data["client"]
            try:
                booking = services.book(
                    form.cleaned_data["appointment_type"],
                    start,
                    services.Who(
                        client=client,
                        question=form.cleaned_data["question"],
                        language=client.language,
                    ),
                    origin=Booking.Origin.PRACTICE,
                    practitioner=practitioner,
                )
            except services.BookingError as refused:
                start_error = str(refused.message)
                alternatives = refused.alternatives
            else:
                _log(request, booking, AccessLog.Action.CHANGE)
                messages.success(
                    request,
                    _("De afspraak met %(who)s staat in je agenda. %(who)s krijgt een bevestiging.")
                    % {"who": client},
                )
                return redirect("booking_agenda_detail", booking_id=booking.pk)
    listed = list(clients.values_list("pk", flat=True))
    context = {
        "form": form,
        "zone": _zone(request),
        "free": free,
        "alternatives": alternatives,
        "chosen": request.POST.get("start", "") if request.method == "POST" else "",
        "start_error": start_error,
        "step_two": valid,
        "has_clients": bool(listed),
        "has_types": types.exists(),
    }
    if listed:  # the names in the list of clients to choose from
        log_access(
            practitioner,  # type: ignore[arg-type]
            listed,
            AccessLog.Kind.PROFILE,
            AccessLog.Action.LIST,
            "agenda:new",
        )
    failed = request.method == "POST" and (form.errors or start_error)
    return render(request, "booking/agenda/new.html", context, status=422 if failed else 200)


# --- blocking time ----------------------------------------------------------------------------


def _may_block_for(request: HttpRequest, practitioner: Any) -> bool:
    if not _gives_appointments(request):
        return False
    return practitioner.pk == request.user.pk or request.membership.is_owner  # type: ignore[attr-defined]


def _overlapping(practitioner: Any, start: datetime, end: datetime) -> list[Booking]:
    return list(
        Booking.objects.holding()
        .filter(practitioner=practitioner, occupied_start__lt=end, occupied_end__gt=start)
        .select_related("appointment_type", "client")
        .order_by("start")
    )


@never_cache
@member_required
@require_http_methods(["GET", "POST"])
def block(request: HttpRequest) -> HttpResponse:
    """Block time in the agenda (yours; the owner chooses whose) and the blocks still to come."""
    if not _gives_appointments(request):
        raise PermissionDenied
    membership = request.membership  # type: ignore[attr-defined]
    zone = _zone(request)
    givers = _givers(request)
    choosable = (
        User.objects.filter(pk__in=[g.pk for g in givers]).order_by("display_name", "email")
        if membership.is_owner
        else None
    )
    form = BlockForm(
        request.POST if request.method == "POST" else None,
        zone=zone,
        practitioners=choosable,
        initial={"day": _today(request), "practitioner": request.user.pk},
    )
    conflicts: list[Booking] = []
    if request.method == "POST" and form.is_valid():
        whose = form.cleaned_data.get("practitioner") or request.user
        try:
            services.block_time(
                whose,
                form.cleaned_data["start_at"],
                form.cleaned_data["end_at"],
                note=form.cleaned_data["note"],
            )
        except services.SlotTaken:
            conflicts = _overlapping(
                whose, form.cleaned_data["start_at"], form.cleaned_data["end_at"]
            )
            form.add_error(
                None,
                _(
                    "In deze tijd staat al een afspraak of blokkade in de agenda. Verzet of "
                    "annuleer die eerst, of kies een andere tijd."
                ),
            )
        except services.BookingError as refused:
            form.add_error(None, str(refused.message))
        else:
            messages.success(request, _("De tijd is geblokkeerd: daarin kan niemand meer boeken."))
            return redirect("booking_agenda_block")
    now = timezone.now()
    ids = [g.pk for g in givers] if membership.is_owner else [request.user.pk]
    upcoming = (
        Booking.objects.filter(
            practice=membership.practice,
            kind=Booking.Kind.BLOCK,
            status=Booking.Status.CONFIRMED,
            practitioner_id__in=ids,
            end__gt=now,
        )
        .select_related("practitioner")
        .order_by("start")[:100]
    )
    context = {
        "form": form,
        "zone": zone,
        "conflicts": conflicts,
        "upcoming": upcoming,
        "show_practitioner": membership.is_owner,
    }
    return render(request, "booking/agenda/block.html", context, status=422 if form.errors else 200)


@never_cache
@member_required
@require_POST
def unblock(request: HttpRequest, block_id: int) -> HttpResponse:
    found = booking_for(request, block_id)
    if found.kind != Booking.Kind.BLOCK:
        raise Http404("no such block")
    if not _may_block_for(request, found.practitioner):
        raise PermissionDenied
    services.unblock(found)
    messages.success(request, _("De blokkade is weg: de tijd is weer vrij."))
    return redirect("booking_agenda_block")


urlpatterns = [
    path("praktijk/agenda/", agenda, name="booking_agenda"),
    path("praktijk/agenda/afspraken/<int:booking_id>/", detail, name="booking_agenda_detail"),
    path("praktijk/agenda/afspraken/<int:booking_id>/markeren/", mark, name="booking_agenda_mark"),
    path(
        "praktijk/agenda/afspraken/<int:booking_id>/annuleren/",
        cancel,
        name="booking_agenda_cancel",
    ),
    path(
        "praktijk/agenda/afspraken/<int:booking_id>/verzetten/",
        reschedule,
        name="booking_agenda_reschedule",
    ),
    path("praktijk/agenda/nieuw/", book_for_client, name="booking_agenda_new"),
    path("praktijk/agenda/blokkeren/", block, name="booking_agenda_block"),
    path(
        "praktijk/agenda/blokkeren/<int:block_id>/verwijderen/",
        unblock,
        name="booking_agenda_unblock",
    ),
]
