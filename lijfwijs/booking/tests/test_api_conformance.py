"""The booking API against its OpenAPI schema with schemathesis, with something to book.

lijfwijs/api/tests/test_conformance.py runs every operation on an empty database, where booking
answers 404 for any appointment type or token it makes up. Here a practice offers a call every
day 07:00-21:00 and a visitor's booking exists; the generated requests use their ids (the rest
of each request is generated), so the answers with a body (free times, a booking, a 409 or 422
with alternatives) are checked against the schema too. Never a server error.
"""

from datetime import time, timedelta

import pytest
from django.db import transaction
from hypothesis import given
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import positive_data_acceptance

from lijfwijs.api.tests.test_conformance import (  # noqa: F401 - fixture
    ALL_CHECKS,
    CONFORMANCE,
    OPERATIONS,
    _one_connection_for_the_test,
    caller,  # noqa: F811 - fixture
)
from lijfwijs.booking import services
from lijfwijs.booking.models import AppointmentType, Booking, WeeklyHours

pytestmark = pytest.mark.django_db

BOOKING = [op for op in OPERATIONS if op.path.startswith("/api/v1/booking/")]
# Schema-valid requests refused by rules no schema states: a range of days (from after to, more
# than 62), a time that is not offered, a name or email a visitor must give.
BEYOND_THE_SCHEMA = {
    "GET /api/v1/booking/appointment-types/{type_id}/slots",
    "POST /api/v1/booking/bookings",
    "POST /api/v1/booking/bookings/{token}/reschedule",
}


@pytest.fixture
def offer(db):
    """A practice's call for anyone, given every day 07:00-21:00, and a visitor's booking."""
    from lijfwijs.accounts.tests.helpers import make_practitioner

    giver = make_practitioner("conform@example.org", practice_name="Praktijk Schema")
    kind = AppointmentType.objects.create(
        practice=giver.membership.practice,
        name="Gratis adviesgesprek",
        duration_minutes=30,
        min_notice_hours=1,
        is_free=True,
    )
    kind.practitioners.add(giver)
    for weekday in range(7):
        WeeklyHours.objects.create(
            practice=kind.practice,
            practitioner=giver,
            weekday=weekday,
            start=time(7),
            end=time(21),
        )
    day = services.local_today(kind.practice) + timedelta(days=2)
    start = services.free_slots(kind, day, day)[0].start
    booking = services.book(
        kind,
        start,
        services.Who(name="Vera", email="vera@example.org"),
        origin=Booking.Origin.VISITOR,
    )
    return {
        "type_id": kind.pk,
        "token": booking.token,
        "practitioner": giver.pk,
        "today": services.local_today(kind.practice),
    }


@pytest.mark.parametrize("operation", BOOKING, ids=lambda op: op.label)
@pytest.mark.parametrize("mode", list(GenerationMode), ids=lambda m: m.value)
def test_the_booking_api_conforms_with_something_to_book(caller, offer, operation, mode):  # noqa: F811
    excluded = [positive_data_acceptance] if operation.label in BEYOND_THE_SCHEMA else []
    statuses: set[int] = set()

    @CONFORMANCE
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        for name in ("type_id", "token"):
            if name in (case.path_parameters or {}) and mode == GenerationMode.POSITIVE:
                case.path_parameters[name] = offer[name]
        if case.query and "from" in case.query and mode == GenerationMode.POSITIVE:
            # a week from today: free times to answer (other ranges are mostly refused)
            case.query["from"] = offer["today"].isoformat()
            case.query["to"] = (offer["today"] + timedelta(days=6)).isoformat()
        if isinstance(case.body, dict) and mode == GenerationMode.POSITIVE:
            if "appointment_type" in case.body:
                case.body["appointment_type"] = offer["type_id"]
            if case.body.get("practitioner") is not None:
                case.body["practitioner"] = offer["practitioner"]
        case.cookies = {**(case.cookies or {}), **caller["cookies"]}
        with transaction.atomic():
            try:
                response = case.call_and_validate(
                    headers=caller["headers"], checks=ALL_CHECKS, excluded_checks=excluded
                )
                statuses.add(response.status_code)
            finally:
                transaction.set_rollback(True)

    try:
        run()
    except Unsatisfiable:
        assert mode == GenerationMode.NEGATIVE
        pytest.skip("no schema-violating request exists for this operation")
    if mode == GenerationMode.POSITIVE:
        # what was meant to be reached was reached: an answer with a body of the offer's data
        reached = {
            "GET /api/v1/booking/appointment-types": {200},
            "GET /api/v1/booking/appointment-types/{type_id}/slots": {200},
            "POST /api/v1/booking/bookings": {201, 409, 422},
            "GET /api/v1/booking/bookings/{token}": {200},
            "POST /api/v1/booking/bookings/{token}/cancel": {200},
            "POST /api/v1/booking/bookings/{token}/reschedule": {200, 409, 422},
        }[operation.label]
        assert statuses & reached, (operation.label, statuses)
