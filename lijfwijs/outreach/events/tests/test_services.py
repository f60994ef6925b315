"""The services: places, the waiting list moving up, refusals, attendance, forgetting an address."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F

from lijfwijs.accounts.services import delete_account
from lijfwijs.accounts.tests.helpers import make_client_user
from lijfwijs.outreach.events import people, services
from lijfwijs.outreach.events.models import Event, SignUp

from .conftest import NOW, START, make_event, sign

pytestmark = pytest.mark.django_db

Status = SignUp.Status


def statuses(event):
    return list(event.signups.order_by("queued_at", "pk").values_list("status", flat=True))


def test_places_then_the_waiting_list_each_with_an_email(event, outbox, committed):
    with committed():
        outcomes = [sign(event, n) for n in range(5)]
    assert [o.signup.status for o in outcomes] == [Status.CONFIRMED] * 3 + [Status.WAITING] * 2
    assert all(o.created for o in outcomes)
    event.refresh_from_db()
    assert (event.taken, event.free_places) == (3, 0)
    assert [m.subject for m in outbox] == ["Je bent aangemeld: Masterclass rugpijn"] * 3 + [
        "Je staat op de wachtlijst: Masterclass rugpijn"
    ] * 2
    confirmed = outbox[0]
    assert confirmed.to == ["deelnemer-0@example.org"]
    assert outcomes[0].signup.token in confirmed.body  # the link to cancel
    assert [a.get_content_type() for a in confirmed.attachments] == ["text/calendar"]
    assert not outbox[3].attachments  # no calendar file for the waiting list


def test_the_same_address_twice_is_one_sign_up(event, outbox, committed):
    with committed():
        first = sign(event, 1)
        again = services.sign_up(event, name="Iemand anders", email="DEELNEMER-1@example.org ")
    assert not again.created and again.signup.pk == first.signup.pk
    assert again.signup.name == "Deelnemer 1"
    event.refresh_from_db()
    assert event.taken == 1  # the place the second attempt took was given back
    assert len(outbox) == 1


def test_the_database_refuses_a_second_sign_up_and_an_overfull_event(event):
    sign(event, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        SignUp.objects.create(
            event=event,
            name="x",
            email="x@example.org",
            email_key="deelnemer-1@example.org",
            status=Status.WAITING,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(taken=F("capacity") + 1)


def test_cancelling_a_place_moves_the_first_waiting_up_with_an_email(event, outbox, committed):
    people_ = [sign(event, n).signup for n in range(5)]
    with committed():
        promoted = services.cancel_signup(people_[1], by="person")
    assert [p.pk for p in promoted] == [people_[3].pk]
    assert statuses(event) == [
        Status.CONFIRMED,
        Status.CANCELLED,
        Status.CONFIRMED,
        Status.CONFIRMED,
        Status.WAITING,
    ]
    event.refresh_from_db()
    assert event.taken == 3
    subjects = {m.to[0]: m.subject for m in outbox}
    assert subjects == {
        "deelnemer-1@example.org": "Je bent afgemeld: Masterclass rugpijn",
        "deelnemer-3@example.org": "Er is een plaats voor je: Masterclass rugpijn",
    }
    moved = next(m for m in outbox if m.to == ["deelnemer-3@example.org"])
    assert moved.attachments
    # cancelling again changes nothing; a waiting person cancelling frees no place
    assert services.cancel_signup(people_[1], by="person") == []
    assert services.cancel_signup(people_[4], by="person") == []
    event.refresh_from_db()
    assert event.taken == 3


def test_a_cancelled_address_signs_up_again_at_the_back(event):
    people_ = [sign(event, n).signup for n in range(4)]
    services.cancel_signup(people_[0], by="person")  # 3 moves up
    again = sign(event, 0)
    assert again.created and again.signup.pk == people_[0].pk
    assert again.signup.status == Status.WAITING


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"status": Event.Status.CANCELLED}, "gaat niet door"),
        ({"status": Event.Status.DRAFT}, "nog niet gepubliceerd"),
        ({"start": NOW - timedelta(minutes=1), "end": NOW + timedelta(hours=1)}, "al begonnen"),
        ({"signup_deadline": NOW - timedelta(minutes=1)}, "Aanmelden kon tot"),
    ],
)
def test_closed_sign_ups_are_refused_with_the_reason(event, change, message):
    Event.objects.filter(pk=event.pk).update(**change)
    event.refresh_from_db()
    with pytest.raises(services.SignUpRefused, match=message):
        sign(event, 1)
    assert not event.signups.exists()


def test_more_places_fill_from_the_waiting_list_fewer_than_taken_are_refused(
    event, outbox, committed
):
    for n in range(5):
        sign(event, n)
    event.capacity = 2
    with pytest.raises(services.EventError):
        services.save_event(event, now=NOW)
    event = Event.objects.get(pk=event.pk)
    event.capacity = 4
    with committed():
        services.save_event(event, now=NOW)
    assert event.taken == 4
    assert statuses(event).count(Status.WAITING) == 1
    assert [m.to for m in outbox] == [["deelnemer-3@example.org"]]


def test_a_changed_time_is_emailed_with_a_calendar_file_that_moves_it(event, outbox, committed):
    for n in range(4):
        sign(event, n)
    before = event.sequence
    event.title = "Masterclass rugpijn (nieuwe titel)"
    with committed():
        services.save_event(event, now=NOW)
    assert not outbox  # a new title reaches calendars, not inboxes
    event.start += timedelta(hours=1)
    event.end += timedelta(hours=1)
    with committed():
        services.save_event(event, now=NOW)
    assert Event.objects.get(pk=event.pk).sequence == before + 2
    assert len(outbox) == 4 and all(m.subject.startswith("Gewijzigd:") for m in outbox)
    assert "20:30" in outbox[0].body
    ics = outbox[0].attachments[0].get_payload(decode=True).decode()
    assert f"SEQUENCE:{before + 2}" in ics and "METHOD:REQUEST" in ics
    assert not outbox[3].attachments  # waiting: no calendar file


def test_calling_off_emails_everyone_with_a_calendar_file_for_those_with_a_place(
    event, outbox, committed
):
    for n in range(4):
        sign(event, n)
    with committed():
        assert services.cancel_event(event)
        assert not services.cancel_event(event)
    assert len(outbox) == 4
    assert all(m.subject == "Gaat niet door: Masterclass rugpijn" for m in outbox)
    assert [bool(m.attachments) for m in outbox] == [True, True, True, False]
    assert "METHOD:CANCEL" in outbox[0].attachments[0].get_payload(decode=True).decode()
    with pytest.raises(services.SignUpRefused):
        sign(event, 9)


def test_attendance_after_the_start_only(event, frozen):
    places = [sign(event, n).signup for n in range(2)]
    with pytest.raises(services.EventError):
        services.mark_attendance(event, {places[0].pk: True}, now=START - timedelta(minutes=1))
    later = START + timedelta(minutes=5)
    assert (
        services.mark_attendance(event, {places[0].pk: True, places[1].pk: False}, now=later) == 2
    )
    assert services.mark_attendance(event, {places[0].pk: True}, now=later) == 0
    assert services.mark_attendance(event, {places[0].pk: None}, now=later) == 1
    assert list(event.signups.order_by("pk").values_list("attended", flat=True)) == [None, False]


def test_an_account_that_goes_takes_its_sign_ups_and_gives_its_place(event, outbox, committed):
    person = make_client_user("deelnemer-0@example.org", consent=False)
    for n in range(4):
        sign(event, n)
    assert people.export_user_data(person)["signups"][0]["status"] == Status.CONFIRMED
    with committed():
        delete_account(person)
    assert not SignUp.objects.filter(email_key="deelnemer-0@example.org").exists()
    assert statuses(event) == [Status.CONFIRMED] * 3
    assert [m.to for m in outbox] == [["deelnemer-3@example.org"]]  # nothing to the one who left


def test_campaign_audiences_and_recipients(event, practice, rita):
    for n in range(4):
        sign(event, n)
    services.opt_out(SignUp.objects.get(email_key="deelnemer-1@example.org"), campaign_id=7)
    found = {a.key: a.count for a in people.campaign_audiences(practice)}
    assert found == {f"event:{event.pk}": 2, f"event-waiting:{event.pk}": 1}
    placed = people.campaign_recipients(practice, f"event:{event.pk}")
    assert [r.email for r in placed] == ["deelnemer-0@example.org", "deelnemer-2@example.org"]
    assert placed[0].key.startswith("signup:")
    assert (
        placed[0].unsubscribe_url.startswith("http") and "/geen-mail/" in placed[0].unsubscribe_url
    )
    assert people.campaign_recipients(practice, "list:3") is None
    assert people.campaign_recipients(rita.membership.practice, f"event:{event.pk}") is None
    assert people.campaign_unsubscribes([7, 8]) == {7: 1}


@pytest.mark.django_db(transaction=True)
def test_two_cancellations_at_once_move_two_up_and_never_overfill(frozen, practice):
    """Real parallel connections on PostgreSQL (SQLite runs them one after the other)."""
    from lijfwijs.core.tests.parallel import in_threads

    event = make_event(practice, capacity=2)
    people_ = [sign(event, n).signup for n in range(5)]
    leaving = iter(people_[:2])
    promoted = in_threads(lambda: services.cancel_signup(next(leaving), by="person"), 2)
    assert sorted(p.pk for found in promoted for p in found) == [people_[2].pk, people_[3].pk]
    event.refresh_from_db()
    assert event.taken == 2
    assert statuses(event) == [Status.CANCELLED] * 2 + [Status.CONFIRMED] * 2 + [Status.WAITING]


def test_the_demo_masterclass_once(pieter, practice):
    from lijfwijs.outreach.events import demo

    event = demo.load(practice, pieter)
    assert demo.load(practice, pieter) == event
    assert (event.status, event.capacity, event.is_free) == (Event.Status.PUBLISHED, 30, True)
    assert event.start.astimezone(ZoneInfo("Europe/Amsterdam")).strftime("%a %H:%M") == "Tue 19:30"
    assert event.signups.filter(status=Status.CONFIRMED).count() == 4
    assert Event.objects.filter(practice=practice).count() == 1
