"""The menu's count of unread messages (`UNREAD_MESSAGES`), for the "Berichten" link of clients
and practitioners. Lazy: the one indexed query (`access.unread_count`) runs only on a page whose
template reads the value, so pages of visitors, staff and assistants, and JSON answers, pay
nothing."""

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .access import unread_count


def unread(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {"UNREAD_MESSAGES": SimpleLazyObject(lambda: unread_count(user))}
