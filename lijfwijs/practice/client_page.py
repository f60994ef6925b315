"""A client's page in the workspace: their results and program step, with the program controls."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST, require_safe

from lijfwijs.accounts.access import client_for
from lijfwijs.accounts.audit import log_access
from lijfwijs.accounts.models import AccessLog
from lijfwijs.assessments.models import Response

from . import program_controls
from .access import practitioner_required


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


urlpatterns = [
    path("clienten/<int:client_id>/", client_detail, name="client"),
    path("clienten/<int:client_id>/programma/", client_program, name="client_program"),
]
