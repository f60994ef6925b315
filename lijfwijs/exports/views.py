"""The downloads pages: a person's own (`/account/downloads/`), a practitioner's for one client
(`/praktijk/clienten/<id>/downloads/`), and fetching a made file (only by who asked, until it
expires)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from lijfwijs.accounts.access import client_for
from lijfwijs.core.i18n import current_language
from lijfwijs.practice.access import practitioner_required

from . import services
from .forms import ExportForm
from .models import LIFETIME, ExportJob


def _page(request: HttpRequest, client: Any, *, own: bool) -> HttpResponse:
    asker = request.user
    kinds = services.kinds_for(asker, client)
    here = reverse("exports:mine") if own else reverse("exports:client", args=[client.pk])
    posted = request.POST if request.method == "POST" else None  # an empty POST is bound too
    form = ExportForm(posted, kinds=kinds, user=asker, ask_password=own)
    status = 200
    if request.method == "POST":
        if not services.allowed(asker):
            form.add_error(
                None,
                _(
                    "Je hebt het afgelopen uur al veel downloads gevraagd. Probeer het over een uur opnieuw."
                ),
            )
            status = 429
        elif form.is_valid():
            job = services.request_export(
                asker,
                client,
                form.cleaned_data["kind"],
                form.cleaned_data.get("variant") or "",
                language=current_language(),
            )
            if job.status == ExportJob.Status.READY:
                messages.success(request, _("Je bestand is klaar. Je vindt het hieronder."))
            elif job.status == ExportJob.Status.FAILED:
                messages.error(
                    request, _("Het maken van je bestand is niet gelukt. Probeer het opnieuw.")
                )
            else:
                messages.info(
                    request,
                    _("Je bestand wordt gemaakt. Dat kan even duren; vernieuw deze pagina straks."),
                )
            return redirect(here)
        else:
            status = 422
    jobs = services.jobs_of(asker, client)
    return render(
        request,
        "exports/page.html",
        {
            "form": form,
            "jobs": jobs,
            "busy": any(j.is_open for j in jobs),
            "own": own,
            "client": client,
            "here": here,
            "lifetime_hours": int(LIFETIME.total_seconds() // 3600),
        },
        status=status,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def mine(request: HttpRequest) -> HttpResponse:
    """The person's own exports: ask for one (with the password again), see it being made, fetch it."""
    return _page(request, request.user, own=True)


@never_cache
@practitioner_required
@require_http_methods(["GET", "POST"])
def client_exports(request: HttpRequest, client_id: int) -> HttpResponse:
    """A practitioner's exports of one client who gives them access (404 otherwise)."""
    client = client_for(request, client_id)
    return _page(request, client, own=False)


@never_cache
@login_required
@require_safe
def download(request: HttpRequest, job_id: Any) -> HttpResponse:
    """The made file, for the person who asked, until it expires; anyone else gets a 404."""
    job = services.job_for(request, job_id)
    response = HttpResponse(services.file_of(job), content_type=job.content_type)
    response["Content-Disposition"] = f'attachment; filename="{job.filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
