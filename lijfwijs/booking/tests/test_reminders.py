# ruff: noqa: F811 (pytest fixtures imported from mail_fixtures are parameters here)
"""Booking reminders, 24 hours and 2 hours before: when they are due, exactly one email each
whatever runs at once, twice or dies half-way, none for cancelled or moved bookings (a moved one
gets its own), never late, and the command that also frees unconfirmed holds."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from lijfwijs.booking import reminders, services
from lijfwijs.booking.models import Booking, ReminderSent, WeeklyHours
from lijfwijs.core.tests.parallel import in_threads

from .conftest import NOW, book_for
from .mail_fixtures import urls_loaded  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

TUESDAY_9 = datetime(2026, 12, 8, 8, 0, tzinfo=UTC)  # 09:00 in Amsterdam
THURSDAY_14 = datetime(2026, 12, 10, 13, 0, tzinfo=UTC)
STEP = timedelta(minutes=5)
Status = ReminderSent.Status
Kind = ReminderSent.Kind


def tasks() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=reminders.TASK_PATH).order_by("enqueued_at"))


def run_tasks() -> list[str]:
    """What a worker does with every queued reminder task (in the order queued)."""
    results = []
    for task in tasks():
        if task.status == TaskResultStatus.READY:
            DBTaskResult.objects.filter(pk=task.pk).update(status=TaskResultStatus.SUCCESSFUL)
            results.append(reminders.deliver_reminder(task.args_kwargs["args"][0]))
    return results


def every_run(start: datetime, end: datetime) -> list[datetime]:
    moments = []
    while start < end:
        moments.append(start)
        start += STEP
    return moments


# --- when (pure) ----------------------------------------------------------------------------------


START = datetime(2026, 12, 8, 8, 0, tzinfo=UTC)
LONG_BEFORE = START - timedelta(days=3)


@pytest.mark.parametrize(
    ("now", "confirmed_at", "kind"),
    [
        (START - timedelta(hours=25), LONG_BEFORE, None),
        (START - timedelta(hours=24), LONG_BEFORE, Kind.DAY_BEFORE),
        (START - timedelta(hours=3), LONG_BEFORE, Kind.DAY_BEFORE),  # late, still > 2 h left
        (START - timedelta(hours=2, minutes=1), LONG_BEFORE, Kind.DAY_BEFORE),
        (START - timedelta(hours=2), LONG_BEFORE, Kind.HOURS_BEFORE),
        (START - timedelta(minutes=31), LONG_BEFORE, Kind.HOURS_BEFORE),
        (START - timedelta(minutes=30), LONG_BEFORE, None),  # too late for either
        (START, LONG_BEFORE, None),
        # booked 10 hours ahead: the confirmation told the time, the 24-hour one is not sent
        (START - timedelta(hours=9), START - timedelta(hours=10), None),
        (START - timedelta(hours=2), START - timedelta(hours=10), Kind.HOURS_BEFORE),
    ],
)
def test_due(now, confirmed_at, kind):
    found = reminders.due(START, confirmed_at, now)
    assert (found.kind if found else None) == kind


# --- claiming and sending -------------------------------------------------------------------------


@pytest.fixture
def booking(frozen, advice_type, anna_client) -> Booking:
    """Anna's appointment on Tuesday 09:00, booked on Monday 08:00."""
    return book_for(advice_type, TUESDAY_9, client=anna_client)


def test_a_day_of_scheduler_runs_sends_each_reminder_once(booking, mailoutbox):
    for now in every_run(NOW, TUESDAY_9 + timedelta(hours=1)):
        reminders.send_due(now)
    rows = list(ReminderSent.objects.order_by("claimed_at"))
    assert [(r.kind, r.claimed_at) for r in rows] == [
        (Kind.DAY_BEFORE, TUESDAY_9 - timedelta(hours=24)),
        (Kind.HOURS_BEFORE, TUESDAY_9 - timedelta(hours=2)),
    ]
    assert len(tasks()) == 2


def test_the_task_sends_the_reminder_once(booking, mailoutbox, frozen):
    frozen.move_to(TUESDAY_9 - timedelta(hours=20))
    [row_id] = reminders.claim_due(timezone.now())
    assert reminders.send_booking_reminder.call(row_id) == "sent"
    assert reminders.send_booking_reminder.call(row_id) == "not claimed"
    [message] = mailoutbox
    assert message.to == ["anna@example.org"]
    assert "Morgen je afspraak" in message.subject
    assert "dinsdag 8 december 2026, 09:00–09:30" in message.body
    assert f"/afspraak/beheer/{booking.token}/" in message.body
    assert "Verzetten of annuleren kan" not in message.body  # less than 24 hours ahead
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    assert ReminderSent.objects.get().status == Status.SENT


def test_the_two_hour_reminder(booking, mailoutbox, frozen):
    frozen.move_to(TUESDAY_9 - timedelta(hours=1, minutes=50))
    reminders.send_due(timezone.now())
    assert run_tasks() == ["sent"]
    [message] = mailoutbox
    assert "Straks je afspraak" in message.subject
    assert ReminderSent.objects.get().kind == Kind.HOURS_BEFORE


def test_no_health_content_in_the_reminder(frozen, advice_type, anna_client, mailoutbox):
    book_for(advice_type, TUESDAY_9, client=anna_client, question="Pijn in mijn linkerbeen")
    frozen.move_to(TUESDAY_9 - timedelta(hours=20))
    reminders.send_due(timezone.now())
    assert run_tasks() == ["sent"]
    [message] = mailoutbox
    assert "linkerbeen" not in message.body + message.alternatives[0].content


def test_a_cancelled_booking_gets_no_reminder(booking, mailoutbox, frozen):
    frozen.move_to(TUESDAY_9 - timedelta(hours=20))
    reminders.send_due(timezone.now())
    services.cancel(booking, by="practice")
    assert run_tasks() == ["skipped: not confirmed"]
    for now in every_run(timezone.now(), TUESDAY_9):
        reminders.send_due(now)
    assert mailoutbox == []
    assert [r.status for r in ReminderSent.objects.all()] == [Status.SKIPPED]


def test_a_moved_booking_gets_reminders_for_its_new_time(booking, mailoutbox, frozen):
    frozen.move_to(TUESDAY_9 - timedelta(hours=20))
    reminders.send_due(timezone.now())
    services.reschedule(booking, THURSDAY_14, by="practice")
    assert run_tasks() == ["skipped: moved"]  # the old time's reminder, claimed before the move
    for now in every_run(timezone.now(), THURSDAY_14):
        frozen.move_to(now)
        reminders.send_due(now)
        run_tasks()
    sent = ReminderSent.objects.filter(status=Status.SENT)
    assert sorted((r.kind, r.start) for r in sent) == [
        (Kind.DAY_BEFORE, THURSDAY_14),
        (Kind.HOURS_BEFORE, THURSDAY_14),
    ]
    assert len(mailoutbox) == 2
    assert all("donderdag 10 december 2026, 14:00–14:30" in m.body for m in mailoutbox)


def test_never_late_a_claim_whose_window_passed_is_given_up(booking, mailoutbox, frozen):
    frozen.move_to(TUESDAY_9 - timedelta(hours=3))
    [row_id] = reminders.claim_due(timezone.now())
    # No worker ran for hours: the 24-hour reminder is not sent once less than 2 hours remain.
    frozen.move_to(TUESDAY_9 - timedelta(hours=1, minutes=59))
    assert reminders.send_booking_reminder.call(row_id) == "skipped: too late"
    report = reminders.send_due(timezone.now())
    assert report.claimed == 1  # the 2-hour one
    assert ReminderSent.objects.get(pk=row_id).status == Status.SKIPPED
    assert mailoutbox == []

    frozen.move_to(TUESDAY_9 - timedelta(minutes=20))
    report = reminders.send_due(timezone.now())
    assert report.too_late == 1
    assert run_tasks() == ["not claimed", "not claimed"]
    assert mailoutbox == []


def test_a_held_booking_gets_no_reminder_and_expired_holds_are_released(
    frozen, advice_type, mailoutbox
):
    held = book_for(advice_type, TUESDAY_9)
    frozen.move_to(NOW + timedelta(minutes=31))
    call_command("send_booking_reminders", "--now", timezone.now().isoformat(), verbosity=0)
    held.refresh_from_db()
    assert held.status == Booking.Status.EXPIRED
    frozen.move_to(TUESDAY_9 - timedelta(hours=20))
    call_command("send_booking_reminders", verbosity=0)
    assert ReminderSent.objects.count() == 0


def test_a_worker_killed_before_taking_it_is_replaced_and_sends_once(booking, mailoutbox, frozen):
    frozen.move_to(TUESDAY_9 - timedelta(hours=20))
    reminders.send_due(timezone.now())
    [lost] = tasks()
    lost.claim("worker-that-was-killed")  # RUNNING for ever: the backend does not run it again
    assert run_tasks() == []
    frozen.tick(timedelta(minutes=5))
    assert reminders.send_due(timezone.now()).requeued == 0  # give it time first
    frozen.tick(timedelta(minutes=6))
    assert reminders.send_due(timezone.now()).requeued == 1
    frozen.tick(timedelta(minutes=1))
    assert reminders.send_due(timezone.now()).requeued == 0  # queued and waiting: not again
    assert run_tasks() == ["sent"]
    frozen.tick(timedelta(minutes=20))
    assert reminders.send_due(timezone.now()).requeued == 0
    assert run_tasks() == []
    assert len(mailoutbox) == 1
    assert ReminderSent.objects.get().status == Status.SENT


def test_a_worker_killed_while_handing_it_over_never_sends_it_again(booking, mailoutbox, frozen):
    """The trade-off: after a crash between taking it and the mail server's answer a reminder
    may be lost, but it is never sent twice."""
    frozen.move_to(TUESDAY_9 - timedelta(hours=20))
    reminders.send_due(timezone.now())
    [lost] = tasks()
    lost.claim("worker-that-was-killed")
    ReminderSent.objects.update(status=Status.SENDING)
    frozen.tick(timedelta(minutes=11))
    report = reminders.send_due(timezone.now())
    assert (report.requeued, report.in_doubt) == (0, 1)
    assert reminders.deliver_reminder(ReminderSent.objects.get().pk) == "not claimed"
    assert mailoutbox == []


def test_two_tasks_of_one_claim_send_once(booking, mailoutbox, frozen):
    frozen.move_to(TUESDAY_9 - timedelta(hours=20))
    [row_id] = reminders.claim_due(timezone.now())
    reminders.send_booking_reminder.enqueue(row_id)  # a second job for the same claim
    assert sorted(run_tasks()) == ["not claimed", "sent"]
    assert len(mailoutbox) == 1


# --- real parallel schedulers and the real worker -------------------------------------------------


def reminder_mails(outbox) -> list:
    return [m for m in outbox if "Morgen je afspraak" in m.subject]


def every_day_hours(practitioner) -> None:
    for weekday in range(7):
        WeeklyHours.objects.filter(practitioner=practitioner, weekday=weekday).delete()
        WeeklyHours.objects.create(
            practice=practitioner.membership.practice,
            practitioner=practitioner,
            weekday=weekday,
            start=time(0, 0),
            end=time(23, 55),
        )


def booked_ahead(advice_type, client_user, hours_ahead: int) -> Booking:
    """A confirmed booking about `hours_ahead` hours from the real clock, booked two days ago."""
    every_day_hours(advice_type.practitioners.order_by("pk").first())
    now = timezone.now()
    wanted = now + timedelta(hours=hours_ahead)
    zone = services.zone_name(advice_type.practice)
    day = services.local_today(advice_type.practice, wanted)
    found = [
        s
        for s in services.free_slots(advice_type, day, day + timedelta(days=1), now=now)
        if s.start >= wanted
    ]
    assert found, zone
    return services.book(
        advice_type,
        found[0].start,
        services.Who(client=client_user),
        origin=Booking.Origin.CLIENT,
        practitioner=advice_type.practitioners.order_by("pk").first(),
        now=now - timedelta(days=2),
    )


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_once_claim_each_reminder_once(advice_type, anna_client):
    """Real parallel connections (PostgreSQL with DATABASE_URL; SQLite serialises the writes)."""
    advice_type.min_notice_hours = 0
    advice_type.save()
    booking = booked_ahead(advice_type, anna_client, 20)
    now = timezone.now()
    reports = in_threads(lambda: reminders.send_due(now))
    assert sum(r.claimed for r in reports) == 1
    assert ReminderSent.objects.filter(booking=booking).count() == 1
    assert len(tasks()) == 1

    claims = in_threads(lambda: reminders.claim(booking.pk, booking.start, Kind.DAY_BEFORE, now))
    assert claims == [None, None]  # already claimed above
    ReminderSent.objects.all().delete()
    claims = in_threads(lambda: reminders.claim(booking.pk, booking.start, Kind.DAY_BEFORE, now))
    assert len([c for c in claims if c is not None]) == 1


@pytest.mark.django_db(transaction=True)
def test_the_real_worker_sends_one_email_after_a_killed_one(
    advice_type, anna_client, mailoutbox, run_worker
):
    advice_type.min_notice_hours = 0
    advice_type.save()
    booked_ahead(advice_type, anna_client, 20)
    call_command("send_booking_reminders", verbosity=0)
    [lost] = tasks()
    lost.claim("worker-that-was-killed")
    run_worker()  # sends the booking's confirmation and notice, not the lost reminder
    assert reminder_mails(mailoutbox) == []
    later = timezone.now() + timedelta(minutes=11)
    call_command("send_booking_reminders", "--now", later.isoformat(), verbosity=0)
    run_worker()
    run_worker()
    [reminder] = reminder_mails(mailoutbox)
    assert reminder.to == [anna_client.email]
    assert ReminderSent.objects.get().status == Status.SENT
    assert [t.status for t in tasks()] == [TaskResultStatus.RUNNING, TaskResultStatus.SUCCESSFUL]
