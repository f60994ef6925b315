"""Daily check-in reminders: when one is due (daylight saving included), one per person per day
whatever runs at once or dies half-way, the email, the one-click off link and the setting page."""

import re
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import call_command
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from lijfwijs.accounts.models import User
from lijfwijs.accounts.services import give_health_consent, withdraw_health_consent
from lijfwijs.core.tests.parallel import in_threads
from lijfwijs.diary import reminders
from lijfwijs.diary.models import CheckIn, ReminderDelivery, ReminderPreference

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
SPRING = date(2026, 3, 29)  # 02:00 CET → 03:00 CEST: 02:00-02:59 does not exist
AUTUMN = date(2026, 10, 25)  # 03:00 CEST → 02:00 CET: 02:00-02:59 happens twice
LONG_AGO = datetime(2026, 1, 1, tzinfo=UTC)
TASK_PATH = "lijfwijs.diary.reminders.send_reminder"
STEP = timedelta(minutes=5)
Status = ReminderDelivery.Status


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def person(
    email: str,
    *,
    at: time = time(20, 0),
    zone: str = "Europe/Amsterdam",
    language: str = "nl",
    enabled: bool = True,
    since: datetime = LONG_AGO,
    verified: bool = True,
) -> User:
    """A client with consent for health data and a confirmed address, reminded daily at `at`."""
    user = User.objects.create_user(
        email,
        None,  # no password: hashing one is slow, and the tests sign in with force_login
        role="client",
        time_zone=zone,
        language=language,
        display_name=email.split("@")[0].title(),
        email_verified_at=LONG_AGO if verified else None,
    )
    give_health_consent(user)
    ReminderPreference.objects.create(user=user, enabled=enabled, local_time=at, changed_at=since)
    return user


def check_in(user: User, day: date) -> CheckIn:
    at = datetime.combine(day, time(9, 0), tzinfo=ZoneInfo(user.time_zone))
    return CheckIn.objects.create(user=user, day=day, at=at, pain=4)


def run_command(now: datetime) -> None:
    call_command("send_reminders", "--now", now.isoformat(), verbosity=0)


def reminder_tasks() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=TASK_PATH).order_by("enqueued_at"))


def steps(start: datetime, end: datetime, step: timedelta = STEP) -> list[datetime]:
    out = []
    while start < end:
        out.append(start)
        start += step
    return out


def local_day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    return reminders.reminder_moment(day, time(0), zone), reminders.reminder_moment(
        day + timedelta(days=1), time(0), zone
    )


def sweep(local_time: time, zone: ZoneInfo, moments: list[datetime]) -> dict[date, datetime]:
    """What a scheduler running at each moment claims: day → the moment it claimed it. A day that
    is already claimed is not claimed again (the unique constraint); also checks that the moments
    a day is due form one unbroken stretch, so no day could be claimed twice even without it."""
    claimed: dict[date, datetime] = {}
    stretches: dict[date, list[int]] = {}
    for n, now in enumerate(moments):
        found = reminders.due(local_time, zone, now)
        if found is None:
            continue
        assert found.at <= now < found.send_before
        stretches.setdefault(found.day, []).append(n)
        claimed.setdefault(found.day, now)
    for day, indexes in stretches.items():
        assert indexes == list(range(indexes[0], indexes[-1] + 1)), f"{day} due twice, apart"
    return claimed


# --- When a reminder is due (the pure core) ------------------------------------------------------


@pytest.mark.parametrize(
    "day,local_time,expected_utc",
    [
        (SPRING, time(0, 0), utc(2026, 3, 28, 23, 0)),  # 00:00 CET
        (SPRING, time(2, 0), utc(2026, 3, 29, 1, 0)),  # does not exist: 03:00 CEST
        (SPRING, time(2, 30), utc(2026, 3, 29, 1, 30)),  # does not exist: 03:30 CEST
        (SPRING, time(3, 0), utc(2026, 3, 29, 1, 0)),  # 03:00 CEST
        (SPRING, time(20, 0), utc(2026, 3, 29, 18, 0)),  # 20:00 CEST
        (AUTUMN, time(0, 0), utc(2026, 10, 24, 22, 0)),  # 00:00 CEST
        (AUTUMN, time(2, 30), utc(2026, 10, 25, 0, 30)),  # twice: the first, 02:30 CEST
        (AUTUMN, time(3, 0), utc(2026, 10, 25, 2, 0)),  # 03:00 CET
        (AUTUMN, time(20, 0), utc(2026, 10, 25, 19, 0)),  # 20:00 CET
    ],
)
def test_the_moment_of_a_reminder_on_daylight_saving_days(day, local_time, expected_utc):
    assert reminders.reminder_moment(day, local_time, AMSTERDAM) == expected_utc


@pytest.mark.parametrize("day", [SPRING, AUTUMN], ids=["spring", "autumn"])
@pytest.mark.parametrize(
    "local_time", [time(0, 0), time(2, 0), time(2, 30), time(3, 0), time(20, 0), time(23, 58)]
)
def test_a_scheduler_every_five_minutes_sends_one_reminder_a_day_across_dst(day, local_time):
    """Every five minutes from the start of the day before to the end of the day after: each of
    the three days is claimed once, at the first run at or after its moment, never skipped."""
    start, _ = local_day_bounds(day - timedelta(days=1), AMSTERDAM)
    _, end = local_day_bounds(day + timedelta(days=1), AMSTERDAM)
    claimed = sweep(local_time, AMSTERDAM, steps(start, end + timedelta(hours=1)))
    days = [day - timedelta(days=1), day, day + timedelta(days=1)]
    assert set(days) <= set(claimed)  # (the edges of the sweep may touch a fourth day)
    for each in days:
        at = reminders.reminder_moment(each, local_time, AMSTERDAM)
        assert at <= claimed[each] < at + STEP


def test_the_window_of_a_reminder():
    at = utc(2026, 6, 1, 18, 0)  # 20:00 in Amsterdam
    due = reminders.due
    assert due(time(20, 0), AMSTERDAM, at - timedelta(seconds=1)) is None
    found = due(time(20, 0), AMSTERDAM, at)
    assert found == reminders.Due(date(2026, 6, 1), at, utc(2026, 6, 1, 22, 0))  # local midnight
    assert due(time(20, 0), AMSTERDAM, utc(2026, 6, 1, 21, 59)) == found
    assert due(time(20, 0), AMSTERDAM, utc(2026, 6, 1, 22, 0)) is None  # the day is over
    # in the morning the six hours end first
    assert due(time(8, 0), AMSTERDAM, utc(2026, 6, 1, 11, 59)).day == date(2026, 6, 1)
    assert due(time(8, 0), AMSTERDAM, utc(2026, 6, 1, 12, 0)) is None
    # just before midnight: half an hour, into the next day
    late = due(time(23, 50), AMSTERDAM, utc(2026, 6, 1, 22, 5))  # 00:05 on 2 June
    assert late.day == date(2026, 6, 1) and late.send_before == utc(2026, 6, 1, 22, 20)
    # a setting changed after today's moment starts tomorrow
    assert due(time(20, 0), AMSTERDAM, at, since=at + timedelta(minutes=1)) is None
    assert due(time(20, 0), AMSTERDAM, at, since=at - timedelta(minutes=1)) == found
    assert due(time(20, 0), AMSTERDAM, at + timedelta(days=1), since=at + timedelta(minutes=1))


ZONES = [
    "Europe/Amsterdam",
    "America/New_York",
    "America/Santiago",  # clocks change at midnight
    "America/St_Johns",  # UTC-3:30
    "Australia/Lord_Howe",  # a half-hour change
    "Pacific/Chatham",  # UTC+12:45
    "Asia/Kolkata",
    "UTC",
]


@given(
    zone=st.sampled_from(ZONES),
    day=st.dates(date(2026, 1, 1), date(2027, 12, 31)),
    local_time=st.times().map(lambda t: t.replace(second=0, microsecond=0)),
    phase=st.integers(0, 4),
)
@hypothesis_settings(deadline=None)  # the profile's number of examples (conftest.py)
def test_every_day_gets_one_reminder_in_any_zone(zone, day, local_time, phase):
    tz = ZoneInfo(zone)
    start, end = local_day_bounds(day, tz)
    moments = steps(start - timedelta(hours=2) + timedelta(minutes=phase), end + timedelta(hours=1))
    claimed = sweep(local_time, tz, moments)
    at = reminders.reminder_moment(day, local_time, tz)
    assert at <= claimed[day] < at + STEP


# --- The scheduler: who gets one, and only one ---------------------------------------------------


@pytest.mark.django_db
def test_a_person_who_has_not_checked_in_gets_one_reminder():
    anna = person("anna@example.org")
    run_command(utc(2026, 6, 1, 17, 55))  # 19:55: not yet
    assert not ReminderDelivery.objects.exists()
    run_command(utc(2026, 6, 1, 18, 0))
    run_command(utc(2026, 6, 1, 18, 5))  # again, and again: still one
    run_command(utc(2026, 6, 1, 18, 5))
    [delivery] = ReminderDelivery.objects.all()
    assert (delivery.user, delivery.day, delivery.status) == (anna, date(2026, 6, 1), "claimed")
    assert delivery.due_at == utc(2026, 6, 1, 18, 0)
    [queued] = reminder_tasks()
    assert queued.status == TaskResultStatus.READY
    assert queued.args_kwargs == {"args": [delivery.pk], "kwargs": {}}  # no address in the queue
    assert delivery.task_id == str(queued.id)
    run_command(utc(2026, 6, 2, 18, 0))  # the next day: the next one
    assert ReminderDelivery.objects.count() == 2


@pytest.mark.django_db
def test_no_reminder_after_a_check_in_that_day_or_when_switched_off_or_not_eligible():
    checked_in = person("checked-in@example.org")
    check_in(checked_in, date(2026, 6, 1))
    check_in(person("yesterday@example.org"), date(2026, 5, 31))  # yesterday's does not count
    person("off@example.org", enabled=False)
    person("unconfirmed@example.org", verified=False)
    withdraw_health_consent(person("withdrawn@example.org"))
    person("inactive@example.org")
    User.objects.filter(email="inactive@example.org").update(is_active=False)
    person("changed@example.org", since=utc(2026, 6, 1, 18, 30))  # after today's moment

    report = reminders.send_due_reminders(utc(2026, 6, 1, 19, 0))

    assert report.claimed == 1
    assert [d.user.email for d in ReminderDelivery.objects.all()] == ["yesterday@example.org"]
    reminders.send_due_reminders(utc(2026, 6, 2, 18, 0))  # "changed" starts the next day
    assert ReminderDelivery.objects.filter(user__email="changed@example.org").count() == 1


@pytest.mark.django_db
def test_a_missed_run_is_caught_up_but_not_hours_later():
    person("anna@example.org", at=time(8, 0))
    reminders.send_due_reminders(utc(2026, 6, 1, 12, 0))  # 14:00: six hours late, too late
    assert not ReminderDelivery.objects.exists()
    reminders.send_due_reminders(utc(2026, 6, 1, 11, 55))  # 13:55: catches up
    assert ReminderDelivery.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("day", [SPRING, AUTUMN], ids=["spring", "autumn"])
def test_the_command_every_five_minutes_on_dst_days_claims_one_a_day(day):
    times = [time(0, 0), time(2, 30), time(20, 0)]
    people = {t: person(f"p{t:%H%M}@example.org", at=t) for t in times}
    start, end = local_day_bounds(day, AMSTERDAM)
    # every five minutes through the night (midnight, the change, 02:30), then every quarter
    night = steps(start - timedelta(minutes=30), start + timedelta(hours=4))
    for now in night + steps(night[-1] + STEP, end + timedelta(minutes=30), timedelta(minutes=15)):
        run_command(now)
    for t, user in people.items():
        [delivery] = ReminderDelivery.objects.filter(user=user, day=day)
        assert delivery.due_at == reminders.reminder_moment(day, t, AMSTERDAM)
        assert delivery.claimed_at == delivery.due_at  # the run at that moment, not later
    assert ReminderDelivery.objects.filter(day=day).count() == 3
    assert len(reminder_tasks()) == ReminderDelivery.objects.count()


@pytest.mark.django_db
def test_a_second_claim_of_the_same_day_gets_nothing():
    anna = person("anna@example.org")
    found = reminders.due(time(20, 0), AMSTERDAM, utc(2026, 6, 1, 18, 0))
    now = utc(2026, 6, 1, 18, 0)
    assert reminders.claim(anna.pk, found, now) is not None
    assert reminders.claim(anna.pk, found, now) is None  # past the check, stopped by the key
    assert ReminderDelivery.objects.count() == 1 and len(reminder_tasks()) == 1


@pytest.mark.django_db
def test_finding_who_is_due_takes_the_same_queries_for_many_people():
    def queries() -> int:
        with CaptureQueriesContext(connections["default"]) as captured:
            reminders.due_reminders(utc(2026, 6, 1, 18, 0))
        return len(captured)

    for n in range(3):
        person(f"due{n}@example.org")
        person(f"later{n}@example.org", at=time(21, 0))
    few = queries()
    for n in range(3, 12):
        person(f"due{n}@example.org")
        person(f"later{n}@example.org", at=time(21, 0))
    assert queries() == few


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_once_claim_each_day_once():
    """Real parallel connections (PostgreSQL with DATABASE_URL; SQLite serialises the writes)."""
    people = [person(f"p{n}@example.org") for n in range(8)]
    now = utc(2026, 6, 1, 18, 0)
    reports = in_threads(lambda: reminders.send_due_reminders(now))
    assert sum(r.claimed for r in reports) == len(people)
    assert ReminderDelivery.objects.count() == len(people)
    assert len(reminder_tasks()) == len(people)

    anna = person("anna@example.org", at=time(21, 0))
    found = reminders.due(time(21, 0), AMSTERDAM, utc(2026, 6, 1, 19, 0))
    claims = in_threads(lambda: reminders.claim(anna.pk, found, utc(2026, 6, 1, 19, 0)))
    assert len([c for c in claims if c is not None]) == 1
    assert ReminderDelivery.objects.filter(user=anna).count() == 1
    assert len(reminder_tasks()) == len(people) + 1


# --- The worker: sending, at most once, after crashes --------------------------------------------


def noon_zone(now: datetime) -> str:
    """A fixed-offset zone where it is now between 12:00 and 13:00 (the Etc signs are inverted),
    so a reminder at 12:00 is due now and stays due for hours: the worker checks the real clock."""
    offset = (12 - now.hour) % 24
    if offset > 14:
        offset -= 24
    return f"Etc/GMT{-offset:+d}" if offset else "Etc/GMT"


def due_now(email: str = "anna@example.org", **kwargs) -> User:
    now = datetime.now(UTC)
    return person(email, at=time(12, 0), zone=noon_zone(now), **kwargs)


def later(minutes: int) -> datetime:
    return datetime.now(UTC) + timedelta(minutes=minutes)


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_one_email_in_the_persons_language(mailoutbox, run_worker):
    anna = due_now(language="en")
    run_command(datetime.now(UTC))
    run_worker()
    run_command(later(1))
    run_worker()
    run_command(later(30))  # long after: nothing is queued again
    run_worker()

    [message] = mailoutbox
    delivery = ReminderDelivery.objects.get()
    assert delivery.status == Status.SENT and delivery.sent_at is not None
    assert message.to == [anna.email]
    off = reminders.off_link(anna)
    assert re.fullmatch(r"http://[^/]+/en/dagboek/herinnering/uit/[^/]+/", off)
    assert message.extra_headers["List-Unsubscribe"] == f"<{off}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert off in message.body
    [(html, _)] = message.alternatives
    assert '<html lang="en">' in html and f'href="{off}"' in html
    assert "This email is from Lijfwijs." in message.body  # rendered in English
    assert "/en/dagboek/nieuw/" in message.body
    assert [t.status for t in reminder_tasks()] == [TaskResultStatus.SUCCESSFUL]


@pytest.mark.django_db
def test_the_email_in_dutch():
    anna = User(pk=7, email="anna@example.org", display_name="Anna", language="nl")
    message = reminders.reminder_message(anna)
    assert message.subject == "Je check-in van vandaag"
    assert message.body.startswith("Hallo Anna,\n\nHoe gaat het vandaag?")
    assert "om 20:00" in message.body  # the default time
    assert "/dagboek/herinnering/uit/" in message.body and "/en/" not in message.body
    assert "Deze e-mail komt van Lijfwijs." in message.body
    assert reminders.user_from_off_token(reminders.off_token(7)) == 7


@pytest.mark.django_db(transaction=True)
def test_killed_after_claiming_the_queued_task_sends_it_once(mailoutbox, run_worker):
    """The scheduler committed the claim with its task and died; no worker has run it yet."""
    due_now()
    run_command(datetime.now(UTC))
    assert [t.status for t in reminder_tasks()] == [TaskResultStatus.READY]
    report = reminders.send_due_reminders(later(15))  # still waiting: not queued twice
    assert (report.claimed, report.requeued) == (0, 0)
    run_worker()
    run_worker()
    assert len(mailoutbox) == 1
    assert ReminderDelivery.objects.get().status == Status.SENT


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_before_taking_it_is_replaced_and_sends_once(mailoutbox, run_worker):
    due_now()
    run_command(datetime.now(UTC))
    [lost] = reminder_tasks()
    lost.claim("worker-that-was-killed")  # RUNNING for ever: the backend does not run it again
    run_worker()
    assert mailoutbox == []
    assert reminders.send_due_reminders(later(5)).requeued == 0  # give it time first
    assert reminders.send_due_reminders(later(11)).requeued == 1
    run_worker()
    assert reminders.send_due_reminders(later(22)).requeued == 0
    run_worker()
    assert len(mailoutbox) == 1
    assert ReminderDelivery.objects.get().status == Status.SENT
    assert [t.status for t in reminder_tasks()] == [
        TaskResultStatus.RUNNING,
        TaskResultStatus.SUCCESSFUL,
    ]


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_while_handing_it_over_never_sends_it_again(mailoutbox, run_worker):
    """The chosen trade-off: after a crash between taking a reminder and the mail server's
    answer, it may be lost, but it is never sent twice."""
    due_now()
    run_command(datetime.now(UTC))
    [lost] = reminder_tasks()
    lost.claim("worker-that-was-killed")
    ReminderDelivery.objects.update(status=Status.SENDING, taken_at=datetime.now(UTC))
    report = reminders.send_due_reminders(later(11))
    assert (report.requeued, report.in_doubt) == (0, 1)
    run_worker()
    assert mailoutbox == []
    assert ReminderDelivery.objects.get().status == Status.SENDING


@pytest.mark.django_db
def test_the_task_run_twice_sends_once(mailoutbox):
    anna = due_now()
    [delivery_id] = reminders.claim_due(datetime.now(UTC))
    assert reminders.send_reminder.call(delivery_id) == "sent"
    assert reminders.send_reminder.call(delivery_id) == "not claimed"
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [anna.email]


class MailServerDown(LocmemBackend):
    def open(self):
        raise ConnectionRefusedError("no mail server")


class MailServerRefuses(LocmemBackend):
    def send_messages(self, messages):
        raise OSError("550 refused")


@pytest.mark.django_db(transaction=True)
def test_an_unreachable_mail_server_is_retried_later(settings, mailoutbox, run_worker):
    due_now()
    settings.EMAIL_BACKEND = f"{__name__}.MailServerDown"
    run_command(datetime.now(UTC))
    run_worker()
    assert [t.status for t in reminder_tasks()] == [TaskResultStatus.FAILED]
    assert ReminderDelivery.objects.get().status == Status.CLAIMED  # never reached the server

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert reminders.send_due_reminders(later(11)).requeued == 1
    run_worker()
    assert len(mailoutbox) == 1
    assert ReminderDelivery.objects.get().status == Status.SENT


@pytest.mark.django_db
def test_a_refusal_after_handing_over_is_not_retried(settings, mailoutbox):
    due_now()
    settings.EMAIL_BACKEND = f"{__name__}.MailServerRefuses"
    [delivery_id] = reminders.claim_due(datetime.now(UTC))
    with pytest.raises(OSError):
        reminders.deliver_reminder(delivery_id)
    assert ReminderDelivery.objects.get().status == Status.FAILED
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    report = reminders.send_due_reminders(later(11))
    assert (report.requeued, report.failed) == (0, 1)
    assert mailoutbox == []


@pytest.mark.django_db
def test_the_worker_skips_a_reminder_that_is_no_longer_wanted(mailoutbox):
    anna = due_now("anna@example.org")
    bram = due_now("bram@example.org")
    due_now("late@example.org")
    ids = dict(zip(["anna", "bram", "late"], reminders.claim_due(datetime.now(UTC)), strict=True))
    check_in(anna, ReminderDelivery.objects.get(pk=ids["anna"]).day)  # checked in meanwhile
    reminders.switch_off(bram.pk)
    assert reminders.deliver_reminder(ids["anna"]) == "skipped: checked_in"
    assert reminders.deliver_reminder(ids["bram"]) == "skipped: switched_off"
    row = ReminderDelivery.objects.get(pk=ids["late"])
    assert reminders.deliver_reminder(row.pk, now=row.send_before) == "skipped: too_late"
    assert mailoutbox == []
    assert set(ReminderDelivery.objects.values_list("status", flat=True)) == {Status.SKIPPED}


@pytest.mark.django_db
def test_the_scheduler_gives_up_on_reminders_too_late_and_forgets_old_ones():
    due_now()
    [delivery_id] = reminders.claim_due(datetime.now(UTC))
    row = ReminderDelivery.objects.get(pk=delivery_id)
    report = reminders.send_due_reminders(row.send_before)
    assert report.too_late == 1
    row.refresh_from_db()
    assert (row.status, row.skip_reason) == (Status.SKIPPED, "too_late")
    reminders.send_due_reminders(row.send_before + timedelta(days=reminders.KEEP_DAYS + 1))
    assert not ReminderDelivery.objects.exists()


# --- The one-click off link ----------------------------------------------------------------------


def off_path(user: User) -> str:
    return "/dagboek/herinnering/uit/" + reminders.off_token(user.pk) + "/"


@pytest.mark.django_db
def test_the_off_link_shows_one_button_that_switches_reminders_off_without_logging_in():
    anna = person("anna@example.org")
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(off_path(anna))
    assert page.status_code == 200
    main = page.content.decode().split("<main", 1)[1].split("</main>", 1)[0]
    assert main.count("<button") == 1 and 'method="post"' in main
    assert ReminderPreference.objects.get(user=anna).enabled  # a GET changes nothing

    done = browser.post(off_path(anna))
    assert done.status_code == 200
    assert "geen dagelijkse herinneringen meer" in done.content.decode()
    assert not ReminderPreference.objects.get(user=anna).enabled
    assert browser.post(off_path(anna)).status_code == 200  # again: still off


@pytest.mark.django_db
def test_the_one_click_post_of_a_mail_provider_switches_off():
    """RFC 8058: the provider POSTs List-Unsubscribe=One-Click, without cookies or CSRF token."""
    anna = person("anna@example.org", language="en")
    response = Client(enforce_csrf_checks=True).post(
        urlsplit(reminders.off_link(anna)).path,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert not ReminderPreference.objects.get(user=anna).enabled


@pytest.mark.django_db
def test_a_tampered_off_link_is_refused_and_changes_nothing():
    anna = person("anna@example.org")
    bram = person("bram@example.org")
    signature = reminders.off_token(anna.pk).split(":", 1)[1]
    client = Client()
    for token in (f"{bram.pk}:{signature}", f"{anna.pk}:{signature[:-2]}xx", "not-a-token"):
        url = f"/dagboek/herinnering/uit/{token}/"
        assert client.get(url).status_code == 400
        assert client.post(url).status_code == 400
    assert ReminderPreference.objects.filter(enabled=True).count() == 2


# --- The setting page ----------------------------------------------------------------------------

SETTINGS = "/dagboek/herinnering/"


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user, backend="lijfwijs.accounts.backends.UserBackend")
    return client


@pytest.mark.django_db
def test_the_setting_page_needs_a_login():
    response = Client().get(SETTINGS)
    assert response.status_code == 302 and response["Location"].startswith("/account/inloggen/")


@pytest.mark.django_db
def test_switching_reminders_on_and_choosing_a_time():
    anna = User.objects.create_user("anna@example.org", "a-long-password-1", role="client")
    give_health_consent(anna)
    browser = signed_in(anna)
    page = browser.get(SETTINGS).content.decode()
    assert 'type="time"' in page and 'value="20:00"' in page
    assert "Bevestig eerst je e-mailadres" in page  # not confirmed yet: said so
    assert not ReminderPreference.objects.exists()  # looking creates nothing

    response = browser.post(SETTINGS, {"enabled": "on", "local_time": "07:45"})
    assert response.status_code == 302 and response["Location"] == SETTINGS
    preference = ReminderPreference.objects.get(user=anna)
    assert (preference.enabled, preference.local_time) == (True, time(7, 45))
    page = browser.get(SETTINGS).content.decode()
    assert "Je herinnering staat aan." in page and 'value="07:45"' in page

    first_change = preference.changed_at
    browser.post(SETTINGS, {"enabled": "on", "local_time": "07:45"})  # the same again
    preference.refresh_from_db()
    assert preference.changed_at == first_change
    browser.post(SETTINGS, {"local_time": "07:45"})  # the box unticked: off
    preference.refresh_from_db()
    assert not preference.enabled and preference.changed_at > first_change


@pytest.mark.django_db
def test_a_bad_time_is_refused_and_what_was_typed_is_kept():
    anna = person("anna@example.org", enabled=False)
    response = signed_in(anna).post(SETTINGS, {"enabled": "on", "local_time": "25:99"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "Vul een tijd in als 20:00 (uren en minuten)." in page
    assert 'value="25:99"' in page and re.search(r'name="enabled"[^>]*checked', page)
    assert not ReminderPreference.objects.get(user=anna).enabled


@pytest.mark.django_db
def test_nobody_changes_anyone_elses_reminder():
    anna = person("anna@example.org", at=time(20, 0))
    bram = person("bram@example.org", at=time(9, 0), enabled=False)
    response = signed_in(bram).post(
        SETTINGS, {"enabled": "on", "local_time": "06:00", "user": anna.pk, "user_id": anna.pk}
    )
    assert response.status_code == 302
    assert ReminderPreference.objects.get(user=bram).local_time == time(6, 0)
    mine = ReminderPreference.objects.get(user=anna)
    assert (mine.enabled, mine.local_time) == (True, time(20, 0))
    assert "20:00" not in signed_in(bram).get(SETTINGS).content.decode()
