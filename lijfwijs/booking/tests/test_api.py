"""The booking API (/api/v1/booking/): what it offers, free times, booking as a visitor and as a
client, a booking by its token, cancel and reschedule, and every refusal with its status.

The clock stands at Monday 7 December 2026 08:00 in Amsterdam (`frozen`); the first free time of
the practice's advice call is Tuesday 09:00 (08:00 UTC).
"""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

import lijfwijs.urls  # noqa: F401 - the API's schemas made with the real datetime, before freezegun
from lijfwijs.booking import notifications, services
from lijfwijs.booking.models import AppointmentType, AvailabilityException, Booking
from lijfwijs.booking.tests.conftest import TUESDAY, book_for, free_start

pytestmark = pytest.mark.django_db

BASE = "/api/v1/booking"
TUESDAY_0900 = "2026-12-08T09:00:00+01:00"
TUESDAY_0900_UTC = datetime(2026, 12, 8, 8, 0, tzinfo=UTC)


def post(browser: Client, path: str, body: dict | None = None, **headers: str):
    if body is None:
        return browser.post(BASE + path, **headers)
    return browser.post(BASE + path, body, content_type="application/json", **headers)


def visitor_body(kind: AppointmentType, **changes) -> dict:
    return {
        "appointment_type": kind.pk,
        "start": TUESDAY_0900,
        "name": "Vera Bezoeker",
        "email": "vera@example.org",
        "phone": "06 12345678",
        "question": "Mijn onderrug zeurt na het fietsen.",
        **changes,
    }


def visitor_booking(appointment_type, start, *, practitioner=None, email="vera@example.org"):
    return services.book(
        appointment_type,
        start,
        services.Who(name="Vera Bezoeker", email=email),
        origin=Booking.Origin.VISITOR,
        practitioner=practitioner,
    )


@pytest.fixture
def events(monkeypatch):
    """The events services report to notifications (the emails are the mail work's tests)."""
    seen: list[tuple[int, str]] = []
    real = notifications.booking_event

    def spy(booking, event):
        seen.append((booking.pk, event))
        real(booking, event)

    monkeypatch.setattr(notifications, "booking_event", spy)
    return seen


# --- what a practice offers --------------------------------------------------------------------


def test_a_visitor_sees_the_types_for_anyone_with_who_gives_them(
    frozen, advice_type, session_type, rita_type
):
    answer = Client().get(f"{BASE}/appointment-types")
    assert answer.status_code == 200
    types = {t["name"]: t for t in answer.json()}
    assert set(types) == {"Gratis adviesgesprek", "Intake Elders"}  # not the clients' session
    advice = types["Gratis adviesgesprek"]
    assert advice["practice"]["name"] == "Fysio De Brug"
    assert advice["practice"]["time_zone"] == "Europe/Amsterdam"
    assert advice["duration_minutes"] == 30
    assert advice["is_free"] is True
    assert advice["location"] == "video"
    assert [p["name"] for p in advice["practitioners"]] == ["Lotte", "Pieter"]
    # no practitioner's email address is ever shown
    assert "pieter@example.org" not in answer.content.decode()


def test_a_client_of_the_practice_also_sees_its_types_for_clients(
    frozen, advice_type, session_type, anna_client, anna_browser, bram_browser
):
    mine = anna_browser.get(f"{BASE}/appointment-types").json()
    assert [t["name"] for t in mine] == ["Gratis adviesgesprek", "Behandeling"]
    behandeling = mine[1]
    assert behandeling["audience"] == "clients"
    assert behandeling["price_text"] == "€ 65"
    assert [p["name"] for p in behandeling["practitioners"]] == ["Pieter"]
    # Bram is nobody's client
    assert [t["name"] for t in bram_browser.get(f"{BASE}/appointment-types").json()] == [
        "Gratis adviesgesprek"
    ]


def test_types_of_one_practice(frozen, advice_type, rita_type):
    answer = Client().get(f"{BASE}/appointment-types?practice={rita_type.practice_id}")
    assert [t["name"] for t in answer.json()] == ["Intake Elders"]
    advice_type.is_active = False
    advice_type.save()
    practice = advice_type.practice_id
    assert Client().get(f"{BASE}/appointment-types?practice={practice}").json() == []


# --- free times --------------------------------------------------------------------------------


def test_free_times_of_a_week_in_the_practices_time_zone(frozen, advice_type):
    answer = Client().get(
        f"{BASE}/appointment-types/{advice_type.pk}/slots?from=2026-12-07&to=2026-12-13"
    )
    assert answer.status_code == 200
    data = answer.json()
    assert data["time_zone"] == "Europe/Amsterdam"
    assert (data["first_day"], data["last_day"]) == ("2026-12-07", "2026-12-13")
    first = data["slots"][0]
    # Monday is too soon (12 hours' notice): Tuesday 09:00, in Amsterdam time with its offset
    assert first["start"] == TUESDAY_0900
    assert first["end"] == "2026-12-08T09:30:00+01:00"
    names = {p["id"]: p["name"] for p in data["practitioners"]}
    assert {names[p] for p in first["practitioners"]} == {"Lotte", "Pieter"}  # both free
    assert len({s["start"] for s in data["slots"]}) == len(data["slots"])  # each time once
    days = {s["start"][:10] for s in data["slots"]}
    assert days == {"2026-12-08", "2026-12-09", "2026-12-10", "2026-12-11"}  # no weekend
    assert {p["name"] for p in data["practitioners"]} == {"Lotte", "Pieter"}


def test_free_times_leave_out_a_booked_time_and_a_holiday(frozen, advice_type, pieter, lotte):
    AvailabilityException.objects.create(
        practice=advice_type.practice,
        practitioner=pieter,
        first_day=TUESDAY,
        last_day=TUESDAY,
        note="Vrij",
    )
    visitor_booking(advice_type, TUESDAY_0900_UTC, practitioner=lotte)
    url = f"{BASE}/appointment-types/{advice_type.pk}/slots?from=2026-12-08&to=2026-12-08"
    slots = Client().get(url).json()["slots"]
    assert {p for s in slots for p in s["practitioners"]} == {lotte.pk}  # Pieter is off
    assert slots[0]["start"] == "2026-12-08T09:30:00+01:00"  # 09:00 is booked
    only_pieter = Client().get(f"{url}&practitioner={pieter.pk}").json()
    assert only_pieter["slots"] == []
    assert [p["name"] for p in only_pieter["practitioners"]] == ["Pieter"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=2026-12-10&to=2026-12-08", "from"),  # from after to
        ("from=2026-12-01&to=2027-02-01", "to"),  # 63 days
        ("from=2026-12-32&to=2027-01-02", "from"),  # not a date
        ("from=08-12-2026&to=2026-12-09", "from"),  # not of the documented form
        ("from=2026-12-08&to=2026-12-09&days=3", "days"),  # a parameter it does not take
        ("from=2026-12-08", "to"),  # missing
        ("from=2026-12-08&to=2026-12-09&practitioner=abc", "practitioner"),
    ],
)
def test_free_times_query_is_read_strictly(frozen, advice_type, query, field):
    answer = Client().get(f"{BASE}/appointment-types/{advice_type.pk}/slots?{query}")
    assert answer.status_code == 422, answer.content
    assert field in answer.json()["errors"]


def test_free_times_of_62_days_are_allowed(frozen, advice_type):
    url = f"{BASE}/appointment-types/{advice_type.pk}/slots?from=2026-12-01&to=2027-01-31"
    assert Client().get(url).status_code == 200


def test_free_times_of_someone_who_does_not_give_the_type_are_a_422(frozen, advice_type, rita):
    url = f"{BASE}/appointment-types/{advice_type.pk}/slots?from=2026-12-08&to=2026-12-08"
    answer = Client().get(f"{url}&practitioner={rita.pk}")
    assert answer.status_code == 422
    assert "practitioner" in answer.json()["errors"]


def test_free_times_far_in_the_past_or_future_are_empty_not_an_error(frozen, advice_type):
    for query in ("from=0001-01-01&to=0001-01-31", "from=9999-12-01&to=9999-12-31"):
        answer = Client().get(f"{BASE}/appointment-types/{advice_type.pk}/slots?{query}")
        assert answer.status_code == 200
        assert answer.json()["slots"] == []


def test_free_times_of_a_clients_only_type_are_for_its_clients(
    frozen, session_type, anna_client, anna_browser, bram_browser
):
    url = f"{BASE}/appointment-types/{session_type.pk}/slots?from=2026-12-08&to=2026-12-08"
    refused = Client().get(url)
    assert refused.status_code == 403
    assert "cliënten" in refused.json()["detail"]
    assert bram_browser.get(url).status_code == 403
    assert anna_browser.get(url).json()["slots"][0]["start"] == TUESDAY_0900


def test_an_unknown_or_inactive_type_is_a_404(frozen, advice_type):
    query = "slots?from=2026-12-08&to=2026-12-08"
    assert Client().get(f"{BASE}/appointment-types/999999/{query}").status_code == 404
    advice_type.is_active = False
    advice_type.save()
    assert Client().get(f"{BASE}/appointment-types/{advice_type.pk}/{query}").status_code == 404


# --- booking as a visitor and as a client ------------------------------------------------------


def test_a_visitor_books_and_the_booking_is_held_until_the_email_is_confirmed(
    frozen, advice_type, events
):
    answer = post(Client(), "/bookings", visitor_body(advice_type))
    assert answer.status_code == 201, answer.content
    data = answer.json()
    assert data["status"] == "held"
    assert data["start"] == TUESDAY_0900
    assert data["name"] == "Vera Bezoeker"
    assert data["email"] == "vera@example.org"
    assert data["question"] == "Mijn onderrug zeurt na het fietsen."
    assert data["hold_expires_at"].startswith("2026-12-07T07:30:00")  # 30 minutes
    assert data["can_change"] is True
    assert data["video_link"] == ""  # not before it is confirmed
    booking = Booking.objects.get()
    assert booking.token == data["token"]
    assert booking.status == Booking.Status.HELD
    assert booking.origin == Booking.Origin.API
    assert booking.client is None
    assert booking.phone == "06 12345678"
    assert events == [(booking.pk, "held")]  # the email asking to confirm goes out


def test_a_signed_in_client_books_confirmed_at_once(
    frozen, session_type, anna_client, anna_browser, events
):
    body = {"appointment_type": session_type.pk, "start": TUESDAY_0900, "question": "Vervolg"}
    answer = post(anna_browser, "/bookings", body)
    assert answer.status_code == 201, answer.content
    data = answer.json()
    assert data["status"] == "confirmed"
    assert data["name"] == "Anna"
    assert data["email"] == "anna@example.org"
    assert data["appointment_type"]["price_text"] == "€ 65"
    assert data["end"] == "2026-12-08T09:45:00+01:00"
    booking = Booking.objects.get()
    assert (booking.client, booking.status) == (anna_client, Booking.Status.CONFIRMED)
    assert events == [(booking.pk, "confirmed")]


def test_a_visitor_may_not_book_a_type_for_clients(frozen, session_type, bram_browser):
    body = {**visitor_body(session_type)}
    answer = post(Client(), "/bookings", body)
    assert answer.status_code == 403
    assert "cliënten" in answer.json()["detail"]
    assert post(bram_browser, "/bookings", body).status_code == 403
    assert not Booking.objects.exists()


def test_a_taken_time_is_a_409_with_the_nearest_free_times(frozen, advice_type, pieter, lotte):
    for email in ("een@example.org", "twee@example.org"):  # both practitioners at 09:00
        book_for(advice_type, TUESDAY_0900_UTC, email=email)
    answer = post(Client(), "/bookings", visitor_body(advice_type))
    assert answer.status_code == 409
    data = answer.json()
    assert "net door iemand anders geboekt" in data["detail"]
    assert data["alternatives"], "nearest free times"
    nearest = data["alternatives"][0]
    assert nearest["start"] == "2026-12-08T09:30:00+01:00"
    assert nearest["practitioner"] in {pieter.pk, lotte.pk}
    assert nearest["practitioner_name"] in {"Pieter", "Lotte"}
    assert Booking.objects.count() == 2


def test_a_time_not_offered_is_a_422_with_a_reason_and_alternatives(frozen, advice_type):
    cases = {
        "2026-12-07T09:00:00+01:00": "te kort dag",  # within the 12 hours' notice
        "2026-12-06T09:00:00+01:00": "al voorbij",
        "2026-12-08T07:00:00+01:00": "geen afspraak mogelijk",  # before the hours
        "2027-06-01T09:00:00+02:00": "Zo ver vooruit",  # past the 60 days
    }
    for start, reason in cases.items():
        answer = post(Client(), "/bookings", visitor_body(advice_type, start=start))
        assert answer.status_code == 422, (start, answer.content)
        assert reason in answer.json()["detail"], start
    near = post(Client(), "/bookings", visitor_body(advice_type, start="2026-12-08T07:00:00+01:00"))
    assert near.json()["alternatives"][0]["start"] == TUESDAY_0900
    assert not Booking.objects.exists()


@pytest.mark.parametrize(
    ("start", "reason"),
    [
        ("0001-01-01T00:30:00+01:00", "al voorbij"),
        ("1999-12-31T23:59:59-12:00", "al voorbij"),
        ("9999-12-31T23:30:00-05:00", "Zo ver vooruit"),
        ("2100-01-01T09:00:00+01:00", "Zo ver vooruit"),
    ],
)
def test_a_start_far_beyond_reach_is_a_422_not_an_error(frozen, advice_type, start, reason):
    answer = post(Client(), "/bookings", visitor_body(advice_type, start=start))
    assert answer.status_code == 422, answer.content
    assert reason in answer.json()["detail"]
    assert answer.json()["alternatives"][0]["start"] == TUESDAY_0900  # the first free time
    token = book_for(advice_type, TUESDAY_0900_UTC).token
    moved = post(Client(), f"/bookings/{token}/reschedule", {"start": start})
    assert moved.status_code == 422, moved.content
    assert reason in moved.json()["detail"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "  "}, "name"),
        ({"email": "geen adres"}, "email"),
        ({"email": ""}, "email"),
        ({"start": "2026-12-08T09:00:00"}, "start"),  # no offset
        ({"start": "morgen"}, "start"),
        ({"appointment_type": "een"}, "appointment_type"),
        ({"question": "x" * 2001}, "question"),
        ({"practitioner": 10**19}, "practitioner"),
    ],
)
def test_a_visitors_booking_with_a_bad_field_is_a_422_naming_it(
    frozen, advice_type, changes, field
):
    answer = post(Client(), "/bookings", visitor_body(advice_type, **changes))
    assert answer.status_code == 422, answer.content
    assert field in answer.json()["errors"]
    assert not Booking.objects.exists()


def test_a_practitioner_who_does_not_give_the_type_is_a_422(frozen, advice_type, rita):
    answer = post(Client(), "/bookings", visitor_body(advice_type, practitioner=rita.pk))
    assert answer.status_code == 422
    assert "practitioner" in answer.json()["errors"]


def test_booking_with_the_practitioner_asked_for(frozen, advice_type, lotte):
    answer = post(Client(), "/bookings", visitor_body(advice_type, practitioner=lotte.pk))
    assert answer.status_code == 201
    assert answer.json()["practitioner"] == {"id": lotte.pk, "name": "Lotte"}


def test_an_unknown_type_is_a_404(frozen, advice_type):
    answer = post(Client(), "/bookings", visitor_body(advice_type, appointment_type=999999))
    assert answer.status_code == 404


def test_the_body_must_be_json(frozen, advice_type):
    browser = Client()
    form = browser.post(f"{BASE}/bookings", visitor_body(advice_type))  # a form post
    assert form.status_code == 415
    broken = browser.post(f"{BASE}/bookings", "{", content_type="application/json")
    assert broken.status_code == 400
    a_list = browser.post(f"{BASE}/bookings", [1], content_type="application/json")
    assert a_list.status_code == 422


def test_a_signed_in_callers_booking_needs_the_csrf_token(frozen, advice_type, anna):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(anna, backend="lijfwijs.accounts.backends.UserBackend")
    body = {"appointment_type": advice_type.pk, "start": TUESDAY_0900}
    assert post(browser, "/bookings", body).status_code == 403
    browser.cookies["csrftoken"] = "c" * 32
    answer = post(browser, "/bookings", body, HTTP_X_CSRFTOKEN="c" * 32)
    assert answer.status_code == 201, answer.content


def test_visitors_attempts_are_rate_limited_per_address_and_per_email(
    frozen, advice_type, settings
):
    settings.BOOKING_RATE_LIMIT = 3
    settings.BOOKING_EMAIL_RATE_LIMIT = 2
    browser = Client()
    far = "2026-12-06T09:00:00+01:00"  # refused (past), but an attempt all the same
    statuses = [
        post(
            browser, "/bookings", visitor_body(advice_type, start=far, email=f"{n}@example.org")
        ).status_code
        for n in range(4)
    ]
    assert statuses == [422, 422, 422, 429]
    other = Client(REMOTE_ADDR="192.0.2.7")
    statuses = [
        post(other, "/bookings", visitor_body(advice_type, start=far)).status_code for _ in range(3)
    ]
    assert statuses == [422, 422, 429]  # the email address's limit


def test_a_retry_is_answered_past_the_rate_limit(frozen, advice_type, settings):
    settings.BOOKING_RATE_LIMIT = 1
    browser = Client()
    key = {"HTTP_IDEMPOTENCY_KEY": "een-keer"}
    first = post(browser, "/bookings", visitor_body(advice_type), **key)
    assert first.status_code == 201
    again = post(browser, "/bookings", visitor_body(advice_type), **key)
    assert (again.status_code, again.json()["token"]) == (200, first.json()["token"])
    other = post(browser, "/bookings", visitor_body(advice_type, email="nieuw@example.org"))
    assert other.status_code == 429


# --- idempotency -------------------------------------------------------------------------------


def test_a_retry_with_the_same_idempotency_key_books_once(frozen, advice_type, events):
    browser = Client()
    key = {"HTTP_IDEMPOTENCY_KEY": "boeking-1"}
    first = post(browser, "/bookings", visitor_body(advice_type), **key)
    assert first.status_code == 201
    again = post(browser, "/bookings", visitor_body(advice_type), **key)
    assert again.status_code == 200
    assert again.json()["token"] == first.json()["token"]
    assert Booking.objects.count() == 1
    assert len(events) == 1  # one email
    # another key of the same caller is another booking (the next free time here)
    other = post(
        browser,
        "/bookings",
        visitor_body(advice_type, start="2026-12-08T09:30:00+01:00"),
        HTTP_IDEMPOTENCY_KEY="boeking-2",
    )
    assert other.status_code == 201
    assert Booking.objects.count() == 2


def test_an_idempotency_key_is_the_callers_own(frozen, advice_type, anna, anna_browser):
    key = {"HTTP_IDEMPOTENCY_KEY": "zelfde-sleutel"}
    mine = post(Client(), "/bookings", visitor_body(advice_type), **key)
    assert mine.status_code == 201
    # another visitor (another session) with the same key books their own
    theirs = post(
        Client(), "/bookings", visitor_body(advice_type, email="ander@example.org"), **key
    )
    assert theirs.status_code == 201
    assert theirs.json()["token"] != mine.json()["token"]
    # and a signed-in client too
    body = {"appointment_type": advice_type.pk, "start": "2026-12-08T09:30:00+01:00"}
    hers = post(anna_browser, "/bookings", body, **key)
    assert hers.status_code == 201
    assert post(anna_browser, "/bookings", body, **key).json()["token"] == hers.json()["token"]
    assert Booking.objects.count() == 3


def test_a_malformed_idempotency_key_is_a_422(frozen, advice_type):
    answer = post(Client(), "/bookings", visitor_body(advice_type), HTTP_IDEMPOTENCY_KEY="a b")
    assert answer.status_code == 422
    assert not Booking.objects.exists()


# --- a booking by its token --------------------------------------------------------------------


def test_a_visitors_booking_by_its_token(frozen, advice_type):
    token = post(Client(), "/bookings", visitor_body(advice_type)).json()["token"]
    answer = Client().get(f"{BASE}/bookings/{token}")  # another device, the link in the email
    assert answer.status_code == 200
    data = answer.json()
    assert data["status"] == "held"
    assert data["question"] == "Mijn onderrug zeurt na het fietsen."
    assert set(data) == {
        "token",
        "status",
        "status_label",
        "start",
        "end",
        "time_zone",
        "appointment_type",
        "practitioner",
        "practice",
        "name",
        "email",
        "phone",
        "question",
        "hold_expires_at",
        "can_change",
        "change_until",
        "video_link",
        "created_at",
    }
    assert data["change_until"] == "2026-12-07T09:00:00+01:00"  # 24 hours before


def test_a_clients_booking_is_for_that_client_only(
    frozen, advice_type, anna, anna_browser, bram_browser, pieter_browser
):
    booking = book_for(advice_type, TUESDAY_0900_UTC, client=anna)
    url = f"{BASE}/bookings/{booking.token}"
    assert anna_browser.get(url).status_code == 200
    for other in (Client(), bram_browser, pieter_browser):
        assert other.get(url).status_code == 404
        assert post(other, f"/bookings/{booking.token}/cancel").status_code == 404
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_a_made_up_token_or_blocked_time_is_a_404(frozen, advice_type, pieter):
    block = services.block_time(
        pieter, TUESDAY_0900_UTC, TUESDAY_0900_UTC + timedelta(hours=1), note="Overleg"
    )
    for token in ("x" * 32, block.token, "%00" * 20, "kort"):
        assert Client().get(f"{BASE}/bookings/{token}").status_code == 404, token


def test_cancel_by_token(frozen, advice_type, events):
    token = post(Client(), "/bookings", visitor_body(advice_type)).json()["token"]
    answer = post(Client(), f"/bookings/{token}/cancel")
    assert answer.status_code == 200
    assert answer.json()["status"] == "cancelled"
    assert answer.json()["can_change"] is False
    again = post(Client(), f"/bookings/{token}/cancel")  # a double click
    assert again.status_code == 200
    assert [e for _pk, e in events] == ["held", "cancelled"]
    # the time is free again
    assert TUESDAY_0900 in {
        s["start"]
        for s in Client()
        .get(f"{BASE}/appointment-types/{advice_type.pk}/slots?from=2026-12-08&to=2026-12-08")
        .json()["slots"]
    }


def test_cancel_after_the_practices_limit_is_a_403(frozen, advice_type):
    booking = book_for(advice_type, TUESDAY_0900_UTC)
    frozen.move_to(TUESDAY_0900_UTC - timedelta(hours=23))  # the limit is 24 hours
    answer = post(Client(), f"/bookings/{booking.token}/cancel")
    assert answer.status_code == 403
    assert "contact op met de praktijk" in answer.json()["detail"]
    booking.refresh_from_db()
    assert booking.status == Booking.Status.HELD


def test_reschedule_by_token(frozen, advice_type, events):
    created = post(Client(), "/bookings", visitor_body(advice_type)).json()
    booking = Booking.objects.get()
    later = "2026-12-09T14:00:00+01:00"
    answer = post(Client(), f"/bookings/{created['token']}/reschedule", {"start": later})
    assert answer.status_code == 200, answer.content
    assert answer.json()["start"] == later
    assert answer.json()["token"] == created["token"]
    moved = Booking.objects.get()
    assert (moved.pk, moved.uid) == (booking.pk, booking.uid)  # the same booking
    assert moved.sequence == booking.sequence + 1
    assert [e for _pk, e in events] == ["held", "rescheduled"]


def test_reschedule_to_a_taken_or_impossible_time(frozen, advice_type, pieter, lotte):
    mine = visitor_booking(advice_type, TUESDAY_0900_UTC, practitioner=pieter)
    taken = free_start(advice_type, TUESDAY, practitioner=pieter) + timedelta(minutes=30)
    visitor_booking(advice_type, taken, practitioner=pieter, email="ander@example.org")
    url = f"/bookings/{mine.token}/reschedule"
    at = taken.astimezone(UTC).isoformat()
    answer = post(Client(), url, {"start": at})
    assert answer.status_code == 409
    assert answer.json()["alternatives"]
    night = post(Client(), url, {"start": "2026-12-09T03:00:00+01:00"})
    assert night.status_code == 422
    assert night.json()["alternatives"]
    assert post(Client(), url, {"start": "2026-12-09T10:00"}).status_code == 422
    assert post(Client(), url, {"start": at, "practitioner": 10**6}).status_code == 422
    # to the other practitioner at the same time is fine
    moved = post(Client(), url, {"start": at, "practitioner": lotte.pk})
    assert moved.status_code == 200, moved.content
    assert moved.json()["practitioner"]["name"] == "Lotte"
    mine.refresh_from_db()
    assert (mine.start, mine.practitioner_id) == (taken, lotte.pk)


def test_an_unknown_query_parameter_on_a_booking_is_a_422(frozen, advice_type):
    token = post(Client(), "/bookings", visitor_body(advice_type)).json()["token"]
    assert Client().get(f"{BASE}/bookings/{token}?debug=1").status_code == 422


def test_messages_follow_the_request_language(frozen, advice_type):
    answer = post(
        Client(),
        "/bookings",
        visitor_body(advice_type, start="2026-12-06T09:00:00+01:00"),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert answer.status_code == 422
    assert answer.json()["detail"]  # English once the .po has it; never empty


def test_every_status_is_in_the_schema():
    from lijfwijs.api.api import api

    schema = json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1/")))
    paths = schema["paths"]
    expected = {
        ("/api/v1/booking/appointment-types", "get"): {"200", "422"},
        ("/api/v1/booking/appointment-types/{type_id}/slots", "get"): {
            "200",
            "403",
            "404",
            "422",
        },
        ("/api/v1/booking/bookings", "post"): {
            "200",
            "201",
            "400",
            "403",
            "404",
            "409",
            "413",
            "415",
            "422",
            "429",
        },
        ("/api/v1/booking/bookings/{token}", "get"): {"200", "404", "422"},
        ("/api/v1/booking/bookings/{token}/cancel", "post"): {"200", "403", "404", "422"},
        ("/api/v1/booking/bookings/{token}/reschedule", "post"): {
            "200",
            "400",
            "403",
            "404",
            "409",
            "413",
            "415",
            "422",
        },
    }
    for (path, method), statuses in expected.items():
        assert {str(s) for s in paths[path][method]["responses"]} == statuses, path
    conflict = paths["/api/v1/booking/bookings"]["post"]["responses"]["409"]
    ref = conflict["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert "alternatives" in schema["components"]["schemas"][ref]["properties"]
