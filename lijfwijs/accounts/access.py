"""Who may see whose data. Deny by default: one function for one client (404 when not allowed),
one queryset for lists, side by side. Every practitioner view goes through these."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from .models import PractitionerAccess, User


def clients_of(practitioner: User) -> QuerySet[User]:
    """The clients who have granted this practitioner access now (none for anyone else)."""
    if (
        not practitioner.is_authenticated
        or not practitioner.is_practitioner
        or not practitioner.is_active
    ):
        return User.objects.none()
    # Driven from the practitioner's grants (their index), not from every user: an EXISTS per
    # user made SQLite scan the whole user table, a cost that grew with the installation.
    granted = PractitionerAccess.objects.active().filter(practitioner=practitioner)
    return User.objects.filter(
        pk__in=granted.values("client_id"), is_active=True, role=User.Role.CLIENT
    )


def client_for(request: HttpRequest, client_id: int | str) -> User:
    """One client of the requesting practitioner, or 404 (also after the client revoked access)."""
    try:
        return clients_of(request.user).get(pk=int(client_id))  # type: ignore[arg-type]
    except (User.DoesNotExist, ValueError, TypeError):
        raise Http404("no such client") from None


def practitioners_of(client: User) -> QuerySet[PractitionerAccess]:
    """The client's own view of who has access."""
    if not client.is_authenticated:
        return PractitionerAccess.objects.none()
    return PractitionerAccess.objects.filter(client=client).select_related("practitioner")


def member_required(view: Callable[..., HttpResponse] | None = None, *, owner: bool = False) -> Any:
    """Signed in as a member of a practice (with the second factor), or 403; anonymous people are
    sent to sign in. With `owner=True` only the practice's owners pass. Clients and staff are no
    member of any practice. The view gets `request.membership`.

    Use as `@member_required` or `@member_required(owner=True)`.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            membership = user.membership if (user.is_practitioner or user.is_assistant) else None
            if membership is None or (owner and not membership.is_owner):
                raise PermissionDenied
            request.membership = membership  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

        return wrapper

    return decorator(view) if view is not None else decorator
