"""A conversation per client and practitioner, and its messages (encrypted at rest).

Who may read or write is decided in `access.py`, what a write does in `services.py`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from lijfwijs.core.fields import EncryptedTextField


class Conversation(models.Model):
    """The one conversation between a client and a practitioner (a unique pair). Writable by both
    while the client grants the practitioner access; the client keeps reading it afterwards.

    `practitioner` is kept as a name too: when the practitioner's account goes, the client keeps
    their copy (the key becomes NULL, the name stays).

    `notice_to_client` / `notice_to_practitioner`: an email notice was sent to that side and they
    have not opened the conversation since; while it is set no further notice is sent (one
    conditional UPDATE claims the notice, so two messages at once never mail twice).
    """

    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="client_conversations"
    )
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="practitioner_conversations",
    )
    practitioner_name = models.CharField(max_length=120, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    last_message_at = models.DateTimeField(null=True, blank=True)
    notice_to_client = models.BooleanField(default=False)
    notice_to_practitioner = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["client", "practitioner"], name="one_conversation_per_pair"
            )
        ]
        indexes = [
            models.Index(fields=["practitioner", "last_message_at"], name="msg_conv_practitioner")
        ]

    def __str__(self) -> str:
        return f"{self.client_id} ↔ {self.practitioner_id}"


class Message(models.Model):
    """One message; `from_client` says which side wrote it. `read_at`: when the other side first
    opened the conversation after it arrived (the sender sees it as "gelezen")."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    from_client = models.BooleanField()
    body = EncryptedTextField()
    sent_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["conversation", "id"], name="msg_message_order"),
            # the unread messages (the menu's count, marking read): a small partial index
            models.Index(
                fields=["conversation", "from_client"],
                condition=Q(read_at__isnull=True),
                name="msg_message_unread",
            ),
        ]

    def __str__(self) -> str:
        return f"message {self.pk} in {self.conversation_id}"
