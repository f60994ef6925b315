"""Daily check-in reminders: when one is due, claiming a person's day once, sending it from a worker.

`manage.py send_reminders` (cron, every few minutes) calls `send_due_reminders`, which

1. claims every reminder that is due (see `due`: the person's local time has passed, less than
   MAX_LATE ago and within that local day) for people who have not checked in that day and have
   no reminder row for it: it INSERTs a `ReminderDelivery` (unique per person and local day) and
   queues the `send_reminder` task, in one transaction. Two schedulers at once: one INSERT wins,
   the other gets an IntegrityError and moves on.
2. queues a claimed reminder again when its task was lost: queued more than REQUEUE_AFTER ago and
   its task is no longer waiting (a worker killed while running it, a failed connection to the mail
   server, a job lost between commit and Redis).
3. gives up on claimed reminders that are too late (status skipped, `too_late`), and removes rows
   older than KEEP_DAYS.

The task (`send_reminder`, at-least-once: it may run twice) sends only after a conditional UPDATE
claimed → sending succeeds, so of any number of runs at most one hands the message to the mail
server. That UPDATE commits before the message goes out: a worker that dies between the two
loses that day's reminder (the row stays "sending", counted as "in doubt", never retried) rather
than risking a second one. Reminders are never sent twice; see docs/tasks.md.
"""

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks.exceptions import TaskResultDoesNotExist

from lijfwijs.accounts.services import link
from lijfwijs.core import tasks
from lijfwijs.core.mail import email_language, render_email

from .models import CheckIn, ReminderDelivery, ReminderPreference
from .services import zone_of

logger = logging.getLogger(__name__)

# A reminder is sent at most this long after its moment, and never after the person's local day
# has ended: a scheduler or worker that was down all evening must not send "how are you today?"
# at night or the next morning. Six hours covers a long outage of the scheduler or the worker.
MAX_LATE = timedelta(hours=6)
# ... but a reminder set for just before midnight still gets this long (a few scheduler runs).
MIN_WINDOW = timedelta(minutes=30)
# A claimed reminder whose task has not taken it after this long is queued again (when its task
# is not still waiting in the queue). Longer than a worker needs for one email.
REQUEUE_AFTER = timedelta(minutes=10)
# Delivery rows are only needed for today's dedupe key; a short history helps support.
KEEP_DAYS = 14
TEMPLATE = "diary/emails/reminder"
OFF_SALT = "lijfwijs.diary.reminder-off"

Status = ReminderDelivery.Status
SkipReason = ReminderDelivery.SkipReason


# --- When a reminder is due (pure) ---------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    day: date  # the person's local date
    at: datetime  # the reminder's moment, in UTC
    send_before: datetime  # in UTC; after this it is not sent


def reminder_moment(day: date, local_time: time, zone: ZoneInfo) -> datetime:
    """The instant (UTC) of `local_time` on `day` in `zone`.

    Daylight saving time: a time that does not exist that day (02:30 when clocks jump from 02:00 to
    03:00) is moved on by the jump (03:30); a time that happens twice (02:30 when clocks go back)
    is its first occurrence. (PEP 495 with fold=0; converted to UTC so that later arithmetic is in
    real hours, not wall-clock hours.)
    """
    return datetime.combine(day, local_time, tzinfo=zone).astimezone(UTC)


def due(
    local_time: time, zone: ZoneInfo, now: datetime, since: datetime | None = None
) -> Due | None:
    """The reminder due at `now` for someone with this time and zone, or None.

    A day's reminder is due from its moment until `send_before`: MAX_LATE later, but not after
    that local day has ended, except that every reminder gets at least MIN_WINDOW (so 23:58 is
    not skipped by a scheduler that runs at 23:55 and 00:00). It is not due when the setting
    changed after its moment (`since`): the first reminder after a change is the next one. Every
    call during the window returns the same day; the (person, day) key makes it one email.
    """
    today = now.astimezone(zone).date()
    for day in (today, today - timedelta(days=1)):
        at = reminder_moment(day, local_time, zone)
        end_of_day = reminder_moment(day + timedelta(days=1), time(0), zone)
        send_before = max(min(at + MAX_LATE, end_of_day), at + MIN_WINDOW)
        if at <= now < send_before and (since is None or since <= at):
            return Due(day=day, at=at, send_before=send_before)
    return None


# --- The one-click off link ----------------------------------------------------------------------


def off_token(user_id: int) -> str:
    """A signed token that switches one person's reminders off. It does not expire: switching
    reminders off is all it can do, and a link in an old email should still work (RFC 8058)."""
    return signing.Signer(salt=OFF_SALT).sign(str(user_id))


def user_from_off_token(token: str) -> int | None:
    try:
        return int(signing.Signer(salt=OFF_SALT).unsign(token))
    except (signing.BadSignature, ValueError):
        return None


def off_link(user: Any) -> str:
    return link("diary:reminder_off", email_language(user.language), token=off_token(user.pk))


# --- The person's setting ------------------------------------------------------------------------


def preference_for(user: Any) -> ReminderPreference:
    """The person's setting; an unsaved default (off, 20:00) when they never chose one."""
    return ReminderPreference.objects.filter(user=user).first() or ReminderPreference(user=user)


@transaction.atomic
def save_preference(user: Any, *, enabled: bool, local_time: time) -> ReminderPreference:
    local_time = local_time.replace(second=0, microsecond=0)
    preference, created = ReminderPreference.objects.select_for_update().get_or_create(
        user=user, defaults={"enabled": enabled, "local_time": local_time}
    )
    if not created and (preference.enabled, preference.local_time) != (enabled, local_time):
        preference.enabled = enabled
        preference.local_time = local_time
        preference.changed_at = timezone.now()
        preference.save(update_fields=["enabled", "local_time", "changed_at"])
    return preference


def switch_off(user_id: int) -> None:
    """Reminders off (idempotent). A reminder already claimed today is then skipped by the task."""
    ReminderPreference.objects.filter(user_id=user_id, enabled=True).update(
        enabled=False, changed_at=timezone.now()
    )


# --- The scheduler's run -------------------------------------------------------------------------


@dataclass
class Report:
    claimed: int = 0
    requeued: int = 0
    too_late: int = 0
    in_doubt: int = 0  # a worker took it and did not finish: maybe sent, never retried
    failed: int = 0  # the mail server refused it (recent ones)
    errors: int = 0  # tasks that could not be queued

    def count_error(self) -> None:
        self.errors += 1

    def summary(self) -> str:
        return (
            f"reminders: {self.claimed} claimed, {self.requeued} queued again, "
            f"{self.too_late} too late, {self.in_doubt} in doubt, {self.failed} failed, "
            f"{self.errors} not queued"
        )


def send_due_reminders(now: datetime | None = None) -> Report:
    """Everything the scheduler does in one run; safe to run often, twice at once, or late."""
    now = now or timezone.now()
    report = Report()
    claim_due(now, report)
    requeue_lost(now, report)
    report.too_late = ReminderDelivery.objects.filter(
        status=Status.CLAIMED, send_before__lte=now
    ).update(status=Status.SKIPPED, skip_reason=SkipReason.TOO_LATE)
    recent = ReminderDelivery.objects.filter(claimed_at__gte=now - MAX_LATE - REQUEUE_AFTER)
    report.in_doubt = recent.filter(
        status=Status.SENDING, taken_at__lte=now - REQUEUE_AFTER
    ).count()
    report.failed = recent.filter(status=Status.FAILED).count()
    ReminderDelivery.objects.filter(day__lt=now.date() - timedelta(days=KEEP_DAYS)).delete()
    return report


def due_reminders(now: datetime) -> list[tuple[int, Due]]:
    """(user id, Due) of everyone whose reminder is due now and not yet claimed or made moot by
    a check-in. A fixed number of queries, however many people have reminders on."""
    candidates = []
    preferences = (
        ReminderPreference.objects.eligible()
        .select_related("user")
        .only("local_time", "changed_at", "user__id", "user__time_zone")
    )
    for preference in preferences.iterator(chunk_size=500):
        found = due(preference.local_time, zone_of(preference.user), now, preference.changed_at)
        if found:
            candidates.append((preference.user_id, found))
    if not candidates:
        return []
    users = {user_id for user_id, _ in candidates}
    days = {found.day for _, found in candidates}
    done = set(
        CheckIn.objects.filter(user_id__in=users, day__in=days).values_list("user_id", "day")
    ) | set(
        ReminderDelivery.objects.filter(user_id__in=users, day__in=days).values_list(
            "user_id", "day"
        )
    )
    return [(user_id, found) for user_id, found in candidates if (user_id, found.day) not in done]


def claim_due(now: datetime, report: Report | None = None) -> list[int]:
    """Claim every due reminder and queue its task; returns the ids of the rows claimed."""
    report = report or Report()
    claimed = []
    for user_id, found in due_reminders(now):
        delivery = claim(user_id, found, now, report)
        if delivery is not None:
            claimed.append(delivery.pk)
    report.claimed += len(claimed)
    return claimed


def claim(
    user_id: int, found: Due, now: datetime, report: Report | None = None
) -> ReminderDelivery | None:
    """Take the person's day and queue its task, in one transaction; None when someone else has
    the day already (the unique constraint decides, also between two schedulers at once)."""
    try:
        with transaction.atomic():
            delivery = ReminderDelivery.objects.create(
                user_id=user_id,
                day=found.day,
                due_at=found.at,
                send_before=found.send_before,
                claimed_at=now,
                queued_at=now,
            )
            _queue(delivery.pk, report)
    except IntegrityError:
        return None
    return delivery


def requeue_lost(now: datetime, report: Report | None = None) -> int:
    """Queue claimed reminders again whose task was lost. Harmless when it was not: whichever task
    runs first sends, any other finds the row no longer claimed."""
    report = report or Report()
    stale = ReminderDelivery.objects.filter(
        status=Status.CLAIMED, queued_at__lte=now - REQUEUE_AFTER, send_before__gt=now
    )
    count = 0
    for delivery in stale:
        if _still_waiting(delivery.task_id):
            continue  # no worker has run it yet: queueing another would only fill the queue
        with transaction.atomic():
            # conditional: of two schedulers running this at once, one queues it
            mine = ReminderDelivery.objects.filter(
                pk=delivery.pk, status=Status.CLAIMED, queued_at=delivery.queued_at
            ).update(queued_at=now)
            if mine:
                _queue(delivery.pk, report)
                count += 1
    report.requeued += count
    return count


def _queue(delivery_id: int, report: Report | None) -> None:
    """Queue `send_reminder` for a claimed row.

    With the database task backend the task row is written in the current transaction: the claim
    and its task commit together, or neither does. Other backends (RQ) are not part of the
    transaction, so the job is queued once the claim has committed; if the process dies in between,
    or Redis refuses, `requeue_lost` queues it REQUEUE_AFTER later.
    """

    def enqueue() -> None:
        result = send_reminder.enqueue(delivery_id)
        ReminderDelivery.objects.filter(pk=delivery_id).update(task_id=str(result.id))

    tasks.enqueue_following(
        send_reminder,
        ReminderDelivery,
        enqueue,
        label=f"reminder {delivery_id}",
        on_error=report.count_error if report is not None else None,
    )


def _still_waiting(task_id: str) -> bool:
    """Whether the task is queued and no worker has started it (a RUNNING one may be dead)."""
    if not task_id:
        return False
    try:
        return send_reminder.get_result(task_id).status == TaskResultStatus.READY
    except (TaskResultDoesNotExist, ValueError):
        return False


# --- The worker's part ---------------------------------------------------------------------------


@task
def send_reminder(delivery_id: int) -> str:
    """Send one claimed reminder (at most once, however often this runs). Keep this name and
    module: queued tasks are found by it."""
    return deliver_reminder(delivery_id)


def deliver_reminder(delivery_id: int, now: datetime | None = None) -> str:
    """Send the reminder of a claimed row, or skip it when it is no longer wanted. Returns what
    happened (stored as the task's result)."""
    now = now or timezone.now()
    delivery = (
        ReminderDelivery.objects.select_related("user")
        .filter(pk=delivery_id, status=Status.CLAIMED)
        .first()
    )
    if delivery is None:
        return "not claimed"  # another run sent or skipped it, or it was removed
    reason = _reason_to_skip(delivery, now)
    if reason:
        ReminderDelivery.objects.filter(pk=delivery.pk, status=Status.CLAIMED).update(
            status=Status.SKIPPED, skip_reason=reason
        )
        return f"skipped: {reason}"

    # Everything that can fail before the message leaves happens while the row is still claimed,
    # so a failure here is retried by a later run: rendering, and reaching the mail server.
    message = reminder_message(delivery.user)
    connection = get_connection()
    connection.open()
    try:
        taken = ReminderDelivery.objects.filter(pk=delivery.pk, status=Status.CLAIMED).update(
            status=Status.SENDING, taken_at=timezone.now()
        )
        if not taken:
            return "not claimed"
        # Committed (the worker runs in autocommit): from here on no other run can send it.
        try:
            sent = connection.send_messages([message])
        except Exception:
            _finish(delivery.pk, Status.FAILED)
            raise
        if not sent:
            _finish(delivery.pk, Status.FAILED)
            return "failed"
        _finish(delivery.pk, Status.SENT, sent_at=timezone.now())
        return "sent"
    finally:
        connection.close()


def _finish(delivery_id: int, status: str, **fields: Any) -> None:
    ReminderDelivery.objects.filter(pk=delivery_id, status=Status.SENDING).update(
        status=status, **fields
    )


def _reason_to_skip(delivery: ReminderDelivery, now: datetime) -> str:
    if now >= delivery.send_before:
        return SkipReason.TOO_LATE
    preference = ReminderPreference.objects.filter(user_id=delivery.user_id).first()
    if preference is None or not preference.enabled:
        return SkipReason.SWITCHED_OFF
    if not ReminderPreference.objects.eligible().filter(pk=preference.pk).exists():
        return SkipReason.NOT_ELIGIBLE
    if CheckIn.objects.filter(user_id=delivery.user_id, day=delivery.day).exists():
        return SkipReason.CHECKED_IN
    return ""


def reminder_message(user: Any) -> EmailMultiAlternatives:
    """The reminder email in the person's language, with the one-click off link in the text, the
    HTML and the List-Unsubscribe headers (RFC 2369 and RFC 8058)."""
    language = email_language(user.language)
    preference = preference_for(user)
    off = off_link(user)
    rendered = render_email(
        TEMPLATE,
        {
            "name": str(user),
            "time": f"{preference.local_time:%H:%M}",
            "checkin_link": link("diary:new", language),
            "settings_link": link("diary:reminders", language),
            "off_link": off,
        },
        language,
    )
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{off}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",  # RFC 3834: no out-of-office replies
        },
    )
    message.attach_alternative(rendered.html, "text/html")
    return message
