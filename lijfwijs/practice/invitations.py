"""The practitioner's invitations (`/praktijk/uitnodigingen/`): the list with each one's state, a new
invitation, resending and withdrawing. An assistant sees the practice's invitations, to read only."""

from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lijfwijs.accounts import services as account_services
from lijfwijs.accounts.forms import InviteForm
from lijfwijs.accounts.services import InvitationOutcome
from lijfwijs.core.paging import page_number

from .access import practitioner_required

PAGE = 50


def practitioner_or_assistant(view: Any) -> Any:
    """Signed in as a practitioner or an assistant of a practice (to read), or 403."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not (request.user.is_practitioner or request.user.is_assistant):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@practitioner_or_assistant
@require_http_methods(["GET", "POST"])
def invitations(request: HttpRequest) -> HttpResponse:
    """GET: the invitations and their state; POST (practitioners only): invite an address."""
    user = request.user
    may_invite = user.is_practitioner
    if request.method == "POST" and not may_invite:
        raise PermissionDenied  # an assistant reads; an invitation asks for access to health data
    form = InviteForm(request.POST if request.method == "POST" else None) if may_invite else None
    if form is not None and form.is_bound and form.is_valid():
        _invitation, outcome = account_services.send_invitation(user, form.cleaned_data["email"])
        if outcome == InvitationOutcome.ALREADY_CLIENT:
            form.add_error("email", _("Deze cliënt heeft je al toegang gegeven."))
        elif outcome == InvitationOutcome.LIMIT:
            form.add_error("email", resend_limit_message())
        else:
            messages.success(request, outcome_message(outcome))
            return redirect("practice:invitations")
    page = page_number(request) if request.method == "GET" else 1
    start = (page - 1) * PAGE
    rows = list(account_services.invitations_of(user)[start : start + PAGE + 1])
    if page > 1 and not rows:
        raise Http404("no such page")
    return render(
        request,
        "practice/invitations.html",
        {
            "form": form,
            "rows": [_row(invitation, may_invite) for invitation in rows[:PAGE]],
            "older": page + 1 if len(rows) > PAGE else None,
            "newer": page - 1 if page > 1 else None,
            "show_practitioner": not may_invite,
        },
        status=422 if request.method == "POST" else 200,
    )


def _row(invitation: Any, may_act: bool) -> dict[str, Any]:
    """One invitation with its state in words, and what the practitioner may still do with it."""
    status = invitation.status
    if invitation.is_expired:
        state, tone = "expired", "warning"
    elif status == invitation.Status.PENDING:
        state, tone = "open", "info"
    else:
        state, tone = status, {"accepted": "success"}.get(status, "neutral")
    return {
        "invitation": invitation,
        "state": state,
        "tone": tone,
        "open": status == invitation.Status.PENDING,
        "may_act": may_act and status == invitation.Status.PENDING,
    }


def resend_limit_message() -> str:
    return _(
        "Deze uitnodiging is vandaag al %(count)s keer opnieuw verstuurd. Morgen kan het weer."
    ) % {"count": account_services.RESENDS_PER_DAY}


def outcome_message(outcome: InvitationOutcome) -> str:
    if outcome == InvitationOutcome.SENT:
        return _("De uitnodiging is verstuurd. Je krijgt toegang zodra je cliënt die accepteert.")
    if outcome == InvitationOutcome.RESENT:
        return _(
            "Er stond al een verlopen uitnodiging voor dit adres. Die is opnieuw verstuurd "
            "en is weer 14 dagen geldig."
        )
    if outcome == InvitationOutcome.ALREADY_OPEN:
        return _("Er staat al een uitnodiging open voor dit adres. Er is geen nieuwe verstuurd.")
    return _("Deze uitnodiging is net verstuurd. Over een minuut kun je haar opnieuw versturen.")


@practitioner_required
@require_POST
def resend(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = account_services.invitation_for(request.user, invitation_id)
    outcome = account_services.resend_invitation(invitation)
    if outcome == InvitationOutcome.RESENT:
        until = timezone.localtime(invitation.expires_at)
        messages.success(
            request,
            _("De uitnodiging aan %(email)s is opnieuw verstuurd en geldig tot %(date)s.")
            % {"email": invitation.email, "date": date_format(until, "DATE_FORMAT")},
        )
    elif outcome == InvitationOutcome.JUST_SENT:
        messages.info(request, outcome_message(outcome))
    elif outcome == InvitationOutcome.LIMIT:
        messages.warning(request, resend_limit_message())
    else:
        messages.warning(
            request,
            _(
                "Deze uitnodiging is al beantwoord of ingetrokken en kan niet opnieuw verstuurd worden."
            ),
        )
    return redirect("practice:invitations")


@practitioner_required
@require_POST
def withdraw(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = account_services.invitation_for(request.user, invitation_id)
    outcome = account_services.withdraw_invitation(invitation)
    if outcome == InvitationOutcome.WITHDRAWN:
        messages.success(
            request,
            _("De uitnodiging aan %(email)s is ingetrokken. Die kan niet meer geaccepteerd worden.")
            % {"email": invitation.email},
        )
    else:
        messages.info(
            request,
            _("Deze uitnodiging was al beantwoord of ingetrokken. Er is niets veranderd."),
        )
    return redirect("practice:invitations")


urlpatterns = [
    path("uitnodigingen/", invitations, name="invitations"),
    path("uitnodigingen/<int:invitation_id>/opnieuw/", resend, name="invitation_resend"),
    path("uitnodigingen/<int:invitation_id>/intrekken/", withdraw, name="invitation_withdraw"),
]
