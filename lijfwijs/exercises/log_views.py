"""The practice log: what the players send after a practice, the log page and deleting a session.

`POST /oefeningen/logboek/` answers a player (`Accept: application/json`) with JSON and a plain
form (no JavaScript) with a page: the same form validates both.
"""

import functools
import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from lijfwijs.accounts.localtime import zone_of
from lijfwijs.accounts.services import has_health_consent

from . import calm, services
from .log_forms import PracticeForm
from .models import PracticeSession

RECENT = 30  # sessions shown on the log page


def wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def signed_in(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Like login_required, but a player (asking for JSON) gets a 401 instead of the login page."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if wants_json(request):
            return JsonResponse({"detail": _("Log in om je oefening te bewaren.")}, status=401)
        return redirect_to_login(request.get_full_path())

    return wrapped


def duration(seconds: int) -> str:
    """How long someone practised, in words: "45 seconden", "2 min 30 s", "1 uur 5 min"."""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if not hours and not minutes:
        return ngettext("%(count)s seconde", "%(count)s seconden", secs) % {"count": secs}
    parts = []
    if hours:
        parts.append(ngettext("%(count)s uur", "%(count)s uur", hours) % {"count": hours})
    if minutes:
        parts.append(_("%(count)s min") % {"count": minutes})
    if secs:
        parts.append(_("%(count)s s") % {"count": secs})
    return " ".join(parts)


def _rows(user: Any) -> list[dict[str, Any]]:
    zone = zone_of(user)
    sessions = (
        PracticeSession.objects.for_user(user)
        .select_related("exercise", "pattern")
        .order_by("-started_at", "-created_at")[:RECENT]
    )
    return [
        {
            "id": s.pk,
            "day": s.day,
            "time": s.started_at.astimezone(zone).strftime("%H:%M"),
            "exercise": s.exercise.name,
            "pattern": s.pattern.name if s.pattern else "",
            "duration": duration(s.seconds),
            "completed": s.completed,
            "tension": (s.tension_before, s.tension_after),
        }
        for s in sessions
    ]


def _page(request: HttpRequest, form: PracticeForm, status: int = 200) -> HttpResponse:
    context = {
        "form": form,
        "sessions": _rows(request.user),
        "consent": has_health_consent(request.user),
        **calm.for_user(request.user),
    }
    return render(request, "exercises/log.html", context, status=status)


def _errors(form: PracticeForm) -> dict[str, str]:
    return {field: " ".join(str(m) for m in errors) for field, errors in form.errors.items()}


def _saved(request: HttpRequest, session: PracticeSession, created: bool) -> HttpResponse:
    if wants_json(request):
        return JsonResponse({"id": str(session.pk), "saved": True}, status=201 if created else 200)
    messages.success(request, _("Je oefening is bewaard."))
    return redirect("exercises:log")


def _save(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not has_health_consent(user):
        text = _(
            "Om je oefeningen bij te houden, is je toestemming voor gezondheidsgegevens nodig."
        )
        if wants_json(request):
            return JsonResponse({"detail": text}, status=403)
        messages.info(request, text)
        return redirect("accounts:health_consent")
    existing = services.sent_before(user, request.POST.get("client_key"))
    if existing is not None:  # a resend or a double click: answered even days later
        return _saved(request, existing, created=False)
    form = PracticeForm(request.POST, user=user)
    if not form.is_valid():
        if wants_json(request):
            return JsonResponse({"errors": _errors(form)}, status=422)
        return _page(request, form, status=422)
    session, created = services.log_session(
        user, form.cleaned_data["exercise"], **form.session_data()
    )
    return _saved(request, session, created)


@signed_in
@require_http_methods(["GET", "POST"])
def log(request: HttpRequest) -> HttpResponse:
    """The log page (what calms me, recent sessions, a form) and where a practice is sent."""
    if request.method == "POST":
        return _save(request)
    form = PracticeForm(user=request.user, initial={"client_key": uuid.uuid4().hex})
    return _page(request, form)


@signed_in
@require_POST
def delete(request: HttpRequest, session_id: uuid.UUID) -> HttpResponse:
    """Delete one of one's own sessions (another person's is a 404). Needs no consent: erasure."""
    session = get_object_or_404(PracticeSession.objects.for_user(request.user), pk=session_id)
    services.delete_session(request.user, session)
    messages.success(request, _("De oefening is uit je logboek verwijderd."))
    return redirect("exercises:log")
