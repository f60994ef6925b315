"""Event reminders: 24 hours and 1 hour before the start, to everyone with a place, each once.

`manage.py send_event_reminders` (cron, every few minutes) calls `send_due`: it finds the
reminders due now and claims each by INSERTing an `EventReminder` row, unique per (sign-up, kind,
start), in the same transaction as the email's task (`core.tasks.enqueue_following`: with the
database task backend the task row commits with the claim or not at all). Of two runs at once one
INSERT wins; the other gets an IntegrityError and moves on; a run repeated finds the row. An event
moved to another time has a new start, so new rows: its reminders are for the new time.

When: the 24-hour one from 24 hours before until 1 hour before the start; the 1-hour one from 1
hour before until the start. A reminder whose moment came before the person got their place is
not sent (the email that gave the place told the time). Waiting, cancelled sign-ups and events
that are called off get none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from lijfwijs.core import tasks
from lijfwijs.core.tasks import send_email_task

from . import notifications
from .models import Event, EventReminder, SignUp

Kind = EventReminder.Kind

# kind: (how long before the start it is due, until how long before the start it may go)
WINDOWS: dict[str, tuple[timedelta, timedelta]] = {
    Kind.DAY_BEFORE: (timedelta(hours=24), timedelta(hours=1)),
    Kind.HOUR_BEFORE: (timedelta(hours=1), timedelta(0)),
}
KEEP = timedelta(days=14)  # claims of events longer ago than this are removed


def due(start: datetime, confirmed_at: datetime | None, now: datetime) -> str | None:
    """The kind of reminder of an event at `start` due at `now` for a place given at
    `confirmed_at`, or None (pure)."""
    for kind, (before, until) in WINDOWS.items():
        at = start - before
        if at <= now < start - until and (confirmed_at is None or confirmed_at <= at):
            return kind
    return None


@dataclass
class Report:
    claimed: int = 0
    errors: int = 0

    def count_error(self) -> None:
        self.errors += 1

    def summary(self) -> str:
        return f"event reminders: {self.claimed} claimed, {self.errors} not queued"


def send_due(now: datetime | None = None) -> Report:
    """Claim and queue every reminder due at `now`; safe to run often, twice at once, or late."""
    now = now or timezone.now()
    report = Report()
    latest = max(before for before, _until in WINDOWS.values())
    found = []
    for signup in SignUp.objects.filter(
        status=SignUp.Status.CONFIRMED,
        event__status=Event.Status.PUBLISHED,
        event__start__gt=now,
        event__start__lte=now + latest,
    ).select_related("event__practice"):
        kind = due(signup.event.start, signup.confirmed_at, now)
        if kind is not None:
            found.append((signup, kind))
    if found:
        claimed = set(
            EventReminder.objects.filter(signup__in=[s for s, _k in found]).values_list(
                "signup_id", "kind", "start"
            )
        )
        for signup, kind in found:
            if (signup.pk, kind, signup.event.start) not in claimed and claim(
                signup, kind, now, report
            ):
                report.claimed += 1
    EventReminder.objects.filter(start__lt=now - KEEP).delete()
    return report


def claim(signup: SignUp, kind: str, now: datetime, report: Report | None = None) -> bool:
    """INSERT the claim and queue the email in one transaction; False when another run has it."""
    payload = notifications.message(signup, "reminder", hours=24 if kind == Kind.DAY_BEFORE else 1)
    try:
        with transaction.atomic():
            EventReminder.objects.create(
                signup=signup, kind=kind, start=signup.event.start, claimed_at=now
            )
            tasks.enqueue_following(
                send_email_task,
                EventReminder,
                lambda: send_email_task.enqueue(**payload),
                label=f"event reminder {signup.pk} {kind}",
                on_error=report.count_error if report is not None else None,
            )
    except IntegrityError:
        return False
    return True
