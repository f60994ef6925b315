"""Messaging's part of a person's data export and of the erasure of their health data (the hooks
`export_user_data` and `erase_user_health_data` named in apps.py; accounts gathers them)."""

from typing import Any

from django.db.models import Prefetch

from . import services
from .models import Conversation, Message


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def export_user_data(user: Any) -> dict[str, Any]:
    """The person's conversations as a client (open and closed: their copy), every message of
    both sides, oldest first; times in UTC. A practitioner's messages with clients are the
    clients' data and are not in the practitioner's export."""
    conversations = (
        Conversation.objects.filter(client=user)
        .order_by("created_at", "pk")
        .prefetch_related(Prefetch("messages", queryset=Message.objects.order_by("pk")))
    )
    return {
        "messages": [
            {
                "practitioner": c.practitioner_name,
                "started_at": _iso(c.created_at),
                "messages": [
                    {
                        "from": "client" if m.from_client else "practitioner",
                        "text": m.body,
                        "sent_at": _iso(m.sent_at),
                        "read_at": _iso(m.read_at),
                    }
                    for m in c.messages.all()
                ],
            }
            for c in conversations
        ]
    }


def erase_user_health_data(user: Any) -> None:
    """Withdrawn consent for health data: the person's conversations and their messages go."""
    services.erase_client(user)
