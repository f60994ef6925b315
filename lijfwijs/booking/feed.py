"""A practitioner's calendar feed: their bookings as an `.ics` subscription for their own
calendar app, behind a secret URL they can revoke.

- /agenda/<token>.ics          the feed: bookings from FEED_PAST back to FEED_AHEAD ahead, held,
                               confirmed, done and no-show appointments and blocked time
                               (cancelled and expired ones are left out); per event the type and
                               the person's name, nothing about their health; `private, no-store`
- /praktijk/agenda/kalender/   the practitioner's page: the subscription URL, make it, replace it
                               (the old URL is a 404 at once) or stop it

The token is the key (calendar apps send no cookies); a wrong or revoked one is a 404 that does
not say which.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from lijfwijs.accounts.access import member_required
from lijfwijs.accounts.models import Membership
from lijfwijs.accounts.services import absolute
from lijfwijs.core.mail import email_language

from . import calendar
from .models import Booking, CalendarFeed, _new_token

FEED_PAST = timedelta(days=30)
FEED_AHEAD = timedelta(days=365)
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


def feed_bookings(practitioner: Any, now: Any = None) -> Any:
    """What the feed holds: the practitioner's own bookings in its window (one query)."""
    now = now or timezone.now()
    return (
        Booking.objects.filter(
            practitioner=practitioner,
            start__lt=now + FEED_AHEAD,
            end__gt=now - FEED_PAST,
        )
        .exclude(status__in=(Booking.Status.CANCELLED, Booking.Status.EXPIRED))
        .select_related("practice", "appointment_type", "client")
        .order_by("start")
    )


@require_safe
def feed(request: HttpRequest, token: str) -> HttpResponse:
    if not _TOKEN.fullmatch(token):
        raise Http404("no such feed")
    found = CalendarFeed.objects.select_related("practitioner").filter(token=token).first()
    if found is None or not constant_time_compare(found.token, token):
        raise Http404("no such feed")
    practitioner = found.practitioner
    membership = practitioner.membership if practitioner.is_active else None
    if membership is None:
        raise Http404("no such feed")  # left the practice or deactivated: the feed stops
    zone = ZoneInfo(membership.practice.time_zone or "Europe/Amsterdam")
    content = calendar.feed_ics(
        practitioner,
        feed_bookings(practitioner),
        zone=zone,
        language=email_language(practitioner.language),
    )
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = 'inline; filename="lijfwijs-agenda.ics"'
    return response


def feed_url(feed_row: CalendarFeed) -> str:
    return absolute(reverse("booking_feed", kwargs={"token": feed_row.token}))


def _gives_appointments(membership: Membership) -> bool:
    return membership.role in (Membership.Role.OWNER, Membership.Role.PRACTITIONER)


@member_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def feed_settings(request: HttpRequest) -> HttpResponse:
    """The practitioner's own feed (no id in the URL: always their own)."""
    if not _gives_appointments(request.membership):  # type: ignore[attr-defined]
        raise PermissionDenied
    user = request.user
    current = CalendarFeed.objects.filter(practitioner=user).first()
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            if current is None:
                try:
                    with transaction.atomic():
                        CalendarFeed.objects.create(practitioner=user)
                except IntegrityError:
                    pass  # made by a second click at the same moment: one feed
            messages.success(request, _("Je agenda-adres is klaar. Voeg het toe in je agenda-app."))
            return redirect("booking_feed_settings")
        if action == "renew" and current is not None:
            CalendarFeed.objects.filter(pk=current.pk).update(
                token=_new_token(), created_at=timezone.now()
            )
            messages.success(
                request,
                _(
                    "Je hebt een nieuw agenda-adres. Het oude werkt niet meer: vervang het in je "
                    "agenda-app."
                ),
            )
            return redirect("booking_feed_settings")
        if action == "stop" and current is not None:
            current.delete()
            messages.success(request, _("Je agenda-adres werkt niet meer."))
            return redirect("booking_feed_settings")
        context = {
            "feed": current,
            "url": feed_url(current) if current else "",
            "error": _("Kies wat je wilt doen."),
        }
        return render(request, "booking/feed_settings.html", context, status=422)
    context = {"feed": current, "url": feed_url(current) if current else ""}
    if current:
        context["webcal_url"] = "webcal://" + context["url"].split("://", 1)[-1]
    return render(request, "booking/feed_settings.html", context)


urlpatterns = [
    path("agenda/<str:token>.ics", feed, name="booking_feed"),
    path("praktijk/agenda/kalender/", feed_settings, name="booking_feed_settings"),
]
