"""Which alerts a practitioner may see: one queryset for lists, one function for one alert (404)."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

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
