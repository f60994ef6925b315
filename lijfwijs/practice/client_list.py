"""The practitioner's client list (`/praktijk/`) and the invitation form on it."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lijfwijs.accounts import services as account_services
from lijfwijs.accounts.access import clients_of
from lijfwijs.accounts.audit import log_access
from lijfwijs.accounts.forms import InviteForm
from lijfwijs.accounts.models import AccessLog

from .access import practitioner_required


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


urlpatterns = [
    path("", home, name="home"),
]
