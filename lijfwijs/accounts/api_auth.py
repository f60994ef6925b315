"""How the API knows who calls: the session of the pages. A write also needs the CSRF token and
(with a body) JSON; writing health data also needs the caller's consent for it.

One class for every app's router: `SignedIn()` for what holds no health data, and
`SignedIn(consent="Keeping a diary")` where writing does (deleting never needs consent: erasure
is always allowed).
"""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import APIKeyCookie
from ninja.utils import check_csrf

from .services import has_health_consent

WRITES = ("POST", "PUT", "PATCH", "DELETE")
WITH_BODY = ("POST", "PUT", "PATCH")


class SignedIn(APIKeyCookie):
    """The session of the pages; writes also need the CSRF token (X-CSRFToken header)."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self, consent: str = "") -> None:
        """`consent`: what writing needs consent for, as the 403 says it ("" for no consent)."""
        super().__init__(csrf=False)  # checked in authenticate: after the sign-in, for writes
        self.consent = consent

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if not user.is_authenticated:
            return None  # 401
        if request.method in WRITES:
            if check_csrf(request) is not None:
                # A signed-in browser's cookie must not let another site change anything.
                raise HttpError(403, "CSRF check failed: send the X-CSRFToken header.")
            if self.consent and request.method != "DELETE" and not has_health_consent(user):
                raise HttpError(
                    403,
                    f"{self.consent} needs your consent for health data; give it on "
                    "/account/toestemming/.",
                )
            if request.method in WITH_BODY and request.content_type != "application/json":
                raise HttpError(415, "Send the body as application/json.")
        return user
