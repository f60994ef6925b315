"""The visitors' pages of events, without an account.

- /evenementen/                                   upcoming published events (every practice's)
- /evenementen/<id>/                              an event with the sign-up form (POST signs up)
- /evenementen/<id>/aangemeld/                    what became of your sign-up (this session's)
- /evenementen/aanmelding/<token>/                your sign-up through the emails' link: details,
                                                  the calendar file, cancelling (POST)
- /evenementen/aanmelding/<token>/agenda.ics      the calendar file
- /evenementen/aanmelding/<token>/geen-mail/      no more campaign emails about this event: a page
                                                  (GET) and the one-click POST (RFC 8058, no
                                                  cookies, no CSRF token)

A draft event is a 404 for visitors. The sign-up's secret token is the key of its pages: an
unknown or malformed token is a 404, a found one is compared in constant time besides. The answer
to a sign-up never shows the token (anyone can type another person's address): the links come by
email.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from lijfwijs.core.i18n import current_language
from lijfwijs.core.ratelimit import client_address, hit

from . import notifications, services
from .forms import CancelForm, SignUpForm
from .models import Event, SignUp

_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")
SESSION_KEY = "events_signed_up"  # {event id: sign-up id} of this browser's sign-ups
RATE_WINDOW = 3600


def rate_limit() -> int:
    from django.conf import settings

    return int(getattr(settings, "EVENTS_SIGNUP_RATE_LIMIT", 30))


def published(event_id: int) -> Event:
    """A published (or called-off) event, or 404: drafts are the practice's own."""
    found = (
        Event.objects.select_related("practice")
        .exclude(status=Event.Status.DRAFT)
        .filter(pk=event_id)
        .first()
    )
    if found is None:
        raise Http404("no such event")
    return found


def signup_for_token(token: str) -> SignUp:
    if not isinstance(token, str) or not _TOKEN.fullmatch(token):
        raise Http404("no such sign-up")
    found = SignUp.objects.select_related("event__practice").filter(token=token).first()
    if found is None or not constant_time_compare(found.token, token):
        raise Http404("no such sign-up")
    return found


def facts(event: Event) -> dict[str, Any]:
    return {
        "when": notifications.when_text(event),
        "zone": notifications.zone_of(event).key,
        "address_lines": [line.strip() for line in event.address.splitlines() if line.strip()],
    }


@never_cache
@require_safe
def event_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    events = list(
        Event.objects.filter(status=Event.Status.PUBLISHED, start__gt=now)
        .select_related("practice")
        .order_by("start", "pk")[:100]
    )
    rows = [{"event": event, **facts(event)} for event in events]
    return render(request, "events/list.html", {"rows": rows})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def event_detail(request: HttpRequest, event_id: int) -> HttpResponse:
    event = published(event_id)
    reason = services.closed_reason(event)
    status = 200
    if request.method == "POST":
        form = SignUpForm(request.POST)
        if reason:
            form.is_valid()
            form.add_error(None, reason)
            status = 422
        elif not form.is_valid():
            status = 422
        elif not hit("events-signup", client_address(request), rate_limit(), RATE_WINDOW):
            form.add_error(
                None, _("Er zijn te veel aanmeldingen vanaf dit adres. Probeer het later nog eens.")
            )
            status = 429
        else:
            try:
                outcome = services.sign_up(
                    event,
                    name=form.cleaned_data["name"],
                    email=form.cleaned_data["email"],
                    language=current_language(),
                )
            except services.SignUpRefused as refused:
                form.add_error(None, refused.message)
                status = 422
            else:
                mine = dict(request.session.get(SESSION_KEY, {}))
                mine[str(event.pk)] = outcome.signup.pk
                request.session[SESSION_KEY] = mine
                return redirect("events_signed_up", event_id=event.pk)
    else:
        user = request.user
        initial = {}
        if user.is_authenticated:
            initial = {"name": user.display_name or "", "email": user.email}
        form = SignUpForm(initial=initial)
    context = {"event": event, "form": form, "closed": reason, **facts(event)}
    return render(request, "events/detail.html", context, status=status)


@never_cache
@require_safe
def signed_up(request: HttpRequest, event_id: int) -> HttpResponse:
    event = published(event_id)
    signup_id = request.session.get(SESSION_KEY, {}).get(str(event.pk))
    signup = SignUp.objects.filter(pk=signup_id, event=event).first() if signup_id else None
    if signup is None:
        return redirect("events_detail", event_id=event.pk)
    context = {"event": event, "signup": signup, **facts(event)}
    return render(request, "events/signed_up.html", context)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def signup_page(request: HttpRequest, token: str) -> HttpResponse:
    """Your sign-up: details, status, the calendar file, and cancelling (a checkbox and POST)."""
    signup = signup_for_token(token)
    event = signup.event
    can_cancel = signup.is_active and timezone.now() < event.start
    status = 200
    form = CancelForm()
    if request.method == "POST":
        form = CancelForm(request.POST)
        if not can_cancel:
            form.is_valid()
            form.add_error(None, _("Deze aanmelding kan niet meer worden afgemeld."))
            status = 422
        elif form.is_valid():
            services.cancel_signup(signup, by="person")
            messages.success(request, _("Je bent afgemeld. We hebben je een bevestiging gestuurd."))
            return redirect("events_signup", token=signup.token)
        else:
            status = 422
    context = {
        "event": event,
        "signup": signup,
        "form": form,
        "can_cancel": can_cancel,
        "position": _waiting_position(signup),
        **facts(event),
    }
    return render(request, "events/signup.html", context, status=status)


def _waiting_position(signup: SignUp) -> int | None:
    """Your place on the waiting list (1: next), or None when you are not waiting."""
    if signup.status != SignUp.Status.WAITING:
        return None
    ahead = (
        SignUp.objects.filter(event_id=signup.event_id, status=SignUp.Status.WAITING)
        .filter(queued_at__lte=signup.queued_at)
        .exclude(queued_at=signup.queued_at, pk__gt=signup.pk)
        .count()
    )
    return ahead


@never_cache
@require_safe
def signup_ics(request: HttpRequest, token: str) -> HttpResponse:
    signup = signup_for_token(token)
    if signup.status != SignUp.Status.CONFIRMED:
        raise Http404("no place: no calendar file")
    response = HttpResponse(
        notifications.event_ics(signup), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="evenement.ics"'
    return response


@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """No more campaign emails about this event. GET: a page with the button; POST (the button,
    or a mail program's one-click `List-Unsubscribe=One-Click`, without cookies): done. The
    campaign the link came from (`?campaign=<id>`) is kept with it, for the campaign's figures."""
    signup = signup_for_token(token)
    done = signup.mail_opt_out_at is not None
    if request.method == "POST":
        campaign = request.GET.get("campaign", "")
        campaign_id = int(campaign) if campaign.isdigit() and len(campaign) < 16 else None
        services.opt_out(signup, campaign_id)
        done = True
    return render(request, "events/unsubscribe.html", {"signup": signup, "done": done})


urlpatterns = [
    path("evenementen/", event_list, name="events_list"),
    path("evenementen/<int:event_id>/", event_detail, name="events_detail"),
    path("evenementen/<int:event_id>/aangemeld/", signed_up, name="events_signed_up"),
    path("evenementen/aanmelding/<str:token>/", signup_page, name="events_signup"),
    path("evenementen/aanmelding/<str:token>/agenda.ics", signup_ics, name="events_signup_ics"),
    path("evenementen/aanmelding/<str:token>/geen-mail/", unsubscribe, name="events_unsubscribe"),
]
