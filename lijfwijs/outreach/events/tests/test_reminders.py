"""Reminders 24 hours and 1 hour before, each once: the command run twice, two runs at once, a
place given late; the calendar file parses."""

from datetime import timedelta

import pytest
import vobject
from django.core.management import call_command

from lijfwijs.core.tests.parallel import in_threads
from lijfwijs.outreach.events import notifications, reminders, services
from lijfwijs.outreach.events.models import Event, EventReminder

from .conftest import START, make_event, sign


def run(at):
    call_command("send_event_reminders", "--now", at.isoformat(), verbosity=0)


@pytest.mark.django_db
def test_each_reminder_once_with_the_calendar_file(event, outbox, committed):
    placed = sign(event, 1).signup
    Event.objects.filter(pk=event.pk).update(capacity=1)
    sign(event, 2)  # waiting: no reminders
    with committed():
        run(START - timedelta(hours=30))
    assert not outbox
    with committed():
        for moment in (START - timedelta(hours=23), START - timedelta(hours=22)):
            run(moment)
    assert [m.subject for m in outbox] == ["Morgen: Masterclass rugpijn"]
    with committed():
        for moment in (START - timedelta(minutes=50), START - timedelta(minutes=10)):
            run(moment)
    assert [m.subject for m in outbox][1:] == ["Over een uur: Masterclass rugpijn"]
    assert all(m.to == [placed.email] for m in outbox)
    calendar = outbox[1].attachments[0].get_payload(decode=True).decode()
    parsed = vobject.readOne(calendar)
    assert parsed.vevent.summary.value == "Masterclass rugpijn"
    assert parsed.vevent.dtstart.value.isoformat() == "2026-12-14T19:30:00+01:00"
    assert parsed.method.value == "REQUEST"
    assert EventReminder.objects.count() == 2


@pytest.mark.django_db
def test_no_day_reminder_for_a_place_given_on_the_day_and_none_when_called_off(
    frozen, practice, outbox, committed
):
    event = make_event(practice, capacity=1)
    sign(event, 1)
    waiting = sign(event, 2).signup
    first = event.signups.get(email_key="deelnemer-1@example.org")
    services.cancel_signup(first, by="person", now=START - timedelta(hours=5))
    assert reminders.due(START, START - timedelta(hours=5), START - timedelta(hours=4)) is None
    assert reminders.due(START, START - timedelta(hours=5), START - timedelta(minutes=30)) == "1h"
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"
    with committed():
        run(START - timedelta(hours=4))
    assert not outbox
    services.cancel_event(event)
    with committed():
        run(START - timedelta(minutes=30))
    assert not outbox


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_each_reminder_once(frozen, practice, outbox):
    event = make_event(practice, capacity=10)
    for n in range(5):
        sign(event, n)
    at = START - timedelta(hours=20)
    outbox.clear()
    counts = in_threads(lambda: reminders.send_due(at).claimed, 2)
    assert sum(counts) == 5
    assert EventReminder.objects.count() == 5
    assert len(outbox) == 5


@pytest.mark.django_db
def test_the_calendar_file_of_a_called_off_event_removes_it(event):
    signup = sign(event, 1).signup
    services.cancel_event(event)
    signup.refresh_from_db()
    parsed = vobject.readOne(notifications.event_ics(signup, method="CANCEL").decode())
    assert parsed.method.value == "CANCEL"
    assert parsed.vevent.status.value == "CANCELLED"
    assert int(parsed.vevent.sequence.value) == 1
