"""The diary's alerts (pain rising, silence) and the daily digest: raised by the task after a
check-in and by the hourly `check_alerts`, once per cause and practitioner however often and in
how many workers they run (SQLite, and PostgreSQL with DATABASE_URL); no immediate email, one
digest a day at most, without names or health content."""

from datetime import UTC, datetime, time, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from lijfwijs.accounts.localtime import local_today
from lijfwijs.accounts.models import Membership, PractitionerAccess, User
from lijfwijs.accounts.services import revoke_access
from lijfwijs.accounts.tests.helpers import (
    give_access,
    make_client_user,
    make_practitioner,
    signed_in_browser,
)
from lijfwijs.core import hooks
from lijfwijs.core.tests.parallel import in_threads
from lijfwijs.diary.models import CheckIn
from lijfwijs.diary.services import delete_checkin
from lijfwijs.practice import alerts
from lijfwijs.practice.models import Alert, DigestSent

EMAIL_TASK = "lijfwijs.core.tasks.send_email_task"
EVALUATE_TASK = "lijfwijs.practice.alerts.evaluate_client"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# 10:00 in Amsterdam: after the digest's hour, and the same local day for everyone in the tests
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
TODAY = NOW.astimezone(AMSTERDAM).date()


def write(user: User, *entries: tuple[int, int]) -> None:
    """Check-ins of `user`: (days before TODAY, pain)."""
    for days_ago, pain in entries:
        day = TODAY - timedelta(days=days_ago)
        at = datetime.combine(day, time(9), tzinfo=AMSTERDAM)
        CheckIn.objects.create(user=user, day=day, at=at, pain=pain)


def flaring(user: User) -> None:
    """30 days at 3, then three at 7: the flare-up rule is active from yesterday on."""
    write(user, *[(n, 3) for n in range(33, 2, -1)], (2, 7), (1, 7), (0, 7))


def grant(client: User, practitioner: User, days_ago: int = 60) -> PractitionerAccess:
    access = give_access(client, practitioner)
    access.granted_at = NOW - timedelta(days=days_ago)
    access.save(update_fields=["granted_at"])
    return access


def silence_days(practitioner: User, days: int) -> None:
    Membership.objects.filter(user=practitioner).update(silence_days=days)


def evaluate(*clients: User, now: datetime = NOW) -> int:
    return alerts.evaluate_clients([c.pk for c in clients], now)


def raised() -> list[tuple[str, str, str]]:
    return sorted(Alert.objects.values_list("practitioner__email", "kind", "cause"))


@pytest.fixture
def people(db):
    anna = make_client_user("anna@example.org", display_name="Anna Jansen")
    pieter = make_practitioner("pieter@example.org", display_name="Pieter")
    rita = make_practitioner("rita@example.org", practice_name="Praktijk Elders")
    return anna, pieter, rita


# --- Pain rising ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_pain_rising_gives_each_practitioner_with_access_one_alert_and_no_email(
    people, django_capture_on_commit_callbacks
):
    anna, pieter, rita = people
    sanne = make_practitioner("sanne@example.org")  # Anna never chose her
    flaring(anna)
    grant(anna, pieter)
    grant(anna, rita)
    with django_capture_on_commit_callbacks(execute=True):
        assert evaluate(anna) == 2
        assert evaluate(anna) == 0  # the task ran twice: nothing more
    first = (TODAY - timedelta(days=1)).isoformat()
    assert raised() == [(p.email, "pain_rising", f"flare:{first}") for p in (pieter, rita)]
    assert not Alert.objects.filter(practitioner=sanne).exists()
    assert not DBTaskResult.objects.filter(task_path=EMAIL_TASK).exists()  # the digest tells


@pytest.mark.django_db
def test_the_flare_up_goes_on_the_next_day_without_a_second_alert(people):
    anna, pieter, _ = people
    flaring(anna)
    grant(anna, pieter)
    assert evaluate(anna) == 1
    write(anna, (-1, 8))  # tomorrow's check-in, evaluated tomorrow
    assert evaluate(anna, now=NOW + timedelta(days=1)) == 0
    assert Alert.objects.count() == 1


# --- Silence ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_silence_after_each_practitioners_own_number_of_days(people):
    anna, pieter, rita = people
    sanne = make_practitioner("sanne@example.org")
    Membership.objects.filter(user=sanne).delete()  # no practice: 7 days
    for practitioner in (pieter, rita, sanne):
        grant(anna, practitioner)
    write(anna, (5, 4))
    silence_days(pieter, 4)
    silence_days(rita, 10)
    cause = f"silence:{(TODAY - timedelta(days=5)).isoformat()}"
    assert evaluate(anna) == 1  # 5 days > Pieter's 4
    assert raised() == [(pieter.email, "silence", cause)]
    assert evaluate(anna, now=NOW + timedelta(days=3)) == 1  # 8 days > Sanne's 7 (no practice)
    assert evaluate(anna, now=NOW + timedelta(days=6)) == 1  # 11 days > Rita's 10
    assert raised() == sorted((p.email, "silence", cause) for p in (pieter, rita, sanne))
    assert evaluate(anna, now=NOW + timedelta(days=20)) == 0  # the same silence: no new alerts


@pytest.mark.django_db
def test_a_check_in_ends_the_silence_and_a_new_silence_is_a_new_alert(people):
    anna, pieter, _ = people
    grant(anna, pieter)
    silence_days(pieter, 2)
    write(anna, (10, 4))
    assert evaluate(anna) == 1
    write(anna, (0, 4))  # today
    assert evaluate(anna) == 0
    assert evaluate(anna, now=NOW + timedelta(days=2)) == 0  # 2 days: not more than 2
    assert evaluate(anna, now=NOW + timedelta(days=3)) == 1
    assert [cause for _e, _k, cause in raised()] == [
        f"silence:{(TODAY - timedelta(days=10)).isoformat()}",
        f"silence:{TODAY.isoformat()}",
    ]


@pytest.mark.django_db
def test_no_silence_before_the_client_had_the_days_since_the_grant(people):
    anna, pieter, _ = people
    write(anna, (200, 4))  # long before the grant
    grant(anna, pieter, days_ago=0)
    assert evaluate(anna) == 0
    assert evaluate(anna, now=NOW + timedelta(days=7)) == 0
    assert evaluate(anna, now=NOW + timedelta(days=8)) == 1
    assert raised() == [(pieter.email, "silence", f"silence:{TODAY.isoformat()}")]


@pytest.mark.django_db
def test_no_alerts_after_the_revoke_nor_for_an_inactive_account(people):
    anna, pieter, _ = people
    access = grant(anna, pieter)
    write(anna, (30, 4))
    revoke_access(anna, access.pk)
    assert evaluate(anna) == 0
    grant(anna, pieter)
    User.objects.filter(pk=anna.pk).update(is_active=False)
    assert evaluate(anna) == 0
    assert not Alert.objects.exists()


# --- The hook after a check-in ------------------------------------------------------------------


def evaluate_tasks() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=EVALUATE_TASK))


def test_the_hook_is_declared_for_the_diary():
    assert alerts.checkin_saved in hooks.functions("checkin_saved")


@pytest.mark.django_db(transaction=True)
def test_a_check_in_on_the_diary_page_queues_the_evaluation_on_commit(
    people, run_worker, mailoutbox
):
    anna, pieter, _ = people
    flaring(anna)
    CheckIn.objects.filter(user=anna, day=TODAY).delete()
    grant(anna, pieter)
    browser = signed_in_browser(anna)
    today = local_today(anna).isoformat()  # the page's own today (the tests' NOW is fixed)
    response = browser.post("/dagboek/nieuw/", {"day": today, "time": "08:00", "pain": "8"})
    assert response.status_code == 302
    assert len(evaluate_tasks()) == 1
    run_worker()
    run_worker()  # a second run of the queue: nothing more
    assert Alert.objects.filter(practitioner=pieter).count() <= 1
    assert not mailoutbox  # no email for the diary's alerts

    # deleting a check-in queues it too; a client nobody sees queues nothing
    delete_checkin(CheckIn.objects.filter(user=anna).first())
    assert len(evaluate_tasks()) == 2
    bram = make_client_user("bram@example.org")
    signed_in_browser(bram).post("/dagboek/nieuw/", {"day": today, "time": "08:00", "pain": "8"})
    assert len(evaluate_tasks()) == 2


@pytest.mark.django_db(transaction=True)
def test_the_evaluation_of_a_check_in_that_rolls_back_is_not_queued(people):
    anna, pieter, _ = people
    grant(anna, pieter)
    with transaction.atomic():
        alerts.checkin_saved(anna.pk)
        assert not evaluate_tasks()
        transaction.set_rollback(True)
    assert not evaluate_tasks()


@pytest.mark.django_db(transaction=True)
def test_the_task_raises_what_the_rule_says(people, run_worker):
    """The queued task reads the data when it runs (today's flare-up in this test's today)."""
    anna, pieter, _ = people
    grant(anna, pieter, days_ago=90)
    silence_days(pieter, 2)
    today = local_today(anna)
    day = today - timedelta(days=9)
    CheckIn.objects.create(user=anna, day=day, at=datetime.combine(day, time(9), AMSTERDAM), pain=4)
    alerts.checkin_saved(anna.pk)  # autocommit: queued at once
    run_worker()
    assert raised() == [(pieter.email, "silence", f"silence:{day.isoformat()}")]


# --- Parallel runs ------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_parallel_evaluations_and_digests_raise_and_send_each_once(people):
    """Real parallel connections (PostgreSQL with DATABASE_URL; SQLite serialises the writes)."""
    anna, pieter, rita = people
    bram = make_client_user("bram@example.org")
    others = [make_practitioner(f"p{n}@example.org") for n in range(2)]
    for practitioner in (pieter, rita, *others):
        grant(anna, practitioner)
        grant(bram, practitioner)
    flaring(anna)
    write(bram, (20, 5))
    results = in_threads(lambda: evaluate(anna, bram), count=4)
    assert sum(results) == 8
    assert Alert.objects.count() == 8
    assert (
        sorted(Alert.objects.values_list("kind", flat=True))
        == ["pain_rising"] * 4 + ["silence"] * 4
    )
    sent = in_threads(lambda: alerts.send_digests(NOW), count=3)
    assert sum(sent) == 4
    assert DigestSent.objects.count() == 4
    assert DBTaskResult.objects.filter(task_path=EMAIL_TASK).count() == 4
    assert not Alert.objects.filter(digested_at__isnull=True).exists()


# --- The hourly command -------------------------------------------------------------------------


@pytest.mark.django_db
def test_check_alerts_evaluates_every_client_in_batches_with_bounded_queries(people):
    anna, pieter, rita = people

    def silent_clients(n: int, start: int) -> None:
        for i in range(start, start + n):
            client = make_client_user(f"c{i}@example.org")
            grant(client, pieter)
            write(client, (12, 5))

    silent_clients(3, 0)
    out = StringIO()
    call_command("check_alerts", f"--now={NOW.isoformat()}", "--batch=2", stdout=out)
    assert (
        out.getvalue().strip() == "alerts: 3 clients evaluated, 3 alerts raised, 1 digests queued"
    )
    assert Alert.objects.filter(kind="silence").count() == 3
    # one alert not in today's digest (as the new ones below will be): it waits for tomorrow
    Alert.objects.filter(pk=Alert.objects.first().pk).update(digested_at=None)
    with CaptureQueriesContext(connection) as three:
        report = alerts.check_alerts(NOW, batch=100)
    assert (report.raised, report.digests) == (0, 0)  # idempotent: the same hour again
    silent_clients(9, 3)
    alerts.check_alerts(NOW)  # raises the new ones (today's digest went out already)
    with CaptureQueriesContext(connection) as twelve:
        report = alerts.check_alerts(NOW, batch=100)
    assert report.clients == 12 and report.raised == 0
    assert len(twelve) == len(three)  # the queries do not grow with the clients


# --- The digest ---------------------------------------------------------------------------------


def open_alert(client: User, practitioner: User, kind: str, cause: str) -> Alert:
    return Alert.objects.create(client=client, practitioner=practitioner, kind=kind, cause=cause)


@pytest.mark.django_db
def test_the_digest_counts_per_kind_once_a_day_without_names_or_health_content(
    people, outbox, django_capture_on_commit_callbacks
):
    anna, pieter, rita = people
    bram = make_client_user("bram@example.org", display_name="Bram de Vries")
    for client in (anna, bram):
        grant(client, pieter)
    open_alert(anna, pieter, "silence", "silence:2026-11-03")
    open_alert(bram, pieter, "silence", "silence:2026-11-05")
    open_alert(anna, pieter, "pain_rising", "flare:2026-11-18")
    with django_capture_on_commit_callbacks(execute=True):
        assert alerts.send_digests(NOW) == 1
        assert alerts.send_digests(NOW + timedelta(hours=5)) == 0  # the same day
    [message] = outbox
    assert message.to == [pieter.email]
    assert message.subject == "Je hebt 3 nieuwe meldingen in Lijfwijs"
    assert "geen check-in: 2" in message.body and "pijn neemt toe: 1" in message.body
    assert "crisisantwoord" not in message.body  # kinds without alerts are left out
    assert "/praktijk/meldingen/" in message.body
    [(html, _mime)] = message.alternatives
    for text in (message.subject, message.body, html):
        for word in ("Anna", "Jansen", "Bram", anna.email, bram.email, "2026-11", "nov"):
            assert word not in text
    assert DigestSent.objects.get().day == TODAY
    assert not Alert.objects.filter(digested_at__isnull=True).exists()

    # the next day: only what is new since, and not what was acknowledged or revoked meanwhile
    open_alert(anna, pieter, "silence", "silence:2026-11-19")
    open_alert(bram, pieter, "crisis", "response:x").delete()
    seen = open_alert(bram, pieter, "pain_rising", "flare:2026-11-19")
    Alert.objects.filter(pk=seen.pk).update(acknowledged_at=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        assert alerts.send_digests(NOW + timedelta(days=1)) == 1
    assert outbox[-1].subject == "Je hebt 1 nieuwe melding in Lijfwijs"
    assert "geen check-in: 1" in outbox[-1].body


@pytest.mark.django_db
def test_no_digest_when_switched_off_at_night_without_alerts_or_after_the_revoke(
    people, django_capture_on_commit_callbacks
):
    anna, pieter, rita = people
    access = grant(anna, pieter)
    grant(anna, rita)
    Membership.objects.filter(user=rita).update(alert_digest=False)
    open_alert(anna, rita, "silence", "silence:2026-11-03")
    assert alerts.send_digests(NOW) == 0  # Rita switched it off; Pieter has no alerts
    open_alert(anna, pieter, "silence", "silence:2026-11-03")
    night = datetime(2026, 11, 20, 5, 30, tzinfo=UTC)  # 06:30 in Amsterdam
    assert alerts.send_digests(night) == 0
    revoke_access(anna, access.pk)
    assert alerts.send_digests(NOW) == 0
    assert not DigestSent.objects.exists()


@pytest.mark.django_db
def test_the_digest_day_is_the_practitioners_local_day(people, django_capture_on_commit_callbacks):
    anna, pieter, _ = people
    User.objects.filter(pk=pieter.pk).update(time_zone="America/New_York")
    grant(anna, pieter)
    open_alert(anna, pieter, "silence", "silence:2026-11-03")
    assert alerts.send_digests(NOW) == 0  # 04:00 in New York
    late = datetime(2026, 11, 21, 3, 0, tzinfo=UTC)  # 22:00 on the 20th in New York
    assert alerts.send_digests(late) == 1
    assert DigestSent.objects.get().day == TODAY  # the 20th, not the 21st of UTC


def test_the_digest_renders_in_both_languages():
    from lijfwijs.core.mail import render_email

    counts = {kind: 0 for kind in Alert.Kind.values} | {"silence": 1}
    for language in ("nl", "en"):
        email = render_email(
            "practice/emails/digest", {"counts": counts, "total": 1, "link": "https://x/"}, language
        )
        assert email.subject and "https://x/" in email.text and email.html
        assert f'<html lang="{language}">' in email.html
