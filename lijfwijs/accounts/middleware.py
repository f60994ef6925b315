"""Session lifetimes by role, and the second factor practitioners and staff must pass."""

import time
from collections.abc import Callable

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.contrib.messages.storage import default_storage
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_otp.middleware import OTPMiddleware as DjangoOTPMiddleware
from django_otp.models import Device

from lijfwijs.core.statements import instance_by_id

LOGIN_AT = "_login_at"
SEEN_AT = "_seen_at"
SECOND_FACTOR_CHOSEN = "_second_factor_chosen"  # a client who set up two factors uses them too
SEEN_RESOLUTION = 60  # seconds; the session is written at most once a minute for this


def session_limits(user: object) -> tuple[int, int | None]:
    """(idle seconds, absolute seconds or None) for a user."""
    if getattr(user, "needs_two_factor", False):
        return settings.PRACTITIONER_IDLE_SECONDS, settings.PRACTITIONER_ABSOLUTE_SECONDS
    return settings.CLIENT_IDLE_SECONDS, None


class SessionPolicyMiddleware:
    """Ends a session after too long idle (and, for practitioners and staff, after 12 hours)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.session.session_key and request.user.is_authenticated:
            now = int(time.time())
            idle, absolute = session_limits(request.user)
            seen = request.session.get(SEEN_AT, now)
            login_at = request.session.get(LOGIN_AT, now)
            if now - seen > idle or (absolute is not None and now - login_at > absolute):
                logout(request)
                if request.path_info.startswith("/api/"):
                    return JsonResponse(
                        {"detail": "Your session has expired; sign in again."}, status=401
                    )
                # MessageMiddleware runs inside this one, so it has not set up the request's
                # message storage yet: do its two steps here.
                request._messages = default_storage(request)  # type: ignore[attr-defined]
                messages.info(request, _("Je sessie is verlopen. Log opnieuw in."))
                response = redirect_to_login(request.get_full_path())
                request._messages.update(response)  # type: ignore[attr-defined]
                return response
            if now - seen >= SEEN_RESOLUTION or SEEN_AT not in request.session:
                request.session[SEEN_AT] = now
            request.session.setdefault(LOGIN_AT, now)
        return self.get_response(request)


ALLOWED_WITHOUT_SECOND_FACTOR = (
    "/account/tweestaps/",
    "/en/account/tweestaps/",
    "/account/uitloggen/",
    "/en/account/uitloggen/",
    "/static/",
    "/healthz",
)


class RequireTwoFactorMiddleware:
    """Practitioners and staff, and clients who chose to set up two factors, reach nothing but the
    two-factor pages until they have passed it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            request.session.session_key
            and user.is_authenticated
            and (user.needs_two_factor or request.session.get(SECOND_FACTOR_CHOSEN))
            and not user.is_verified()
            and not request.path_info.startswith(ALLOWED_WITHOUT_SECOND_FACTOR)
        ):
            if request.path_info.startswith("/api/"):
                return JsonResponse({"detail": "Two-factor authentication required."}, status=403)
            target = reverse("accounts:two_factor")
            if request.method == "GET":  # come back here afterwards (the login's `next`)
                target += "?" + urlencode({"next": request.get_full_path()})
            return redirect(target)
        return self.get_response(request)


class OTPMiddleware(DjangoOTPMiddleware):
    """django-otp's middleware, with the device the session names (a practitioner's second factor,
    on every page of theirs) read by a statement compiled once per process and kind of device
    (lijfwijs.core.statements) instead of a query built per request. What it does with the device
    (its user and confirmation checked, the session kept consistent) stays django-otp's."""

    def _device_from_persistent_id(self, persistent_id: str) -> Device | None:
        persistent_id = self._normalize_persistent_id(persistent_id)
        try:
            label, device_id = persistent_id.rsplit("/", 1)
            model = apps.get_model(label)
            pk = int(device_id)
        except (ValueError, LookupError):
            return None
        if not issubclass(model, Device):
            return None
        return instance_by_id(model, "id", pk)
