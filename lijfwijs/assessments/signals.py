"""When someone signs in (or registers), the Pijntest they just took in this browser becomes theirs."""

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from . import services

SESSION_KEYS = ("pijntest_last", "pijntest_draft")


@receiver(user_logged_in)
def claim_results_of_this_browser(
    sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any
) -> None:
    if request is None or not hasattr(request, "session"):
        return
    services.claim(user, [request.session.get(k) for k in SESSION_KEYS])
