"""The API: the events, one event, signing up (201 confirmed / 201 waiting / 200 again / 409 / 422)."""

import json

import pytest
from django.test import Client

from lijfwijs.outreach.events.models import Event

from .conftest import make_event

pytestmark = pytest.mark.django_db

API = "/api/v1/events/events"


def post(path, body, **extra):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return Client().post(path, data, content_type="application/json", **extra)


def test_list_and_one_event(event, practice):
    make_event(practice, title="Nog een concept", publish=False)
    listed = Client().get(API)
    assert listed.status_code == 200
    [found] = listed.json()
    assert found["id"] == event.pk and found["free_places"] == 3 and found["open"] is True
    assert (
        found["start"] == "2026-12-14T19:30:00+01:00" and found["time_zone"] == "Europe/Amsterdam"
    )
    assert Client().get(f"{API}/{event.pk}").json()["title"] == "Masterclass rugpijn"
    assert Client().get(f"{API}/0").status_code == 404
    assert Client().get(f"{API}/99999999999999999999").status_code in (404, 422)


def test_sign_up_confirmed_waiting_and_again(event):
    Event.objects.filter(pk=event.pk).update(capacity=1)
    first = post(f"{API}/{event.pk}/signups", {"name": "Vera", "email": "vera@example.org"})
    assert first.status_code == 201 and first.json()["status"] == "confirmed"
    second = post(f"{API}/{event.pk}/signups", {"name": "Wim", "email": "wim@example.org"})
    assert second.status_code == 201 and second.json()["status"] == "waiting"
    assert "wachtlijst" in second.json()["detail"]
    again = post(f"{API}/{event.pk}/signups", {"name": "Vera", "email": "Vera@Example.org"})
    assert again.status_code == 200 and again.json()["status"] == "confirmed"
    assert "token" not in json.dumps(again.json())


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"name": "", "email": "vera@example.org"}, 422, "name"),
        ({"name": "Vera", "email": "geen adres"}, 422, "email"),
        ({"name": "Vera"}, 422, ""),
        ({"name": "V" * 500, "email": "vera@example.org"}, 422, ""),
        ({"name": 12, "email": ["x"]}, 422, ""),
        ("[1, 2]", 422, ""),
        ("{niet json", 400, ""),
        ('{"name": "\\ud800", "email": "vera@example.org"}', 422, "name"),
        ('{"name": "Vera", "email": "nul\\u0000@example.org"}', 422, "email"),
    ],
)
def test_bad_sign_ups_are_refused_with_a_message(event, body, status, field):
    answer = post(f"{API}/{event.pk}/signups", body)
    assert answer.status_code == status, answer.content
    if field:
        assert answer.json()["errors"][field]
    assert not event.signups.exists()


def test_closed_is_409_and_a_form_body_is_415(event):
    assert Client().post(f"{API}/{event.pk}/signups", {"name": "x"}).status_code == 415
    Event.objects.filter(pk=event.pk).update(status=Event.Status.CANCELLED)
    answer = post(f"{API}/{event.pk}/signups", {"name": "Vera", "email": "vera@example.org"})
    assert answer.status_code == 409 and "gaat niet door" in answer.json()["detail"]


def test_too_many_sign_ups_from_one_address(event, settings):
    settings.EVENTS_SIGNUP_RATE_LIMIT = 2
    codes = [
        post(f"{API}/{event.pk}/signups", {"name": "V", "email": f"v{n}@example.org"}).status_code
        for n in range(3)
    ]
    assert codes == [201, 201, 429]
