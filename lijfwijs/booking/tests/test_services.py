"""The booking services: what they book, and that the database (not a check) refuses overlaps."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.db import IntegrityError, connection, transaction

from lijfwijs.accounts.models import Membership, Practice, User
from lijfwijs.accounts.services import join_practice
from lijfwijs.booking import services
from lijfwijs.booking.models import (
    AppointmentType,
    AvailabilityException,
    Booking,
    OccupiedMinute,
    WeeklyHours,
)

pytestmark = pytest.mark.django_db

# A Monday in winter (CET, UTC+1): 09:00 local is 08:00 UTC.
MONDAY = datetime(2027, 1, 11, 6, 0, tzinfo=UTC)  # "now": 07:00 local
AT_0900 = datetime(2027, 1, 11, 8, 0, tzinfo=UTC)
AT_0930 = AT_0900 + timedelta(minutes=30)


@pytest.fixture
def practice():
    return Practice.objects.create(name="Praktijk Rug")


def _practitioner(practice, email):
    user = User.objects.create_user(email, "x" * 20, role=User.Role.PRACTITIONER)
    join_practice(user, practice, Membership.Role.PRACTITIONER)
    for weekday in range(5):
        WeeklyHours.objects.create(
            practice=practice, practitioner=user, weekday=weekday, start=time(9), end=time(12)
        )
    return user


@pytest.fixture
def giver(practice):
    return _practitioner(practice, "p1@rug.example")


@pytest.fixture
def call(practice, giver):
    kind = AppointmentType.objects.create(
        practice=practice,
        name="Adviesgesprek",
        duration_minutes=30,
        buffer_after_minutes=10,
        slot_step_minutes=30,
        min_notice_hours=1,
        horizon_days=30,
        cancel_limit_hours=24,
    )
    kind.practitioners.add(giver)
    return kind


def visitor(name="Anna"):
    return services.Who(name=name, email=f"{name.lower()}@example.org")


def test_free_slots_follow_hours_buffers_and_notice(call):
    day = AT_0900.date()
    starts = [s.start for s in services.free_slots(call, day, day, now=MONDAY)]
    # 09:00, 09:30 … 11:30 local; each 30 minutes plus 10 minutes after fits as long as it ends by 12
    assert starts[0] == AT_0900
    assert starts[-1] == datetime(2027, 1, 11, 10, 30, tzinfo=UTC)  # 11:30 local
    later = services.free_slots(call, day, day, now=AT_0900)  # one hour of notice
    assert later[0].start == datetime(2027, 1, 11, 9, 0, tzinfo=UTC)


def test_a_visitor_is_held_and_a_client_confirmed(call, giver):
    held = services.book(call, AT_0900, visitor(), origin=Booking.Origin.VISITOR, now=MONDAY)
    assert held.status == Booking.Status.HELD
    assert held.hold_expires_at == MONDAY + timedelta(minutes=services.HOLD_MINUTES)
    assert held.practitioner == giver
    assert (held.occupied_start, held.occupied_end) == (AT_0900, AT_0930 + timedelta(minutes=10))
    client = User.objects.create_user("c@rug.example", "x" * 20)
    booked = services.book(
        call,
        AT_0930 + timedelta(minutes=30),
        services.Who(client=client),
        origin="client",
        now=MONDAY,
    )
    assert booked.status == Booking.Status.CONFIRMED and booked.confirmed_at == MONDAY


def test_a_taken_time_is_refused_with_the_nearest_free_times(call):
    services.book(call, AT_0900, visitor(), origin="visitor", now=MONDAY)
    with pytest.raises(services.SlotTaken) as taken:
        services.book(call, AT_0900, visitor("Bob"), origin="visitor", now=MONDAY)
    assert taken.value.alternatives
    assert all(slot.start != AT_0900 for slot in taken.value.alternatives)
    # the buffer after the first keeps 09:30 free of a booking that would start in it? No: 09:30
    # starts after 09:30 + 0 before; the first occupies up to 09:40, so 09:30 is taken too
    with pytest.raises(services.SlotTaken):
        services.book(call, AT_0930, visitor("Cas"), origin="visitor", now=MONDAY)
    assert Booking.objects.holding().count() == 1


def test_times_that_are_not_offered_say_why(call):
    with pytest.raises(services.NotBookable, match="voorbij"):
        services.book(call, MONDAY - timedelta(hours=1), visitor(), origin="visitor", now=MONDAY)
    with pytest.raises(services.NotBookable, match="kort dag"):
        services.book(call, MONDAY + timedelta(minutes=30), visitor(), origin="visitor", now=MONDAY)
    with pytest.raises(services.NotBookable, match="vooruit"):
        services.book(call, AT_0900 + timedelta(days=35), visitor(), origin="visitor", now=MONDAY)
    with pytest.raises(services.NotBookable) as outside:
        services.book(call, AT_0900 + timedelta(hours=6), visitor(), origin="visitor", now=MONDAY)
    assert outside.value.alternatives


def test_a_second_practitioner_takes_the_time_the_first_has_given(practice, call, giver):
    other = _practitioner(practice, "p2@rug.example")
    call.practitioners.add(other)
    first = services.book(call, AT_0900, visitor(), origin="visitor", now=MONDAY)
    second = services.book(call, AT_0900, visitor("Bob"), origin="visitor", now=MONDAY)
    assert {first.practitioner, second.practitioner} == {giver, other}
    with pytest.raises(services.SlotTaken):
        services.book(call, AT_0900, visitor("Cas"), origin="visitor", now=MONDAY)


def test_an_expired_hold_frees_its_time_and_can_still_be_confirmed_when_free(call):
    held = services.book(call, AT_0900, visitor(), origin="visitor", now=MONDAY)
    later = MONDAY + timedelta(minutes=services.HOLD_MINUTES + 1)
    assert AT_0900 in [
        s.start for s in services.free_slots(call, AT_0900.date(), AT_0900.date(), now=later)
    ]
    confirmed = services.confirm(held, now=later)
    assert confirmed.status == Booking.Status.CONFIRMED
    # and when someone else took it meanwhile, confirming says so
    other = services.book(
        call, AT_0930 + timedelta(minutes=30), visitor("Bob"), origin="visitor", now=MONDAY
    )
    services.book(
        call, AT_0930 + timedelta(minutes=30), visitor("Cas"), origin="visitor", now=later
    )
    with pytest.raises(services.SlotTaken):
        services.confirm(other, now=later)
    other.refresh_from_db()
    assert other.status == Booking.Status.EXPIRED


def test_cancel_frees_the_time_and_respects_the_limit(call):
    booked = services.book(call, AT_0900, visitor(), origin="visitor", now=MONDAY)
    # the limit is 24 hours before the start: too late for the person, not for the practice
    with pytest.raises(services.NotAllowed):
        services.cancel(booked, by="client", now=MONDAY)
    services.cancel(booked, by="practice", now=MONDAY)
    booked.refresh_from_db()
    assert booked.status == Booking.Status.CANCELLED and booked.sequence == 1
    assert services.book(call, AT_0900, visitor("Bob"), origin="visitor", now=MONDAY)


def test_reschedule_keeps_the_booking_and_raises_its_sequence(call):
    early = MONDAY - timedelta(days=3)
    booked = services.book(call, AT_0900, visitor(), origin="visitor", now=early)
    moved = services.reschedule(booked, AT_0930 + timedelta(minutes=30), by="client", now=early)
    assert moved.pk == booked.pk and moved.uid == booked.uid and moved.sequence == 1
    assert moved.start == AT_0930 + timedelta(minutes=30)
    # the old time is free again, the new one is not
    assert services.book(call, AT_0900, visitor("Bob"), origin="visitor", now=early)
    with pytest.raises(services.SlotTaken):
        services.reschedule(
            services.book(
                call,
                AT_0930 + timedelta(hours=1, minutes=30),
                visitor("Cas"),
                origin="visitor",
                now=early,
            ),
            AT_0930 + timedelta(minutes=30),
            by="client",
            now=early,
        )


def test_blocked_time_and_exceptions_close_slots(call, giver, practice):
    services.block_time(giver, AT_0900, AT_0900 + timedelta(hours=1), now=MONDAY)
    AvailabilityException.objects.create(
        practice=practice,
        practitioner=giver,
        first_day=AT_0900.date() + timedelta(days=1),
        last_day=AT_0900.date() + timedelta(days=1),
    )
    day = AT_0900.date()
    starts = {s.start for s in services.free_slots(call, day, day + timedelta(days=1), now=MONDAY)}
    assert AT_0900 not in starts and AT_0930 not in starts
    assert not any(s.date() == day + timedelta(days=1) for s in starts)
    with pytest.raises(services.SlotTaken):
        services.block_time(giver, AT_0930, AT_0930 + timedelta(hours=1), now=MONDAY)


def test_mark_only_after_the_start(call):
    booked = services.book(
        call,
        AT_0900,
        services.Who(client=User.objects.create_user("c@x.example", "x" * 20)),
        origin="client",
        now=MONDAY,
    )
    with pytest.raises(services.NotAllowed):
        services.mark(booked, Booking.Status.DONE, now=MONDAY)
    assert (
        services.mark(booked, Booking.Status.NO_SHOW, now=AT_0930).status == Booking.Status.NO_SHOW
    )


def test_clients_only_types_need_a_client_of_the_practice(call, giver):
    from lijfwijs.accounts.models import PractitionerAccess

    call.audience = AppointmentType.Audience.CLIENTS
    call.save()
    stranger = User.objects.create_user("s@x.example", "x" * 20)
    with pytest.raises(services.NotAllowed):
        services.book(call, AT_0900, visitor(), origin="visitor", now=MONDAY)
    with pytest.raises(services.NotAllowed):
        services.book(call, AT_0900, services.Who(client=stranger), origin="client", now=MONDAY)
    PractitionerAccess.objects.create(client=stranger, practitioner=giver, consent_version="1")
    assert services.book(call, AT_0900, services.Who(client=stranger), origin="client", now=MONDAY)


def test_the_database_refuses_overlapping_time_even_without_the_services(call, giver, practice):
    """The guarantee is the database's: a second holding row over the same minutes is refused,
    whatever code writes it (PostgreSQL: the exclusion constraint; SQLite: the minutes table)."""
    first = services.book(call, AT_0900, visitor(), origin="visitor", now=MONDAY)
    clash = Booking(
        practice=practice,
        appointment_type=call,
        practitioner=giver,
        status=Booking.Status.CONFIRMED,
        start=AT_0900 + timedelta(minutes=15),
        end=AT_0900 + timedelta(minutes=45),
        occupied_start=AT_0900 + timedelta(minutes=15),
        occupied_end=AT_0900 + timedelta(minutes=45),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        clash.save()
        if connection.vendor != "postgresql":
            OccupiedMinute.objects.create(
                practitioner=giver, minute=AT_0900 + timedelta(minutes=15), booking=clash
            )
    assert Booking.objects.holding().get() == first
    # a cancelled booking holds nothing: the same time saved as cancelled is fine
    clash.status = Booking.Status.CANCELLED
    clash.save()
