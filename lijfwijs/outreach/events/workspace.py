"""The practice's side of events (`/praktijk/evenementen/…`): its events, creating and changing
them, publishing and calling off, the sign-ups, the waiting list, attendance, the CSV export and
the link to email everyone who signed up.

Every member of the practice (owner, practitioners and assistants) may do all of this: events are
the practice's, not a practitioner's, and sign-ups hold no health data (a name and an address).
Another practice's event is a 404. Every write goes through services.py.
"""

from __future__ import annotations

import csv
import io
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lijfwijs.accounts.access import member_required
from lijfwijs.core.spreadsheet import as_text

from . import notifications, services
from .forms import EventForm
from .models import Event, SignUp

Status = SignUp.Status
ATTENDANCE = {"ja": True, "nee": False, "": None}


def _event(request: HttpRequest, event_id: int) -> Event:
    found = (
        Event.objects.select_related("practice")
        .filter(practice=request.membership.practice, pk=event_id)  # type: ignore[attr-defined]
        .first()
    )
    if found is None:
        raise Http404("no such event")
    return found


def _zone(request: HttpRequest) -> Any:
    return ZoneInfo(request.membership.practice.time_zone or "Europe/Amsterdam")  # type: ignore[attr-defined]


def campaign_link(request: HttpRequest, event: Event) -> str:
    """The campaigns' editor with this event's people as the audience, for those who may write
    campaigns (owners and practitioners, not assistants); "" for others or without campaigns."""
    membership = request.membership  # type: ignore[attr-defined]
    if membership.role == membership.Role.ASSISTANT:
        return ""
    try:
        return reverse("campaigns_new") + f"?audience=event:{event.pk}"
    except NoReverseMatch:
        return ""


@never_cache
@member_required
@require_safe
def event_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    events = list(
        Event.objects.filter(practice=request.membership.practice).order_by("-start", "-pk")  # type: ignore[attr-defined]
    )
    coming = [e for e in events if e.end > now]
    coming.reverse()
    past = [e for e in events if e.end <= now]
    return render(
        request, "events/manage/list.html", {"coming": _listed(coming), "past": _listed(past)}
    )


def _listed(events: list[Event]) -> list[dict[str, Any]]:
    return [{"event": e, "when": notifications.when_text(e)} for e in events]


@never_cache
@member_required
@require_http_methods(["GET", "HEAD", "POST"])
def event_form(request: HttpRequest, event_id: int | None = None) -> HttpResponse:
    event = _event(request, event_id) if event_id is not None else None
    if event is not None and event.status == Event.Status.CANCELLED:
        messages.info(request, _("Dit evenement is afgelast en kan niet meer worden aangepast."))
        return redirect("events_manage_detail", event_id=event.pk)
    status = 200
    with timezone.override(_zone(request)):
        if request.method == "POST":
            instance = event or Event(practice=request.membership.practice)  # type: ignore[attr-defined]
            form = EventForm(request.POST, instance=instance)
            if form.is_valid():
                try:
                    saved = services.save_event(form.instance)
                except services.EventError as error:
                    form.add_error("capacity", str(error))
                else:
                    messages.success(request, _("Het evenement is opgeslagen."))
                    return redirect("events_manage_detail", event_id=saved.pk)
            status = 422
        else:
            form = EventForm(instance=event)
        return render(
            request,
            "events/manage/form.html",
            {"form": form, "event": event, "zone": _zone(request).key},
            status=status,
        )


def _rows(event: Event) -> dict[str, list[SignUp]]:
    signups = list(event.signups.order_by("queued_at", "pk"))
    confirmed = sorted(
        (s for s in signups if s.status == Status.CONFIRMED),
        key=lambda s: (s.confirmed_at or s.queued_at, s.pk),
    )
    return {
        "confirmed": confirmed,
        "waiting": [s for s in signups if s.status == Status.WAITING],
        "cancelled": [s for s in signups if s.status == Status.CANCELLED],
    }


@never_cache
@member_required
@require_safe
def event_detail(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _event(request, event_id)
    now = timezone.now()
    context = {
        "event": event,
        "when": notifications.when_text(event),
        "started": now >= event.start,
        "campaign_link": campaign_link(request, event),
        "public_url": reverse("events_detail", kwargs={"event_id": event.pk}),
        **_rows(event),
    }
    context["present"] = sum(1 for s in context["confirmed"] if s.attended)
    return render(request, "events/manage/detail.html", context)


@member_required
@require_POST
def publish(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _event(request, event_id)
    wanted = request.POST.get("publiceren")
    if wanted not in ("1", "0") or not services.publish(event, wanted == "1"):
        messages.error(request, _("Dat kan niet bij dit evenement."))
        return redirect("events_manage_detail", event_id=event.pk)
    messages.success(
        request,
        _("Het evenement staat online.")
        if wanted == "1"
        else _("Het evenement is offline gehaald."),
    )
    return redirect("events_manage_detail", event_id=event.pk)


@never_cache
@member_required
@require_http_methods(["GET", "HEAD", "POST"])
def cancel_event(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _event(request, event_id)
    error = ""
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            error = _("Vink aan dat je het evenement wilt afgelasten.")
        else:
            if services.cancel_event(event):
                messages.success(
                    request,
                    _("Het evenement is afgelast. Iedereen die zich aanmeldde krijgt een e-mail."),
                )
            return redirect("events_manage_detail", event_id=event.pk)
    active = event.signups.filter(status__in=(Status.CONFIRMED, Status.WAITING)).count()
    return render(
        request,
        "events/manage/cancel.html",
        {"event": event, "active": active, "error": error, "when": notifications.when_text(event)},
        status=422 if error else 200,
    )


@member_required
@require_POST
def cancel_signup(request: HttpRequest, event_id: int, signup_id: int) -> HttpResponse:
    event = _event(request, event_id)
    signup = event.signups.filter(pk=signup_id).first()
    if signup is None:
        raise Http404("no such sign-up")
    promoted = services.cancel_signup(signup, by="practice")
    text = _("%(name)s is afgemeld en krijgt een e-mail.") % {"name": signup.name}
    if promoted:
        text += " " + _("%(name)s van de wachtlijst heeft nu een plaats.") % {
            "name": ", ".join(p.name for p in promoted)
        }
    messages.success(request, text)
    return redirect("events_manage_detail", event_id=event.pk)


@member_required
@require_POST
def attendance(request: HttpRequest, event_id: int) -> HttpResponse:
    """`aanwezig-<sign-up id>`: "ja", "nee" or "" (not marked) for each confirmed sign-up."""
    event = _event(request, event_id)
    marks: dict[int, bool | None] = {}
    for key, value in request.POST.items():
        if key.startswith("aanwezig-") and key[9:].isdigit() and len(key) < 30:
            if value not in ATTENDANCE:
                marks = {}
                break
            marks[int(key[9:])] = ATTENDANCE[value]
    if not marks:
        messages.error(request, _("Kies bij iedereen aanwezig of afwezig."))
        return redirect("events_manage_detail", event_id=event.pk)
    try:
        services.mark_attendance(event, marks)
    except services.EventError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("De aanwezigheid is opgeslagen."))
    return redirect("events_manage_detail", event_id=event.pk)


CSV_HEADER = ("name", "email", "status", "signed_up_at", "confirmed_at", "cancelled_at", "attended")


@never_cache
@member_required
@require_safe
def export_csv(request: HttpRequest, event_id: int) -> HttpResponse:
    """One row per sign-up (RFC 4180: CRLF, quoted where needed; UTF-8 with a BOM, so
    spreadsheet programs read the accents). Cells that a spreadsheet would run as a formula are
    prefixed with a quote."""
    event = _event(request, event_id)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    zone = _zone(request)
    for signup in event.signups.order_by("queued_at", "pk"):
        writer.writerow(
            [
                as_text(signup.name),
                as_text(signup.email),
                signup.status,
                _moment(signup.created_at, zone),
                _moment(signup.confirmed_at, zone),
                _moment(signup.cancelled_at, zone),
                {True: "yes", False: "no", None: ""}[signup.attended],
            ]
        )
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="aanmeldingen-{event.pk}.csv"'
    return response


def _moment(value: Any, zone: Any) -> str:
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M") if value else ""


urlpatterns = [
    path("praktijk/evenementen/", event_list, name="events_manage"),
    path("praktijk/evenementen/nieuw/", event_form, name="events_new"),
    path("praktijk/evenementen/<int:event_id>/", event_detail, name="events_manage_detail"),
    path("praktijk/evenementen/<int:event_id>/bewerken/", event_form, name="events_edit"),
    path("praktijk/evenementen/<int:event_id>/publiceren/", publish, name="events_publish"),
    path("praktijk/evenementen/<int:event_id>/afgelasten/", cancel_event, name="events_cancel"),
    path(
        "praktijk/evenementen/<int:event_id>/aanmeldingen/<int:signup_id>/afmelden/",
        cancel_signup,
        name="events_signup_cancel",
    ),
    path("praktijk/evenementen/<int:event_id>/aanwezigheid/", attendance, name="events_attendance"),
    path("praktijk/evenementen/<int:event_id>/aanmeldingen.csv", export_csv, name="events_csv"),
]
