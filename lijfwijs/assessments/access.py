"""Who may see a response: deny by default; one function per object, one filter per list."""

from functools import lru_cache
from typing import Any

from django.db import connection
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


# What a report reads of a response: every column but the encrypted answers, which it does not
# show. A draft is read whole (its answers are the pages' values).
_SHOWN = tuple(f for f in Response._meta.concrete_fields if f.name != "answers")
_WHOLE = tuple(Response._meta.concrete_fields)
_NAMES = {False: [f.attname for f in _SHOWN], True: [f.attname for f in _WHOLE]}


@lru_cache(maxsize=8)
def _statement(whole: bool, signed_in: bool | None, vendor: str) -> str:
    """A response by id, written once per process from the model's own names: the ORM spends
    longer building this small query on every request than the database takes to answer it.
    `signed_in` None: a draft of the Pijntest (`_draft`'s rule, the id being the session's);
    otherwise `response_for`'s rule for anyone but a practitioner (an anonymous response, or the
    requester's own)."""
    quote = connection.ops.quote_name
    table = quote(Response._meta.db_table)
    column = {f.name: f"{table}.{quote(f.column)}" for f in Response._meta.concrete_fields}
    shown = ", ".join(column[f.name] for f in (_WHOLE if whole else _SHOWN))
    if signed_in is None:
        rule = f"{column['instrument']} = %s"
    else:
        user = column["user"]
        rule = f"{user} IS NULL" + (f" OR {user} = %s" if signed_in else "")
    # only quoted names of the model's own columns, and %s placeholders for the values
    return f"SELECT {shown} FROM {table} WHERE {column['id']} = %s AND ({rule})"  # noqa: S608


def _fetch(whole: bool, signed_in: bool | None, params: list[Any]) -> Response | None:
    """The one row of `_statement` as a Response (the columns not read are deferred), its values
    as the ORM gives them: each through its backend's and its field's converters."""
    with connection.cursor() as cursor:
        cursor.execute(_statement(whole, signed_in, connection.vendor), params)
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for n, column in _converted_columns(whole, connection.vendor):
        for convert in connection.ops.get_db_converters(column) + column.get_db_converters(
            connection
        ):
            values[n] = convert(values[n], column, connection)
    return Response.from_db(connection.alias, _NAMES[whole], values)


@lru_cache(maxsize=8)
def _converted_columns(whole: bool, vendor: str) -> list[tuple[int, Any]]:
    """The statement's columns whose values the ORM converts on this database (dates, JSON, the
    encrypted answers), by position."""
    table = Response._meta.db_table
    columns = [(n, field.get_col(table)) for n, field in enumerate(_WHOLE if whole else _SHOWN)]
    return [
        (n, column)
        for n, column in columns
        if connection.ops.get_db_converters(column) + column.get_db_converters(connection)
    ]


def response_to_show(request: HttpRequest, response_id: str) -> Response:
    """`response_for` for a page that shows the result (the report): the same rule, the same
    404 and the same access log, with the answers left unread until something reads them (a
    deferred field: one more query then). A practitioner's look goes through `response_for`."""
    user = request.user
    if user.is_authenticated and user.is_practitioner:
        return response_for(request, response_id)
    if not TOKEN.fullmatch(str(response_id)):
        raise Http404("no such response")
    signed_in = user.is_authenticated
    found = _fetch(False, signed_in, [response_id, user.pk] if signed_in else [response_id])
    if found is None:
        raise Http404("no such response")
    # anonymous or the requester's own: nobody else's data was looked at, nothing to log
    return found


def draft_by_id(draft_id: str, instrument: str) -> Response | None:
    """The response of `instrument` with the id kept in the person's session (their draft of the
    Pijntest, or the finished one it became), whole; None when there is none."""
    if not TOKEN.fullmatch(str(draft_id)):
        return None
    return _fetch(True, None, [str(draft_id), instrument])
