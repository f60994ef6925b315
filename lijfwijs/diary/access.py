"""Who may see a check-in: only the person who made it (deny by default)."""

from typing import Any

from django.http import Http404, HttpRequest

from .models import CheckIn, CheckInQuerySet


def own_checkins(request: HttpRequest) -> CheckInQuerySet:
    if not request.user.is_authenticated:
        return CheckIn.objects.none()
    return CheckIn.objects.for_user(request.user)


def checkin_for(request: HttpRequest, checkin_id: Any) -> CheckIn:
    try:
        return own_checkins(request).get(pk=checkin_id)
    except (CheckIn.DoesNotExist, ValueError):
        raise Http404("no such check-in") from None
