"""Who may see whose data. Deny by default: one function for one client (404 when not allowed),
one queryset for lists, side by side. Every practitioner view goes through these."""

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404, HttpRequest

from .models import PractitionerAccess, User


def clients_of(practitioner: User) -> QuerySet[User]:
    """The clients who have granted this practitioner access now (none for anyone else)."""
    if (
        not practitioner.is_authenticated
        or not practitioner.is_practitioner
        or not practitioner.is_active
    ):
        return User.objects.none()
    granted = PractitionerAccess.objects.active().filter(
        client=OuterRef("pk"), practitioner=practitioner
    )
    return User.objects.filter(Exists(granted), is_active=True, role=User.Role.CLIENT)


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
