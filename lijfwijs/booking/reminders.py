"""Booking reminders: 24 hours and 2 hours before each confirmed appointment, each exactly once.

`manage.py send_booking_reminders` (cron, every few minutes) calls `send_due`, which

1. frees the time of held bookings whose email address was not confirmed in time
   (services.release_expired_holds);
2. claims every reminder that is due (see `due`) by INSERTing a `ReminderSent` row, unique per
   (booking, kind, start), and queues the `send_booking_reminder` task with the row's id, in one
   transaction. Two schedulers at once: one INSERT wins, the other gets an IntegrityError and moves
   on. A rescheduled booking has a new start, so new rows: its reminders are for the new time;
3. queues a claimed reminder again when its task was lost (claimed more than REQUEUE_AFTER ago and
   its task no longer waiting: a worker killed while running it, a job lost on the way to Redis);
   `claimed_at` is renewed each time, so of two schedulers doing this at once one queues it;
4. gives up on claimed reminders that are too late (status skipped).

The task (at-least-once: it may run twice) sends only after a conditional UPDATE claimed → sending
succeeds, so of any number of runs at most one hands the message to the mail server; a worker
that dies after that UPDATE loses the reminder rather than sending it twice (the diary's
trade-off, lijfwijs/diary/reminders.py).

When: the 24-hour reminder from 24 hours before the start until 2 hours before it (so it is never
sent late, when the 2-hour one is due); the 2-hour one from 2 hours before until 30 minutes
before. A reminder whose moment came before the booking was confirmed is not sent: the
confirmation has just told the time (a booking made 10 hours ahead gets only the 2-hour one).
Cancelled, expired and moved bookings get none (checked again by the task).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django_tasks import TaskResultStatus, task

from lijfwijs.core import tasks
from lijfwijs.core.mail import email_language, render_email

from . import notifications, services
from .models import Booking, ReminderSent

logger = logging.getLogger(__name__)

Kind = ReminderSent.Kind
Status = ReminderSent.Status

# kind: (how long before the start it is due, until how long before the start it may go)
WINDOWS: dict[str, tuple[timedelta, timedelta]] = {
    Kind.DAY_BEFORE: (timedelta(hours=24), timedelta(hours=2)),
    Kind.HOURS_BEFORE: (timedelta(hours=2), timedelta(minutes=30)),
}
REQUEUE_AFTER = timedelta(minutes=10)
KEEP = timedelta(days=14)  # rows of appointments longer ago than this are removed
TEMPLATE = "booking/emails/reminder"
TASK_PATH = "lijfwijs.booking.reminders.send_booking_reminder"


@dataclass(frozen=True)
class Due:
    kind: str
    at: datetime  # the reminder's moment (UTC)
    send_before: datetime


def due(start: datetime, confirmed_at: datetime | None, now: datetime) -> Due | None:
    """The reminder of an appointment at `start` that is due at `now`, or None (pure)."""
    for kind, (before, until) in WINDOWS.items():
        at = start - before
        send_before = start - until
        if at <= now < send_before and (confirmed_at is None or confirmed_at <= at):
            return Due(kind, at, send_before)
    return None


def send_before_of(kind: str, start: datetime) -> datetime:
    return start - WINDOWS[kind][1]


@dataclass
class Report:
    released: int = 0
    claimed: int = 0
    requeued: int = 0
    too_late: int = 0
    in_doubt: int = 0
    errors: int = 0

    def count_error(self) -> None:
        self.errors += 1

    def summary(self) -> str:
        return (
            f"booking reminders: {self.claimed} claimed, {self.requeued} queued again, "
            f"{self.too_late} too late, {self.in_doubt} in doubt, {self.errors} not queued; "
            f"{self.released} expired holds released"
        )


def send_due(now: datetime | None = None) -> Report:
    """Everything the scheduler does in one run; safe to run often, twice at once, or late."""
    now = now or timezone.now()
    report = Report()
    report.released = services.release_expired_holds(now=now)
    claim_due(now, report)
    requeue_lost(now, report)
    for kind, (_before, until) in WINDOWS.items():
        report.too_late += ReminderSent.objects.filter(
            status=Status.CLAIMED, kind=kind, start__lte=now + until
        ).update(status=Status.SKIPPED)
    report.in_doubt = ReminderSent.objects.filter(
        status=Status.SENDING, start__gt=now, claimed_at__lte=now - REQUEUE_AFTER
    ).count()
    ReminderSent.objects.filter(start__lt=now - KEEP).delete()
    return report


def due_reminders(now: datetime) -> list[tuple[int, datetime, Due]]:
    """(booking id, start, Due) of every reminder due now and not yet claimed; two queries."""
    latest = max(before for before, _until in WINDOWS.values())
    soonest = min(until for _before, until in WINDOWS.values())
    candidates = []
    for booking_id, start, confirmed_at in (
        Booking.objects.appointments()
        .filter(
            status=Booking.Status.CONFIRMED,
            start__gt=now + soonest,
            start__lte=now + latest,
        )
        .values_list("pk", "start", "confirmed_at")
    ):
        found = due(start, confirmed_at, now)
        if found is not None:
            candidates.append((booking_id, start, found))
    if not candidates:
        return []
    claimed = set(
        ReminderSent.objects.filter(booking_id__in=[c[0] for c in candidates]).values_list(
            "booking_id", "kind", "start"
        )
    )
    return [c for c in candidates if (c[0], c[2].kind, c[1]) not in claimed]


def claim_due(now: datetime, report: Report | None = None) -> list[int]:
    """Claim every due reminder and queue its task; the ids of the rows claimed."""
    report = report or Report()
    claimed = []
    for booking_id, start, found in due_reminders(now):
        row = claim(booking_id, start, found.kind, now, report)
        if row is not None:
            claimed.append(row.pk)
    report.claimed += len(claimed)
    return claimed


def claim(
    booking_id: int, start: datetime, kind: str, now: datetime, report: Report | None = None
) -> ReminderSent | None:
    """INSERT the claim and queue its task in one transaction; None when another run has it."""
    try:
        with transaction.atomic():
            row = ReminderSent.objects.create(
                booking_id=booking_id, kind=kind, start=start, claimed_at=now
            )
            _queue(row.pk, report)
    except IntegrityError:
        return None
    return row


def requeue_lost(now: datetime, report: Report | None = None) -> int:
    """Queue claimed reminders again whose task was lost (harmless when it was not: whichever run
    takes the row first sends, the other finds it no longer claimed)."""
    report = report or Report()
    stale = list(
        ReminderSent.objects.filter(
            status=Status.CLAIMED, claimed_at__lte=now - REQUEUE_AFTER, start__gt=now
        )
    )
    waiting = _waiting_ids() if stale else set()
    count = 0
    for row in stale:
        if row.pk in waiting or now >= send_before_of(row.kind, row.start):
            continue
        with transaction.atomic():
            mine = ReminderSent.objects.filter(
                pk=row.pk, status=Status.CLAIMED, claimed_at=row.claimed_at
            ).update(claimed_at=now)
            if mine:
                _queue(row.pk, report)
                count += 1
    report.requeued += count
    return count


def _queue(reminder_id: int, report: Report | None) -> None:
    """Queue the task: in the claim's transaction with the database backend, after its commit
    otherwise (a job lost in between is queued again by `requeue_lost`)."""
    tasks.enqueue_following(
        send_booking_reminder,
        ReminderSent,
        lambda: send_booking_reminder.enqueue(reminder_id),
        label=f"booking reminder {reminder_id}",
        on_error=report.count_error if report is not None else None,
    )


def _waiting_ids() -> set[int]:
    """Ids of claims whose task is queued and not started yet (the database backend; with RQ
    none is known, and a second job is harmless)."""
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(send_booking_reminder.get_backend(), DatabaseBackend):
        return set()
    waiting = set()
    for args_kwargs in DBTaskResult.objects.filter(
        task_path=TASK_PATH, status=TaskResultStatus.READY
    ).values_list("args_kwargs", flat=True):
        args = (args_kwargs or {}).get("args") or []
        if args and isinstance(args[0], int):
            waiting.add(args[0])
    return waiting


# --- the worker's part ------------------------------------------------------------------------


@task
def send_booking_reminder(reminder_id: int) -> str:
    """Send one claimed reminder (at most once, however often this runs). Keep this name and
    module: queued tasks are found by it."""
    return deliver_reminder(reminder_id)


def _reason_to_skip(row: ReminderSent, now: datetime) -> str:
    booking = row.booking
    if booking.status != Booking.Status.CONFIRMED:
        return "not confirmed"
    if booking.start != row.start:
        return "moved"
    if now >= send_before_of(row.kind, row.start):
        return "too late"
    if not booking.contact_email:
        return "no address"
    return ""


def deliver_reminder(reminder_id: int, now: datetime | None = None) -> str:
    """Send the reminder of a claimed row, or skip it when it is no longer wanted."""
    now = now or timezone.now()
    row = (
        ReminderSent.objects.select_related(
            "booking",
            "booking__practice",
            "booking__appointment_type",
            "booking__practitioner",
            "booking__client",
        )
        .filter(pk=reminder_id, status=Status.CLAIMED)
        .first()
    )
    if row is None:
        return "not claimed"
    reason = _reason_to_skip(row, now)
    if reason:
        ReminderSent.objects.filter(pk=row.pk, status=Status.CLAIMED).update(status=Status.SKIPPED)
        return f"skipped: {reason}"

    # Rendering and reaching the mail server happen while the row is still claimed, so a failure
    # here is retried by a later run.
    message = reminder_message(row)
    connection = get_connection()
    connection.open()
    try:
        taken = ReminderSent.objects.filter(pk=row.pk, status=Status.CLAIMED).update(
            status=Status.SENDING
        )
        if not taken:
            return "not claimed"
        # Committed (the worker runs in autocommit): no other run can send it now. A refusal
        # leaves the row "sending": in doubt, never retried.
        sent = connection.send_messages([message])
        if not sent:
            return "failed"
        ReminderSent.objects.filter(pk=row.pk, status=Status.SENDING).update(
            status=Status.SENT, sent_at=timezone.now()
        )
        return "sent"
    finally:
        connection.close()


def reminder_message(row: ReminderSent) -> EmailMultiAlternatives:
    """The reminder in the booking's language: when, where, the manage link; no health content."""
    booking = row.booking
    language = email_language(booking.language)
    context = notifications.person_context(booking, language)
    context["hours"] = 24 if row.kind == Kind.DAY_BEFORE else 2
    with translation.override(language):
        context["can_change"] = services.can_change(booking)
    rendered = render_email(TEMPLATE, context, language)
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[booking.contact_email],
        headers={"Auto-Submitted": "auto-generated"},  # RFC 3834: no out-of-office replies
    )
    message.attach_alternative(rendered.html, "text/html")
    return message
