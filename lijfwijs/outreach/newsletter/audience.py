"""The newsletter's side of the campaigns' contract (lijfwijs/outreach/audience.py): each list of a
practice is an audience `list:<id>`, whose recipients are its subscribed subscribers."""

import re

from django.db.models import Count, Q

from lijfwijs.outreach.audience import Audience, Recipient

from . import services
from .models import Subscriber

KEY = re.compile(r"list:([0-9]{1,12})")
SUBSCRIBED = Q(subscriptions__subscriber__status=Subscriber.Status.SUBSCRIBED)


def campaign_audiences(practice) -> list[Audience]:
    """The practice's lists, each with how many would get a campaign now (one query)."""
    rows = services.lists_of(practice).annotate(n=Count("subscriptions", filter=SUBSCRIBED))
    return [Audience(key=f"list:{row.pk}", label=row.name, count=row.n) for row in rows]


def campaign_recipients(practice, audience_key: str) -> list[Recipient] | None:
    """The subscribed (so confirmed and deliverable) subscribers on the practice's list; None for
    a key that is not the newsletter's; [] for a list that is not (or no longer) the practice's."""
    match = KEY.fullmatch(audience_key)
    if match is None:
        return None
    found = (
        Subscriber.objects.filter(
            practice=practice,
            status=Subscriber.Status.SUBSCRIBED,
            subscriptions__newsletter_list_id=int(match.group(1)),
            subscriptions__newsletter_list__practice=practice,
        )
        .order_by("pk")
        .values_list("pk", "email", "name", "language", "unsubscribe_token")
    )
    return [
        Recipient(
            key=f"subscriber:{pk}",
            email=email,
            name=name,
            language=language,
            unsubscribe_url=services.unsubscribe_link(token, language),
        )
        for pk, email, name, language, token in found
    ]


def campaign_unsubscribes(campaign_ids: list[int]) -> dict[int, int]:
    """How many left through each campaign's emails (one query)."""
    rows = (
        Subscriber.objects.filter(unsubscribed_campaign__in=list(campaign_ids))
        .order_by()
        .values("unsubscribed_campaign")
        .annotate(n=Count("pk"))
    )
    return {row["unsubscribed_campaign"]: row["n"] for row in rows}
