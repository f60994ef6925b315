"""Writing the access log: one row per read or export of a client's data by someone else."""

from collections.abc import Iterable

from django.http import HttpRequest

from .models import AccessLog, User


def log_access(
    actor: User, client_ids: Iterable[int], kind: str, action: str, object_ref: str = ""
) -> None:
    """Record that `actor` read or exported data of these clients. Own data is never logged."""
    rows = [
        AccessLog(
            actor_id=actor.pk,
            actor_email=actor.email,
            actor_role=actor.role,
            actor_name=str(actor)[:120],
            on_behalf_of=actor.practice_name,
            client_id=client_id,
            kind=kind,
            action=action,
            object_ref=object_ref[:64],
        )
        for client_id in client_ids
        if client_id != actor.pk
    ]
    if rows:
        AccessLog.objects.bulk_create(rows)


def log_request(
    request: HttpRequest, client_id: int, kind: str, action: str, object_ref: str = ""
) -> None:
    log_access(request.user, [client_id], kind, action, object_ref)  # type: ignore[arg-type]
