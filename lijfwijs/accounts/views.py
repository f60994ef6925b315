"""Account pages: register, verify, log in (with a second factor where required), settings,
consent and practitioner access, email and password changes, export, deletion, access log."""

import hashlib
import json
import time
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lijfwijs.core import hooks
from lijfwijs.core.i18n import current_language
from lijfwijs.core.ratelimit import client_address, hit

from . import access, services, two_factor
from .access_log_page import log_page
from .exporting import export_user
from .forms import (
    DeleteAccountForm,
    EmailChangeForm,
    EmailLoginForm,
    GrantAccessForm,
    LijfwijsPasswordResetForm,
    PasswordConfirmForm,
    ProfileForm,
    RegistrationForm,
)
from .models import ConsentText


def locked_out(
    request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    """django-axes: too many failed logins for this address and email together."""
    return render(request, "accounts/locked_out.html", status=429)


def may_send_email(request: HttpRequest, *recipients: str) -> bool:
    """Count one account email to each recipient, asked for from this client address; False once
    either is over its limit. Counted whether or not an account has the address, so a refusal
    never tells whether one exists. Recipients are counted by a hash: no address in the counters."""
    window = settings.ACCOUNT_EMAIL_WINDOW
    allowed = hit(
        "account-email-from",
        client_address(request),
        settings.ACCOUNT_EMAIL_LIMIT_PER_ADDRESS,
        window,
    )
    for recipient in recipients:
        digest = hashlib.sha256(recipient.strip().lower().encode()).hexdigest()[:32]
        # every recipient is counted, even after a refusal: no limit is dodged by pairing
        allowed = (
            hit("account-email-to", digest, settings.ACCOUNT_EMAIL_LIMIT_PER_RECIPIENT, window)
            and allowed
        )
    return allowed


def too_many_emails(form: Any) -> None:
    form.add_error(
        None,
        _(
            "Er zijn in korte tijd te veel e-mails aangevraagd voor dit adres of vanaf deze "
            "verbinding. Probeer het over een uur opnieuw."
        ),
    )


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    consent_text = ConsentText.current(ConsentText.Kind.HEALTH_DATA)
    form = RegistrationForm(
        request.POST or None, consent_text=consent_text, initial={"language": request.LANGUAGE_CODE}
    )
    status = 422 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        if not may_send_email(request, form.cleaned_data["email"]):
            too_many_emails(form)
            status = 429
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # A new account, or a note to the owner of the one the address has: the same answer,
        # and nobody is signed in by it (that, too, would tell).
        services.register(
            email=data["email"],
            password=data["password1"],
            display_name=data["display_name"],
            language=data["language"],
            consent_version=data["consent_version"],
        )
        return render(request, "accounts/registered.html", {"email": data["email"]})
    return render(
        request,
        "accounts/register.html",
        {"form": form, "consent_text": consent_text},
        status=status,
    )


@require_safe
def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    user = services.verify_email(token)
    return render(
        request, "accounts/verified.html", {"ok": user is not None}, status=200 if user else 400
    )


FORM_METHODS = ["get", "post", "head", "options"]  # a form page: PUT, PATCH, DELETE are 405


class RejectedFormIs422:
    """A rejected form re-renders with 422, as on every other page."""

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)  # type: ignore[misc]
        response.status_code = 422
        return response


class LoginView(RejectedFormIs422, auth_views.LoginView):
    http_method_names = FORM_METHODS
    form_class = EmailLoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("home")


class PasswordResetView(RejectedFormIs422, auth_views.PasswordResetView):
    http_method_names = FORM_METHODS
    form_class = LijfwijsPasswordResetForm
    template_name = "accounts/password_reset.html"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        # Counted for every valid address, with an account or not: the answer never tells.
        if not may_send_email(self.request, form.cleaned_data["email"]):
            too_many_emails(form)
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(RejectedFormIs422, auth_views.PasswordResetConfirmView):
    http_method_names = FORM_METHODS
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Django's view answers a bad link itself, before the method check: check first.
        if (request.method or "").lower() not in self.http_method_names:
            return self.http_method_not_allowed(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(RejectedFormIs422, auth_views.PasswordChangeView):
    http_method_names = FORM_METHODS
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:settings")

    def form_valid(self, form: Any) -> HttpResponse:
        messages.success(self.request, _("Je wachtwoord is gewijzigd."))
        return super().form_valid(form)


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    profile = ProfileForm(request.POST or None, instance=user, prefix="profile")
    if request.method == "POST" and profile.is_valid():
        profile.save()
        messages.success(request, _("Je gegevens zijn bewaard."))
        return redirect("accounts:settings")
    return render(
        request,
        "accounts/settings.html",
        _settings_context(request, profile=profile),
        status=422 if request.method == "POST" else 200,
    )


def _settings_context(request: HttpRequest, **forms: Any) -> dict[str, Any]:
    user = request.user
    forms.setdefault("profile", ProfileForm(instance=user, prefix="profile"))
    forms.setdefault("grant", GrantAccessForm(prefix="grant"))
    return {
        **forms,
        # Who has access now (revoked ones are in the export); the template's "Niemand." needs
        # an empty list when every access was revoked.
        "accesses": access.practitioners_of(user).active(),
        "invitations": services.pending_invitations(user),
        "consents": user.consents.all(),
        "access_text": ConsentText.current(ConsentText.Kind.PRACTITIONER_ACCESS),
        "has_two_factor": two_factor.has_device(user),
    }


@login_required
@require_POST
def grant_access(request: HttpRequest) -> HttpResponse:
    if not request.user.is_client:
        raise PermissionDenied  # only a client gives access to their own data
    form = GrantAccessForm(request.POST, prefix="grant")
    if form.is_valid():
        services.grant_access(request.user, form.cleaned_data["practitioner_email"])
        messages.success(request, _("Je behandelaar heeft nu toegang."))
        return redirect("accounts:settings")
    return render(
        request, "accounts/settings.html", _settings_context(request, grant=form), status=422
    )


@login_required
@require_POST
def revoke_access(request: HttpRequest, access_id: int) -> HttpResponse:
    if not services.revoke_access(request.user, access_id):
        raise Http404("no such access")
    messages.success(
        request, _("De toegang is ingetrokken. Je behandelaar ziet je gegevens niet meer.")
    )
    return redirect("accounts:settings")


@login_required
@require_POST
def share_notes(request: HttpRequest, access_id: int) -> HttpResponse:
    """The client's choice whether one practitioner with access may also read the free text of
    their check-ins (`share=1` shares, anything else stops sharing). Their own act about their own
    data: no access-log row."""
    share = request.POST.get("share") == "1"
    if (
        not access.practitioners_of(request.user)
        .active()
        .filter(pk=access_id)
        .update(share_notes=share)
    ):
        raise Http404("no such access")
    messages.success(
        request,
        _("Je behandelaar kan nu ook lezen wat je bij je check-ins schrijft.")
        if share
        else _("Wat je bij je check-ins schrijft, is weer alleen voor jou."),
    )
    return redirect("accounts:settings")


@login_required
@require_POST
def answer_invitation(request: HttpRequest, invitation_id: int) -> HttpResponse:
    accept = request.POST.get("answer") == "accept"
    if not services.answer_invitation(request.user, invitation_id, accept):
        raise Http404("no such invitation")
    messages.success(
        request,
        _("Je behandelaar heeft nu toegang.") if accept else _("De uitnodiging is afgewezen."),
    )
    return redirect("accounts:settings")


@login_required
@require_http_methods(["GET", "POST"])
def change_email(request: HttpRequest) -> HttpResponse:
    form = EmailChangeForm(request.POST or None, user=request.user)
    status = 422 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        # Two emails go out: the link to the new address, a notice to the current one.
        if not may_send_email(request, form.cleaned_data["new_email"], request.user.email):
            too_many_emails(form)
            status = 429
    if request.method == "POST" and form.is_valid():
        services.request_email_change(request.user, form.cleaned_data["new_email"])
        messages.success(
            request, _("We hebben een bevestigingslink naar je nieuwe adres gestuurd.")
        )
        return redirect("accounts:settings")
    return render(request, "accounts/change_email.html", {"form": form}, status=status)


@require_safe
def confirm_email_change(request: HttpRequest, token: str) -> HttpResponse:
    user = services.confirm_email_change(token)
    return render(
        request,
        "accounts/email_changed.html",
        {"ok": user is not None},
        status=200 if user else 400,
    )


EXPORT_READY = "export_ready_until"  # session: until when the file may be fetched (epoch seconds)
EXPORT_STARTED = "export_started"  # session: the page right after the password shows the notice
EXPORT_WINDOW = 5 * 60  # seconds the checked password opens the file for


@login_required
@require_http_methods(["GET", "POST"])
def export(request: HttpRequest) -> HttpResponse:
    """The data export behind a fresh password. A right password answers with a redirect (POST,
    redirect, GET), not with the file: the page then says the download started and fetches the file
    (`?bestand=1`, for a few minutes), so no form with an old error stays on screen after a download,
    and a reload sends no password again."""
    if request.method == "GET" and request.GET.get("bestand") == "1":
        return _export_file(request)
    form = PasswordConfirmForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            # A large account's file is made in the background (the exports app's hook): the
            # person is sent to their downloads, where it appears.
            downloads = hooks.first("background_export", request.user, current_language())
            if downloads:
                messages.info(
                    request,
                    _(
                        "Je gegevens zijn te veel om meteen te downloaden. Het bestand wordt nu gemaakt en verschijnt hieronder."
                    ),
                )
                return redirect(downloads)
            request.session[EXPORT_READY] = int(time.time()) + EXPORT_WINDOW
            request.session[EXPORT_STARTED] = True
            return redirect("accounts:export")
        return render(request, "accounts/export.html", {"form": form}, status=422)
    started = request.session.pop(EXPORT_STARTED, False) and _export_open(request)
    return render(
        request,
        "accounts/export.html",
        {"form": PasswordConfirmForm(user=request.user), "started": started},
    )


def _export_open(request: HttpRequest) -> bool:
    until = request.session.get(EXPORT_READY)
    return isinstance(until, int) and time.time() <= until


def _export_file(request: HttpRequest) -> HttpResponse:
    if not _export_open(request):
        request.session.pop(EXPORT_READY, None)
        messages.info(request, _("Vul je wachtwoord opnieuw in om je gegevens te downloaden."))
        return redirect("accounts:export")
    body = json.dumps(export_user(request.user), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="lijfwijs-export.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        services.delete_account(user)
        return render(request, "accounts/deleted.html")
    return render(
        request,
        "accounts/delete.html",
        {"form": form},
        status=422 if request.method == "POST" else 200,
    )


@login_required
@require_safe
def access_log(request: HttpRequest) -> HttpResponse:
    """Who looked at the person's data, per day, a page at a time (`?pagina=2`)."""
    return render(request, "accounts/access_log.html", log_page(request))


@login_required
@require_http_methods(["GET", "POST"])
def health_consent(request: HttpRequest) -> HttpResponse:
    """Give or withdraw consent for health data: as easy one way as the other."""
    text = ConsentText.current(ConsentText.Kind.HEALTH_DATA)
    given = services.has_health_consent(request.user)
    if request.method == "POST":
        if request.POST.get("action") == "withdraw" and given:
            services.withdraw_health_consent(request.user)
            messages.success(
                request,
                _("Je toestemming is ingetrokken en je gezondheidsgegevens zijn verwijderd."),
            )
        elif request.POST.get("action") == "give" and not given:
            services.give_health_consent(request.user)
            messages.success(request, _("Dank je. We bewaren je uitslagen weer in je account."))
        return redirect("accounts:settings")
    return render(request, "accounts/health_consent.html", {"text": text, "given": given})
