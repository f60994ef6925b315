"""Which alerts a practitioner may see: one queryset for lists, one function for one alert (404)."""

from django.http import Http404, HttpRequest

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
