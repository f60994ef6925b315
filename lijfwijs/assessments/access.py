"""Who may see a response: deny by default; one function per object, one filter per list."""

from django.db.models import Q
from django.http import Http404, HttpRequest

from .models import Response, ResponseQuerySet


def visible_responses(request: HttpRequest) -> ResponseQuerySet:
    """Responses the requester may list: their own (nothing for anonymous visitors)."""
    user = request.user
    if not user.is_authenticated:
        return Response.objects.none()
    return Response.objects.filter(user=user)


def response_for(request: HttpRequest, response_id: str) -> Response:
    """One response by its unguessable id, or 404.

    An anonymous response belongs to whoever holds its id; one tied to an account only to
    that account.
    """
    user = request.user
    owner = Q(user__isnull=True)
    if user.is_authenticated:
        owner |= Q(user=user)
    try:
        return Response.objects.filter(owner).get(pk=str(response_id)[:32])
    except Response.DoesNotExist:
        raise Http404("no such response") from None
