"""The practitioner's workspace (first part): their consenting clients, a client's results, invitations, alerts.

Every view of client data goes through accounts.access and writes the access log.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lijfwijs.accounts import services as account_services
from lijfwijs.accounts.access import client_for, clients_of
from lijfwijs.accounts.audit import log_access
from lijfwijs.accounts.forms import InviteForm
from lijfwijs.accounts.models import AccessLog
from lijfwijs.assessments.models import Response

from . import program_controls, services
from .access import alert_for


def practitioner_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_practitioner:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@practitioner_required
@require_http_methods(["GET", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        account_services.invite(request.user, form.cleaned_data["email"])
        messages.success(
            request,
            _("De uitnodiging is verstuurd. Je krijgt toegang zodra je cliënt die accepteert."),
        )
        return redirect("practice:home")
    clients = list(clients_of(request.user).order_by("display_name", "email"))
    log_access(
        request.user, [c.pk for c in clients], AccessLog.Kind.CLIENT_LIST, AccessLog.Action.LIST
    )
    invitations = request.user.invitations.filter(status="pending")
    return render(
        request,
        "practice/home.html",
        {"clients": clients, "form": form, "invitations": invitations},
        status=422 if request.method == "POST" else 200,
    )


def _client_page(
    request: HttpRequest, client: Any, form: program_controls.OverrideForm, status: int = 200
) -> HttpResponse:
    results = (
        Response.objects.completed()
        .filter(user=client, instrument="pijntest")
        .order_by("-completed_at")
    )
    log_access(request.user, [client.pk], AccessLog.Kind.PIJNTEST, AccessLog.Action.VIEW)
    context = {
        "client": client,
        "results": results,
        "program": program_controls.summary(client),
        "program_form": form,
    }
    return render(request, "practice/client.html", context, status=status)


@practitioner_required
@require_safe
def client_detail(request: HttpRequest, client_id: int) -> HttpResponse:
    client = client_for(request, client_id)
    return _client_page(request, client, program_controls.OverrideForm(client=client))


@practitioner_required
@require_POST
def client_program(request: HttpRequest, client_id: int) -> HttpResponse:
    """Unlock the client's next step early, hold the current one, or go back to the rule."""
    client = client_for(request, client_id)
    form = program_controls.OverrideForm(request.POST, client=client)
    if not form.is_valid():
        return _client_page(request, client, form, status=422)
    messages.success(request, program_controls.apply(client, request.user, form))
    return redirect("practice:client", client_id=client.pk)


@practitioner_required
@require_POST
def acknowledge_alert(request: HttpRequest, alert_id: int) -> HttpResponse:
    """The practitioner has seen an alert: it leaves their start page (a second click: no change)."""
    alert = alert_for(request, alert_id)
    if services.acknowledge(alert, request.user):
        messages.success(request, _("De melding is gemarkeerd als gezien."))
    return redirect("home")
