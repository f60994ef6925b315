"""Which alerts a practitioner may see: one queryset for lists, one function for one alert (404)."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from lijfwijs.accounts.access import member_required  # noqa: F401  (the practice's pages use it from here)

from .models import Alert, AlertQuerySet


def alerts_of(practitioner: object) -> AlertQuerySet:
    """The practitioner's own alerts about clients who grant them access now (none for anyone else)."""
    return Alert.objects.for_practitioner(practitioner)


def alert_for(request: HttpRequest, alert_id: int | str) -> Alert:
    """One of the requesting practitioner's alerts, or 404 (also after the client revoked access)."""
    try:
        return alerts_of(request.user).get(pk=int(alert_id))
    except (Alert.DoesNotExist, ValueError, TypeError):
        raise Http404("no such alert") from None


def practitioner_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in as a practitioner (with the second factor, checked by the middleware), or 403."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_practitioner:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


# --- the practice itself: its members (practitioners and assistants) ------------------------
# member_required lives in accounts.access (booking and outreach need it too); imported above.


def members_of(practice: object) -> Any:
    """The members of one practice (never another's), with their accounts."""
    from lijfwijs.accounts.models import Membership

    return Membership.objects.filter(practice=practice).select_related("user")


def member_for(request: HttpRequest, member_id: int | str) -> Any:
    """One member of the requesting person's own practice, or 404 (another practice's too)."""
    from lijfwijs.accounts.models import Membership

    membership = request.membership  # type: ignore[attr-defined]
    try:
        return members_of(membership.practice_id).get(pk=int(member_id))
    except (Membership.DoesNotExist, ValueError, TypeError):
        raise Http404("no such member") from None
