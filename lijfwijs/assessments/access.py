"""Who may see a response: deny by default; one function per object, one filter per list."""

from django.db.models import Q
from django.http import Http404, HttpRequest

from lijfwijs.accounts.access import clients_of
from lijfwijs.accounts.audit import log_request
from lijfwijs.accounts.models import AccessLog

from .models import TOKEN, Response, ResponseQuerySet


def visible_responses(request: HttpRequest) -> ResponseQuerySet:
    """Responses the requester may list as their own (nothing for anonymous visitors)."""
    user = request.user
    if not user.is_authenticated:
        return Response.objects.none()
    return Response.objects.filter(user=user)


def response_for(request: HttpRequest, response_id: str) -> Response:
    """One response by its unguessable id, or 404.

    An anonymous response belongs to whoever holds its id; one tied to an account only to that
    account and to the practitioners that person has given access (each such view is logged).
    """
    if not TOKEN.fullmatch(str(response_id)):  # never send odd text (NUL bytes…) to the database
        raise Http404("no such response")
    user = request.user
    allowed = Q(user__isnull=True)
    if user.is_authenticated:
        allowed |= Q(user=user)
        if user.is_practitioner:
            allowed |= Q(user__in=clients_of(user))
    try:
        response = Response.objects.filter(allowed).get(pk=response_id)
    except Response.DoesNotExist:
        raise Http404("no such response") from None
    if response.user_id is not None and response.user_id != user.pk:
        log_request(
            request,
            response.user_id,
            AccessLog.Kind.PIJNTEST,
            AccessLog.Action.VIEW,
            f"response:{response.pk}",
        )
    return response
