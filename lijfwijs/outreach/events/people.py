"""Events and the people in them, for other apps: the campaigns' audiences and recipients
(outreach/audience.py) and a person's data export (accounts/exporting.py)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lijfwijs.accounts.services import absolute
from lijfwijs.outreach.audience import Audience, Recipient

from . import services
from .models import Event, SignUp

Status = SignUp.Status
_KEY = re.compile(r"(event|event-waiting):([0-9]{1,12})")
RECENT = timedelta(days=90)  # events that ended longer ago are offered no more


def _reachable() -> Q:
    return Q(mail_opt_out_at__isnull=True)


def campaign_audiences(practice: Any) -> list[Audience]:
    """Per event of the practice (coming, or ended in the last 90 days, not called off): its
    people with a place, and its waiting list when anyone waits."""
    events = (
        Event.objects.filter(practice=practice, end__gte=timezone.now() - RECENT)
        .exclude(status=Event.Status.CANCELLED)
        .annotate(
            placed=Count(
                "signups",
                filter=Q(signups__status=Status.CONFIRMED)
                & Q(signups__mail_opt_out_at__isnull=True),
            ),
            waiting=Count(
                "signups",
                filter=Q(signups__status=Status.WAITING) & Q(signups__mail_opt_out_at__isnull=True),
            ),
        )
        .order_by("start", "pk")
    )
    found = []
    for event in events:
        found.append(
            Audience(
                f"event:{event.pk}",
                _("Aangemeld voor %(title)s") % {"title": event.title},
                event.placed,
            )
        )
        if event.waiting:
            found.append(
                Audience(
                    f"event-waiting:{event.pk}",
                    _("Wachtlijst van %(title)s") % {"title": event.title},
                    event.waiting,
                )
            )
    return found


def unsubscribe_url(signup: SignUp) -> str:
    with translation.override(signup.language):
        return absolute(reverse("events_unsubscribe", kwargs={"token": signup.token}))


def campaign_recipients(practice: Any, audience_key: str) -> list[Recipient] | None:
    """Everyone with a place (`event:<id>`) or waiting (`event-waiting:<id>`) who did not opt
    out; None when the key is not this app's or the event is not the practice's."""
    match = _KEY.fullmatch(audience_key or "")
    if match is None:
        return None
    kind, event_id = match.group(1), int(match.group(2))
    if not Event.objects.filter(practice=practice, pk=event_id).exists():
        return None
    status = Status.CONFIRMED if kind == "event" else Status.WAITING
    return [
        Recipient(
            key=f"signup:{signup.pk}",
            email=signup.email,
            name=signup.name,
            language=signup.language,
            unsubscribe_url=unsubscribe_url(signup),
        )
        for signup in SignUp.objects.filter(event_id=event_id, status=status)
        .filter(_reachable())
        .order_by("pk")
    ]


def campaign_unsubscribes(campaign_ids: list[int]) -> dict[int, int]:
    rows = (
        SignUp.objects.filter(opt_out_campaign__in=campaign_ids)
        .values("opt_out_campaign")
        .annotate(count=Count("pk"))
    )
    return {row["opt_out_campaign"]: row["count"] for row in rows}


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def export_user_data(user: Any) -> dict[str, Any]:
    """The sign-ups made with the account's address, oldest first; times in UTC."""
    signups = (
        SignUp.objects.filter(email_key=(user.email or "").strip().lower())
        .select_related("event__practice")
        .order_by("created_at", "pk")
    )
    return {
        "signups": [
            {
                "event": s.event.title,
                "practice": s.event.practice.name,
                "start": _iso(s.event.start),
                "end": _iso(s.event.end),
                "name": s.name,
                "email": s.email,
                "status": s.status,
                "signed_up_at": _iso(s.created_at),
                "confirmed_at": _iso(s.confirmed_at),
                "cancelled_at": _iso(s.cancelled_at),
                "attended": s.attended,
                "campaign_emails_stopped_at": _iso(s.mail_opt_out_at),
            }
            for s in signups
        ]
    }


def erase_user_data(user: Any) -> None:
    """A deleted account: the sign-ups made with its address go (accounts.delete_account)."""
    if user.email:
        services.forget_address(user.email)
