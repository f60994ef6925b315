"""Writing the access log: one row per read or export of a client's data by someone else."""

from collections.abc import Iterable
from functools import cache

from django.db import connections, router, transaction
from django.http import HttpRequest
from django.utils import timezone

from .models import AccessLog, User

# The columns one row fills, in the order of the INSERT's parameters.
COLUMNS = (
    "at",
    "actor_id",
    "actor_email",
    "actor_role",
    "actor_name",
    "on_behalf_of",
    "client_id",
    "kind",
    "action",
    "object_ref",
)


@cache
def _insert_sql(alias: str) -> str:
    """One prepared INSERT of a row, written once per process from the model's own names: a look
    at the client list writes 25 rows, and building them through the ORM cost more than the write."""
    quote = connections[alias].ops.quote_name
    columns = ", ".join(quote(AccessLog._meta.get_field(name).column) for name in COLUMNS)
    marks = ", ".join(["%s"] * len(COLUMNS))
    table = quote(AccessLog._meta.db_table)
    return f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 (model names only)


def log_access(
    actor: User, client_ids: Iterable[int], kind: str, action: str, object_ref: str = ""
) -> None:
    """Record that `actor` read or exported data of these clients. Own data is never logged.
    All rows in one transaction, so they are written together or not at all."""
    actor_id = actor.pk
    ids = [client_id for client_id in client_ids if client_id != actor_id]
    if not ids:
        return
    alias = router.db_for_write(AccessLog)
    connection = connections[alias]
    at = connection.ops.adapt_datetimefield_value(timezone.now())
    who = (
        at,
        actor_id,
        actor.email,
        str(actor.role),
        str(actor)[:120],
        actor.practice_name,
    )
    what = (str(kind), str(action), object_ref[:64])
    rows = [(*who, client_id, *what) for client_id in ids]
    with transaction.atomic(using=alias, savepoint=False), connection.cursor() as cursor:
        cursor.executemany(_insert_sql(alias), rows)


def log_request(
    request: HttpRequest, client_id: int, kind: str, action: str, object_ref: str = ""
) -> None:
    log_access(request.user, [client_id], kind, action, object_ref)  # type: ignore[arg-type]
