"""The one write path of messaging: sending a message (with its email notice) and marking a
conversation read. Views and the API call these; nothing else writes the models.

- A message is sent only while the client grants the practitioner access (`Closed` otherwise),
  is plain text of 1 to MAX_LENGTH characters (`MessageError`, with the field it is about), and
  at most SEND_LIMIT per person per SEND_WINDOW seconds (`TooMany`), counted where every process
  sees it (core.ratelimit).
- The conversation of a pair is made by the first message; two first messages at once make one
  (the unique constraint decides, the loser reads the winner's row).
- The recipient gets an email that says only that a message is waiting, never its content; at most
  one per conversation and recipient until they open the conversation: a conditional UPDATE of
  the conversation's notice flag claims it, so simultaneous messages mail once.
"""

from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lijfwijs.accounts.models import PractitionerAccess, User
from lijfwijs.accounts.services import link
from lijfwijs.core import ratelimit
from lijfwijs.core.mail import send_email

from .models import Conversation, Message

MAX_LENGTH = 5000
SEND_LIMIT = 30  # messages per person per window
SEND_WINDOW = 600  # seconds
PAGE_SIZE = 50  # messages on a conversation's page (older ones a page further)


class MessageError(ValueError):
    """A message that cannot be sent; `message` is for the person, `field` the input."""

    status = 422

    def __init__(self, message: str, field: str = "text") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class Closed(MessageError):
    """The client no longer grants the practitioner access: the conversation is read-only."""

    status = 403


class TooMany(MessageError):
    """Over the sending limit."""

    status = 429


def clean_text(text: Any) -> str:
    """The message as it is stored (surrounding blank space removed), or MessageError."""
    if not isinstance(text, str):
        raise MessageError(_("Schrijf je bericht als tekst."))
    text = text.strip()
    if not text:
        raise MessageError(_("Schrijf eerst je bericht."))
    if "\x00" in text:
        raise MessageError(_("Je bericht bevat een teken dat niet kan worden opgeslagen."))
    if len(text) > MAX_LENGTH:
        raise MessageError(
            _("Je bericht is %(length)s tekens; het mag er hoogstens %(max)s zijn.")
            % {"length": len(text), "max": MAX_LENGTH}
        )
    return text


def is_open(client: Any, practitioner: Any) -> bool:
    """Whether the client grants the practitioner access now (the conversation may be written)."""
    if practitioner is None:
        return False
    return (
        PractitionerAccess.objects.active()
        .filter(client=client, practitioner=practitioner, practitioner__is_active=True)
        .exists()
    )


def open_conversation(client: User, practitioner: User) -> tuple[Conversation, bool]:
    """The pair's conversation, and whether it was made now (the constraint decides a race).
    The caller has checked that the client grants the practitioner access."""
    found = Conversation.objects.filter(client=client, practitioner=practitioner).first()
    if found is not None:
        return found, False
    try:
        with transaction.atomic():
            made = Conversation.objects.create(
                client=client, practitioner=practitioner, practitioner_name=str(practitioner)[:120]
            )
            return made, True
    except IntegrityError:
        return Conversation.objects.get(client=client, practitioner=practitioner), False


def send(
    sender: User,
    *,
    client: User,
    practitioner: User | None,
    text: Any,
    now: datetime | None = None,
) -> Message:
    """`sender` (the client or the practitioner of the pair) sends `text` to the other side.
    `practitioner` None: their account is gone (the client's copy is closed)."""
    if sender.pk not in (client.pk, getattr(practitioner, "pk", None)):
        raise PermissionError("only the two people of a conversation write in it")
    text = clean_text(text)
    if practitioner is None or not is_open(client, practitioner):
        raise Closed(
            _(
                "Dit gesprek is gesloten: je behandelaar heeft geen toegang meer tot je "
                "gegevens. Je kunt de berichten nog wel lezen."
            )
        )
    if not ratelimit.hit("messaging.send", str(sender.pk), SEND_LIMIT, SEND_WINDOW):
        raise TooMany(
            _(
                "Je hebt veel berichten kort na elkaar gestuurd. Wacht een paar minuten en "
                "probeer het dan opnieuw; je tekst staat er nog."
            )
        )
    now = now or timezone.now()
    from_client = sender.pk == client.pk
    with transaction.atomic():
        conversation, _made = open_conversation(client, practitioner)
        message = Message.objects.create(
            conversation=conversation, from_client=from_client, body=text, sent_at=now
        )
        Conversation.objects.filter(pk=conversation.pk).update(last_message_at=now)
        _notify(
            conversation,
            to_client=not from_client,
            recipient=practitioner if from_client else client,
        )
    return message


def _notify(conversation: Conversation, *, to_client: bool, recipient: User) -> None:
    """The recipient's email notice, unless one is still waiting to be read (claimed by one
    conditional UPDATE, so concurrent messages send one). Sent after the commit (core.mail)."""
    flag = "notice_to_client" if to_client else "notice_to_practitioner"
    claimed = Conversation.objects.filter(pk=conversation.pk, **{flag: False}).update(
        **{flag: True}
    )
    if not claimed:
        return
    language = recipient.language
    if to_client:
        where = link("messaging:conversation", language, conversation_id=conversation.pk)
    else:
        where = link("messaging:client_conversation", language, client_id=conversation.client_id)
    send_email(
        recipient.email,
        "messaging/emails/new_message",
        {"link": where, "to_client": to_client},
        language,
    )


def mark_read(
    conversation: Conversation,
    *,
    reader_is_client: bool,
    up_to: int | None,
    now: datetime | None = None,
) -> int:
    """The reader opened the conversation: their notice is no longer waiting, and the other
    side's messages up to `up_to` (the newest one shown; None: none shown) are read now. The
    notice flag goes first, so a message arriving meanwhile gets its notice rather than none."""
    flag = "notice_to_client" if reader_is_client else "notice_to_practitioner"
    if getattr(conversation, flag):
        Conversation.objects.filter(pk=conversation.pk, **{flag: True}).update(**{flag: False})
        setattr(conversation, flag, False)
    if up_to is None:
        return 0
    return Message.objects.filter(
        conversation=conversation,
        from_client=not reader_is_client,
        read_at__isnull=True,
        pk__lte=up_to,
    ).update(read_at=now or timezone.now())


def page_of(
    conversation: Conversation | None, before: int | None = None
) -> tuple[list[Message], bool]:
    """The PAGE_SIZE newest messages (before message id `before`), oldest first, and whether
    there are older ones. One query."""
    if conversation is None:
        return [], False
    messages = Message.objects.filter(conversation=conversation)
    if before is not None:
        messages = messages.filter(pk__lt=before)
    found = list(messages.order_by("-pk")[: PAGE_SIZE + 1])
    older = len(found) > PAGE_SIZE
    found = found[:PAGE_SIZE]
    found.reverse()
    return found, older


def read(
    conversation: Conversation | None,
    *,
    reader_is_client: bool,
    before: int | None = None,
    now: datetime | None = None,
) -> tuple[list[Message], bool]:
    """A page of the conversation as the reader opens it (`page_of`), the other side's messages
    in it marked read (`mark_read`, also on the returned objects)."""
    shown, older = page_of(conversation, before)
    if conversation is None:
        return shown, older
    now = now or timezone.now()
    # The other side's unread ones shown (marking takes every earlier one of theirs along): a
    # page that shows none writes nothing.
    unread = [m for m in shown if m.from_client != reader_is_client and m.read_at is None]
    mark_read(
        conversation,
        reader_is_client=reader_is_client,
        up_to=max((m.pk for m in unread), default=None),
        now=now,
    )
    for message in unread:
        message.read_at = now
    return shown, older


def erase_client(user: Any) -> None:
    """Withdrawn consent for health data: the person's conversations go, both sides' messages
    (they are about the person's health; see the decision in docs)."""
    Conversation.objects.filter(client=user).delete()
