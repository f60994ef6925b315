"""When someone signs in (or registers), the Pijntest they just took in this browser becomes theirs."""

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from lijfwijs.accounts.services import has_health_consent

from .models import Response

SESSION_KEYS = ("pijntest_last", "pijntest_draft")


@receiver(user_logged_in)
def claim_results_of_this_browser(
    sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any
) -> None:
    if request is None or not hasattr(request, "session") or not has_health_consent(user):
        return
    ids = [request.session.get(k) for k in SESSION_KEYS if request.session.get(k)]
    # Only results nobody owns yet; save() (not update) so cached report pages are dropped.
    for response in Response.objects.filter(pk__in=ids, user__isnull=True):
        response.user = user
        response.save(update_fields=["user", "updated_at"])
