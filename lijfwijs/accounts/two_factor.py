"""Two-factor authentication (TOTP, django-otp) for practitioners and staff, with recovery codes.

Setup: an unconfirmed TOTP device is made, shown as a QR code (SVG, rendered here) and as a key;
the first correct code confirms it, and ten single-use recovery codes are shown once.
Login: after the password, a code from the app or a recovery code; each code works once.
"""

import secrets
from base64 import b32encode
from io import BytesIO
from typing import Any

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from lijfwijs.core.redirects import local_path

from .middleware import SECOND_FACTOR_CHOSEN

RECOVERY_CODES = 10
APP_CODE_DIGITS = 6  # TOTPDevice's default, used for every device made here


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_lazy("Code"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
        help_text=_lazy("De zes cijfers uit je app, of een van je herstelcodes."),
    )


def has_device(user: Any) -> bool:
    return any(True for _ in devices_for_user(user, confirmed=True))


def _qr_svg(url: str) -> SafeString:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    svg = svg[svg.index("<svg") :]  # drop the XML declaration
    return mark_safe(svg.replace("<svg ", '<svg role="img" aria-label="QR-code" ', 1))  # noqa: S308 - made here


def _new_recovery_codes(user: Any) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name="recovery", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def _verify(user: Any, code: str) -> Any:
    code = code.strip().replace(" ", "").lower()
    # An app code (six digits) goes only to the app, a recovery code (ten hex characters) only to
    # the recovery codes: django-otp throttles a device after every failure, so a mistyped app
    # code must not block the recovery code typed right after it (nor the other way round).
    app_code = code.isdigit() and len(code) == APP_CODE_DIGITS
    for device in devices_for_user(user, confirmed=True):
        if isinstance(device, StaticDevice) == app_code:
            continue
        if device.verify_token(
            code
        ):  # TOTP: a used code is refused again; static codes are deleted
            return device
    return None


def _next_page(request: HttpRequest) -> str:
    """Where to go after the second factor: `next` when it is a page of this site, else home."""
    return local_path(request, request.GET.get("next"), reverse("home"))


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """Set up (no device yet) or pass (a device exists) the second factor."""
    user = request.user
    if request.user.is_verified():
        return redirect("home")
    if has_device(user):
        form = CodeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            device = _verify(user, form.cleaned_data["code"])
            if device is not None:
                otp_login(request, device)
                return HttpResponseRedirect(_next_page(request))
            form.add_error(
                "code",
                _("Deze code klopt niet of is al gebruikt. Probeer de volgende code uit je app."),
            )
        return render(
            request,
            "accounts/two_factor_verify.html",
            {"form": form},
            status=422 if request.method == "POST" else 200,
        )

    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="app", confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"].strip().replace(" ", "")):
            with transaction.atomic():
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                codes = _new_recovery_codes(user)
            otp_login(request, device)
            messages.success(request, _("Tweestapsverificatie staat aan."))
            return render(request, "accounts/recovery_codes.html", {"codes": codes})
        form.add_error(
            "code",
            _(
                "Deze code klopt niet. Controleer de tijd op je telefoon en probeer de volgende code."
            ),
        )
    key = b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "qr": _qr_svg(device.config_url),
        "key": " ".join(key[i : i + 4] for i in range(0, len(key), 4)),
    }
    return render(
        request,
        "accounts/two_factor_setup.html",
        context,
        status=422 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["POST"])
def new_recovery_codes(request: HttpRequest) -> HttpResponse:
    if not has_device(request.user) or not request.user.is_verified():
        return redirect("accounts:two_factor")
    return render(
        request, "accounts/recovery_codes.html", {"codes": _new_recovery_codes(request.user)}
    )


@receiver(user_logged_in)
def _remember_chosen_second_factor(
    sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any
) -> None:
    """A client who set up two factors is asked for the code at every login, like a practitioner."""
    if (
        request is not None
        and hasattr(request, "session")
        and not user.needs_two_factor
        and has_device(user)
    ):
        request.session[SECOND_FACTOR_CHOSEN] = True
