"""The practitioner's alerts: acknowledging one."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .access import alert_for, practitioner_required


@practitioner_required
@require_POST
def acknowledge_alert(request: HttpRequest, alert_id: int) -> HttpResponse:
    """The practitioner has seen an alert: it leaves their start page (a second click: no change)."""
    alert = alert_for(request, alert_id)
    if services.acknowledge(alert, request.user):
        messages.success(request, _("De melding is gemarkeerd als gezien."))
    return redirect("home")


urlpatterns = [
    path("meldingen/<int:alert_id>/gezien/", acknowledge_alert, name="acknowledge_alert"),
]
