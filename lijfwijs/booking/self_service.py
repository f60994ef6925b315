"""A person's own booking through the links in the emails, without an account.

- /afspraak/beheer/<token>/                          the booking: details, what can still be done
- /afspraak/beheer/<token>/bevestigen/<signature>/  a visitor confirms their email address (the
                                                     link is signed and valid 30 minutes)
- /afspraak/beheer/<token>/annuleren/               cancel (a page that asks; the POST does it)
- /afspraak/beheer/<token>/verzetten/               another free time of the same type, from a
                                                     week list (?week=YYYY-MM-DD), chosen by POST
- /afspraak/beheer/<token>/agenda.ics               the calendar file

The booking's secret token is the key (signed-in clients reach their own bookings through the
same links). An unknown token is a 404, the same as any other wrong one, and a found token is
compared in constant time besides. Cancelling and rescheduling go through the services, up to the
type's cancellation limit; after it the page says to call the practice. These pages never show
the question the person asked: a link can be forwarded.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from django.contrib import messages
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import formats, timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from . import calendar, notifications, services
from .forms import parse_day, parse_start
from .models import Booking

_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


# --- finding the booking ------------------------------------------------------------------------


def booking_for_token(token: str) -> Booking:
    """The appointment this secret token belongs to, or 404 (whatever is wrong with it)."""
    if not isinstance(token, str) or not _TOKEN.fullmatch(token):
        raise Http404("no such booking")
    booking = (
        Booking.objects.appointments()
        .select_related("practice", "appointment_type", "practitioner", "client")
        .filter(token=token)
        .first()
    )
    if booking is None or not constant_time_compare(booking.token, token):
        raise Http404("no such booking")
    return booking


def _local(booking: Booking, moment: datetime) -> datetime:
    return moment.astimezone(notifications.zone_of(booking))


def _choose_again_url(booking: Booking) -> str:
    """The week of free times of the same type (the booking flow), or the flow's start."""
    for name, kwargs in (
        ("booking_times", {"type_id": booking.appointment_type_id}),
        ("booking_start", {}),
    ):
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    return "/"


def _base_context(booking: Booking, now: datetime) -> dict[str, Any]:
    appointment_type = booking.appointment_type
    return {
        "booking": booking,
        "token": booking.token,
        "when": notifications.when_text(booking),
        "start_local": _local(booking, booking.start),
        "location": calendar.location_of(booking),
        "location_kind": appointment_type.location if appointment_type else "",
        "can_change": services.can_change(booking, now=now),
        "is_coming": booking.status in (Booking.Status.HELD, Booking.Status.CONFIRMED)
        and booking.end > now,
        "cancel_limit_hours": appointment_type.cancel_limit_hours if appointment_type else 0,
        "choose_again_url": _choose_again_url(booking),
    }


def _alternatives(booking: Booking, alternatives: list[Any]) -> list[dict[str, Any]]:
    rows = []
    for slot in alternatives:
        local = _local(booking, slot.start)
        rows.append(
            {
                "value": slot.start.astimezone(UTC).isoformat(),
                "label": f"{formats.date_format(local, 'l j F')}, {local:%H:%M}",
                "week": local.date().isoformat(),
            }
        )
    return rows


# --- the booking's page ---------------------------------------------------------------------------


@never_cache
@require_safe
def manage(request: HttpRequest, token: str) -> HttpResponse:
    booking = booking_for_token(token)
    return render(
        request,
        "booking/self_service/manage.html",
        _base_context(booking, timezone.now()),
    )


@never_cache
@require_safe
def confirm(request: HttpRequest, token: str, signature: str) -> HttpResponse:
    """The link in a visitor's email: their address is confirmed, so is the booking."""
    booking = booking_for_token(token)
    now = timezone.now()
    try:
        notifications.check_confirm_signature(booking.token, signature)
    except signing.SignatureExpired:
        if booking.status == Booking.Status.CONFIRMED:
            return redirect("booking_manage", token=booking.token)
        context = {**_base_context(booking, now), "reason": "expired"}
        return render(request, "booking/self_service/confirm_failed.html", context, status=410)
    except signing.BadSignature:
        raise Http404("no such link") from None
    try:
        booking = services.confirm(booking, now=now)
    except services.SlotTaken as taken:
        context = {
            **_base_context(booking, now),
            "reason": "taken",
            "message": taken.message,
            "alternatives": _alternatives(booking, taken.alternatives),
        }
        return render(request, "booking/self_service/confirm_failed.html", context, status=409)
    except services.BookingError as error:
        booking.refresh_from_db()
        context = {
            **_base_context(booking, now),
            "reason": "not_possible",
            "message": error.message,
        }
        return render(request, "booking/self_service/confirm_failed.html", context, status=409)
    context = {**_base_context(booking, now), "just_confirmed": True}
    return render(request, "booking/self_service/manage.html", context)


# --- cancelling -----------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def cancel(request: HttpRequest, token: str) -> HttpResponse:
    booking = booking_for_token(token)
    now = timezone.now()
    context = _base_context(booking, now)
    if not context["can_change"]:
        status = 409 if request.method == "POST" else 200
        return render(request, "booking/self_service/cancel.html", context, status=status)
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            context["error"] = _("Vink aan dat je de afspraak wilt annuleren.")
            return render(request, "booking/self_service/cancel.html", context, status=422)
        try:
            services.cancel(booking, by="client", now=now)
        except services.BookingError as error:
            context = {**_base_context(booking, now), "error": error.message}
            return render(request, "booking/self_service/cancel.html", context, status=409)
        messages.success(
            request, _("Je afspraak is geannuleerd. Je krijgt een bevestiging per e-mail.")
        )
        return redirect("booking_manage", token=booking.token)
    return render(request, "booking/self_service/cancel.html", context)


# --- rescheduling ---------------------------------------------------------------------------------


def _week(booking: Booking, request: HttpRequest, now: datetime) -> dict[str, Any]:
    """The week list of free times of the booking's type with its practitioner (the booking's own
    time counts as free: it moves)."""
    appointment_type = booking.appointment_type
    if appointment_type is None:
        return {"days": [], "has_times": False}
    today = services.local_today(booking.practice, now)
    this_monday = today - timedelta(days=today.weekday())
    last_day = today + timedelta(days=appointment_type.horizon_days)
    wanted = parse_day(request.GET.get("week")) if request.method == "GET" else None
    if wanted is None and request.method == "POST":
        wanted = parse_day(request.POST.get("week"))
    monday = (wanted or today) - timedelta(days=(wanted or today).weekday())
    monday = min(max(monday, this_monday), last_day - timedelta(days=last_day.weekday()))
    sunday = monday + timedelta(days=6)
    found = services.free_slots(
        appointment_type,
        monday,
        sunday,
        practitioner=booking.practitioner,
        now=now,
        exclude_booking=booking.pk,
    )
    zone = notifications.zone_of(booking)
    days = []
    for offset in range(7):
        day = monday + timedelta(days=offset)
        times = []
        for slot in found:
            local = slot.start.astimezone(zone)
            if local.date() == day:
                times.append(
                    {
                        "value": slot.start.astimezone(UTC).isoformat(),
                        "label": f"{local:%H:%M}",
                        "is_current": slot.start == booking.start,
                    }
                )
        days.append({"day": day, "times": times})
    previous = monday - timedelta(days=7)
    following = monday + timedelta(days=7)
    return {
        "monday": monday,
        "sunday": sunday,
        "days": days,
        "has_times": any(d["times"] for d in days),
        "previous_week": previous.isoformat() if previous >= this_monday else "",
        "next_week": following.isoformat() if following <= last_day else "",
    }


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def reschedule(request: HttpRequest, token: str) -> HttpResponse:
    booking = booking_for_token(token)
    now = timezone.now()
    context = _base_context(booking, now)
    if not context["can_change"] or booking.appointment_type is None:
        status = 409 if request.method == "POST" else 200
        return render(request, "booking/self_service/reschedule.html", context, status=status)
    if request.method == "POST":
        start = parse_start(request.POST.get("start"))
        if start is None:
            context.update(_week(booking, request, now))
            context["error"] = _("Kies een van de vrije tijden.")
            return render(request, "booking/self_service/reschedule.html", context, status=422)
        if start == booking.start:
            context.update(_week(booking, request, now))
            context["error"] = _("Dit is al de tijd van je afspraak. Kies een andere tijd.")
            return render(request, "booking/self_service/reschedule.html", context, status=422)
        try:
            services.reschedule(booking, start, by="client", now=now)
        except services.BookingError as error:
            booking = booking_for_token(token)
            context = _base_context(booking, now)
            context.update(_week(booking, request, now))
            context["error"] = error.message
            context["alternatives"] = _alternatives(booking, error.alternatives)
            status = 409 if isinstance(error, services.SlotTaken | services.NotAllowed) else 422
            return render(request, "booking/self_service/reschedule.html", context, status=status)
        messages.success(
            request, _("Je afspraak is verzet. Je krijgt de nieuwe tijd ook per e-mail.")
        )
        return redirect("booking_manage", token=booking.token)
    context.update(_week(booking, request, now))
    return render(request, "booking/self_service/reschedule.html", context)


# --- the calendar file ----------------------------------------------------------------------------


@never_cache
@require_safe
def ics(request: HttpRequest, token: str) -> HttpResponse:
    booking = booking_for_token(token)
    cancelled = booking.status in (Booking.Status.CANCELLED, Booking.Status.EXPIRED)
    method = calendar.CANCEL if cancelled else calendar.REQUEST
    content = calendar.booking_ics(
        booking,
        method=method,
        manage_link="" if cancelled else notifications.manage_link(booking),
    )
    response = HttpResponse(content, content_type=f"text/calendar; charset=utf-8; method={method}")
    response["Content-Disposition"] = 'attachment; filename="afspraak.ics"'
    return response


urlpatterns = [
    path("afspraak/beheer/<str:token>/", manage, name="booking_manage"),
    path(
        "afspraak/beheer/<str:token>/bevestigen/<str:signature>/",
        confirm,
        name="booking_confirm",
    ),
    path("afspraak/beheer/<str:token>/annuleren/", cancel, name="booking_cancel"),
    path("afspraak/beheer/<str:token>/verzetten/", reschedule, name="booking_reschedule"),
    path("afspraak/beheer/<str:token>/agenda.ics", ics, name="booking_ics"),
]
