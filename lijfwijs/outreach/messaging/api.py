"""Messages over the API: the caller's conversations, one conversation (read: marks it read),
opening one, and sending.

Mounted at /api/v1/messages/. Signed in through the pages' session (accounts.api_auth); writes
need the CSRF token (X-CSRFToken) and a JSON body. Clients and practitioners only: anyone else
signed in gets 403, signed out 401.

Scoped exactly like the pages (`access`): a client reads their own conversations, also closed
ones; a practitioner theirs with clients who grant them access now; anything else is a 404, like
one that does not exist, and that 404 comes before the body is read. A practitioner's list
writes one access-log row per client in it, a look at a conversation one row. A message to a
closed conversation is a 403, over the sending limit a 429, a bad text a 422 naming `text`.
"""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Path, Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from lijfwijs.accounts.access import client_for
from lijfwijs.accounts.api_auth import SignedIn
from lijfwijs.accounts.audit import log_access
from lijfwijs.accounts.models import AccessLog
from lijfwijs.core.ids import MAX_ID
from lijfwijs.core.schemas import ErrorOut, body_schema, read_body

from . import access, services
from .models import Conversation, Message
from .views import LOG_KIND

MAX_LIST = 200  # conversations in one answer
NOT_VALID = "The request is not valid."


class Correspondent(SignedIn):
    """Signed in as a client or a practitioner; anyone else signed in gets 403."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is not None and not (user.is_client or user.is_practitioner):
            raise HttpError(403, "Messages are between clients and their practitioners.")
        return user


router = Router(tags=["messages"], auth=Correspondent())

ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS = {**ERRORS, 400: ErrorOut, 413: ErrorOut, 415: ErrorOut, 429: ErrorOut}


class ConversationOut(Schema):
    id: int
    with_id: int | None = Field(
        description="The other person's account id (the practitioner for a client, the client "
        "for a practitioner); null when the practitioner's account is gone."
    )
    with_name: str
    open: bool = Field(description="Whether messages can be sent (the client grants access).")
    unread: int = Field(description="The other side's messages the caller has not read yet.")
    last_message_at: datetime | None
    url: str = Field(description="The conversation's page.")


class ConversationList(Schema):
    count: int
    items: list[ConversationOut]


class MessageOut(Schema):
    id: int
    mine: bool = Field(description="Sent by the caller.")
    from_client: bool
    text: str
    sent_at: datetime
    read_at: datetime | None = Field(description="When the recipient read it; null: not yet.")


class ConversationDetail(ConversationOut):
    messages: list[MessageOut] = Field(
        description=f"The {services.PAGE_SIZE} newest messages (before `before`), oldest first."
    )
    older: bool = Field(description="Whether there are older messages (ask with `before`).")


class OpenIn(Schema):
    with_id: int = Field(
        ge=1,
        le=MAX_ID,
        description="For a client: a practitioner they grant access to; for a practitioner: a "
        "client who grants them access.",
    )


class MessageIn(Schema):
    text: str = Field(description=f"1 to {services.MAX_LENGTH} characters of plain text.")


def _conversation_out(c: Conversation, caller: Any, unread: int | None = None) -> dict[str, Any]:
    is_client = caller.pk == c.client_id
    if is_client:
        other_id, name = c.practitioner_id, str(c.practitioner) if c.practitioner else ""
        name = name or c.practitioner_name
        url = reverse("messaging:conversation", kwargs={"conversation_id": c.pk})
    else:
        other_id, name = c.client_id, str(c.client)
        url = reverse("messaging:client_conversation", kwargs={"client_id": c.client_id})
    return {
        "id": c.pk,
        "with_id": other_id,
        "with_name": name,
        "open": bool(getattr(c, "is_open", True)),
        "unread": getattr(c, "unread", 0) if unread is None else unread,
        "last_message_at": c.last_message_at,
        "url": url,
    }


def _message_out(m: Message, caller_is_client: bool) -> dict[str, Any]:
    return {
        "id": m.pk,
        "mine": m.from_client == caller_is_client,
        "from_client": m.from_client,
        "text": m.body,
        "sent_at": m.sent_at,
        "read_at": m.read_at,
    }


def _unread(conversation: Conversation, *, reader_is_client: bool) -> int:
    return Message.objects.filter(
        conversation=conversation, from_client=not reader_is_client, read_at__isnull=True
    ).count()


def _log(caller: Any, conversation: Conversation, action: str) -> None:
    if caller.pk != conversation.client_id:
        log_access(
            caller, [conversation.client_id], LOG_KIND, action, f"conversation:{conversation.pk}"
        )


@router.get(
    "/conversations",
    response={200: ConversationList, **ERRORS},
    summary="The caller's conversations, newest first",
    description="A client's own (closed ones too: `open` false); a practitioner's with clients "
    f"who grant access now, one access-log row per client listed. At most {MAX_LIST}.",
)
def list_conversations(request: HttpRequest) -> Any:
    caller = request.user
    is_client = bool(caller.is_client)
    found = list(
        access.with_unread(access.of_caller(caller), reader_is_client=is_client)
        .select_related("client", "practitioner")
        .order_by("-last_message_at", "-pk")[:MAX_LIST]
    )
    if not is_client:
        log_access(caller, [c.client_id for c in found], LOG_KIND, AccessLog.Action.LIST)  # type: ignore[arg-type]
    return {"count": len(found), "items": [_conversation_out(c, caller) for c in found]}


@router.post(
    "/conversations",
    response={200: ConversationOut, 201: ConversationOut, **WRITE_ERRORS},
    summary="Open the conversation with a practitioner or client",
    description="Answers the pair's conversation (200), made when there is none yet (201). "
    "404 when the caller may not write with `with_id` (no access granted now).",
    openapi_extra=body_schema(OpenIn),
)
def open_conversation(request: HttpRequest) -> Any:
    caller = request.user
    payload = read_body(request, OpenIn)
    if caller.is_client:
        client, practitioner = caller, access.granted_practitioner(caller, payload.with_id)
    else:
        client, practitioner = client_for(request, payload.with_id), caller
    conversation, made = services.open_conversation(client, practitioner)
    conversation.is_open = True  # type: ignore[attr-defined]
    _log(caller, conversation, AccessLog.Action.VIEW)
    unread = _unread(conversation, reader_is_client=caller.pk == client.pk)
    return Status(201 if made else 200, _conversation_out(conversation, caller, unread))


@router.get(
    "/conversations/{conversation_id}",
    response={200: ConversationDetail, **ERRORS},
    summary="One conversation with its messages; marks the other side's messages read",
    description=f"The {services.PAGE_SIZE} newest messages, oldest first; `before` (a message "
    "id) for older ones. The other side's messages in the answer are marked read now (their "
    "sender sees `read_at`). A practitioner's look writes one access-log row.",
)
def read_conversation(
    request: HttpRequest,
    conversation_id: int = Path(..., ge=1, le=MAX_ID),  # noqa: B008 - ninja's way
    before: int | None = Query(None, ge=1, le=MAX_ID),  # noqa: B008
) -> Any:
    caller = request.user
    conversation = access.for_caller(request, conversation_id)
    is_client = caller.pk == conversation.client_id
    _log(caller, conversation, AccessLog.Action.VIEW)
    shown, older = services.read(conversation, reader_is_client=is_client, before=before)
    out = _conversation_out(conversation, caller, _unread(conversation, reader_is_client=is_client))
    return {
        **out,
        "messages": [_message_out(m, is_client) for m in shown],
        "older": older,
    }


@router.post(
    "/conversations/{conversation_id}/messages",
    response={201: MessageOut, **WRITE_ERRORS},
    summary="Send a message in a conversation",
    description="Plain text; the recipient gets an email without the content (at most one "
    "until they have read the conversation). 403 when the conversation is closed (the client "
    "no longer grants access), 429 over the sending limit "
    f"({services.SEND_LIMIT} per {services.SEND_WINDOW // 60} minutes), 422 naming `text`.",
    openapi_extra=body_schema(MessageIn),
)
def send_message(
    request: HttpRequest,
    conversation_id: int = Path(..., ge=1, le=MAX_ID),  # noqa: B008
) -> Any:
    caller = request.user
    conversation = access.for_caller(request, conversation_id)
    payload = read_body(request, MessageIn)
    try:
        message = services.send(
            caller,  # type: ignore[arg-type]
            client=conversation.client,
            practitioner=conversation.practitioner,
            text=payload.text,
        )
    except services.MessageError as error:
        if error.status == 422:
            return Status(422, {"detail": NOT_VALID, "errors": {error.field: error.message}})
        return Status(error.status, {"detail": error.message})
    return Status(201, _message_out(message, caller.pk == conversation.client_id))
