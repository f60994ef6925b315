"""The reminder pages: one's own reminder setting, and the one-click off link from the emails."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from lijfwijs.accounts.services import has_health_consent

from . import reminders
from .services import zone_of

TIME_ERROR = gettext_lazy("Vul een tijd in als 20:00 (uren en minuten).")


class ReminderForm(forms.Form):
    enabled = forms.BooleanField(
        label=gettext_lazy("Stuur me elke dag een herinnering om in te checken"), required=False
    )
    local_time = forms.TimeField(
        label=gettext_lazy("Tijdstip"),
        help_text=gettext_lazy("Op dagen dat je al hebt ingecheckt, krijg je geen herinnering."),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"required": TIME_ERROR, "invalid": TIME_ERROR},
    )


@login_required
@require_http_methods(["GET", "POST"])
def reminder_settings(request: HttpRequest) -> HttpResponse:
    """Always the signed-in person's own setting: there is no id to change in the URL."""
    preference = reminders.preference_for(request.user)
    status = 200
    if request.method == "POST":
        form = ReminderForm(request.POST)
        if form.is_valid():
            reminders.save_preference(
                request.user,
                enabled=form.cleaned_data["enabled"],
                local_time=form.cleaned_data["local_time"],
            )
            if form.cleaned_data["enabled"]:
                messages.success(request, _("Je herinnering staat aan."))
            else:
                messages.success(request, _("Je krijgt geen herinneringen."))
            return redirect("diary:reminders")
        status = 422
    else:
        form = ReminderForm(
            initial={"enabled": preference.enabled, "local_time": preference.local_time}
        )
    return render(
        request,
        "diary/reminder_settings.html",
        {
            "form": form,
            "zone": zone_of(request.user).key,
            "email_confirmed": request.user.email_verified_at is not None,
            "has_consent": has_health_consent(request.user),
        },
        status=status,
    )


# No CSRF check: the signed token in the URL is the authorisation, and mail providers POST here
# without a cookie for the one-click unsubscribe of RFC 8058 (List-Unsubscribe-Post).
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def reminder_off(request: HttpRequest, token: str) -> HttpResponse:
    """GET: a page with one button; POST (that button, or a mail provider): reminders off."""
    user_id = reminders.user_from_off_token(token)
    if user_id is None:
        return render(request, "diary/reminder_off.html", {"valid": False}, status=400)
    if request.method == "POST":
        reminders.switch_off(user_id)
        return render(request, "diary/reminder_off.html", {"valid": True, "done": True})
    return render(request, "diary/reminder_off.html", {"valid": True, "done": False})
