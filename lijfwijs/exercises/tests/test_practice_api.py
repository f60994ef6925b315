"""The practice API through HTTP: the caller's own sessions and what calms them."""

import json
import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from lijfwijs.accounts.services import withdraw_health_consent
from lijfwijs.exercises.models import PracticeSession
from lijfwijs.exercises.tests.log_factories import browser, person, practise
from lijfwijs.program.models import ProgramProgress

pytestmark = pytest.mark.django_db

SESSIONS = "/api/v1/practice-sessions"
CALM = "/api/v1/what-calms-me"


@pytest.fixture
def api(anna):
    return browser(anna)


def send(client: Client, method: str, url: str, body=None, **headers):
    data = body if isinstance(body, str | bytes) else json.dumps(body if body is not None else {})
    return client.generic(method, url, data, content_type="application/json", **headers)


def test_create_get_list_delete(api, anna):
    ProgramProgress.objects.create(user=anna, current_step=2)
    started = (timezone.now() - timedelta(minutes=30)).replace(microsecond=0)
    body = {
        "exercise": "schudden",
        "seconds": 120,
        "completed": True,
        "tension_before": 7,
        "tension_after": 4,
        "started_at": started.isoformat(),
        "client_key": "api-1",
    }
    created = send(api, "POST", SESSIONS, body)
    assert created.status_code == 201, created.content
    one = created.json()
    assert one["exercise"] == "schudden" and one["exercise_name"] == "Schudden"
    assert (one["seconds"], one["completed"], one["program_step"]) == (120, True, 2)
    assert (one["tension_before"], one["tension_after"], one["pattern"]) == (7, 4, None)
    assert one["day"] == PracticeSession.objects.get().day.isoformat()
    again = send(api, "POST", SESSIONS, {**body, "seconds": 5})
    assert (again.status_code, again.json()) == (200, one)
    assert PracticeSession.objects.count() == 1

    assert api.get(f"{SESSIONS}/{one['id']}").json() == one
    listed = api.get(SESSIONS).json()
    assert listed == {"count": 1, "limit": 50, "offset": 0, "items": [one]}
    assert "no-store" in api.get(SESSIONS)["Cache-Control"]

    assert api.delete(f"{SESSIONS}/{one['id']}").status_code == 204
    assert api.get(f"{SESSIONS}/{one['id']}").status_code == 404
    assert api.delete(f"{SESSIONS}/{one['id']}").status_code == 404
    assert api.get(SESSIONS).json()["count"] == 0


def test_the_list_is_newest_first_in_pages(api, anna):
    made = [practise(anna, "schudden", ago=timedelta(hours=n + 1)) for n in range(7)]
    newest_first = [str(s.pk) for s in made]
    first = api.get(SESSIONS, {"limit": 3}).json()
    assert first["count"] == 7 and [s["id"] for s in first["items"]] == newest_first[:3]
    rest = api.get(SESSIONS, {"limit": 3, "offset": 3}).json()
    assert [s["id"] for s in rest["items"]] == newest_first[3:6]
    last = api.get(SESSIONS, {"limit": 3, "offset": 6}).json()
    assert [s["id"] for s in last["items"]] == newest_first[6:]
    assert api.get(SESSIONS, {"offset": 100}).json()["items"] == []


@pytest.mark.parametrize(
    "query", [{"limit": 0}, {"limit": 201}, {"offset": -1}, {"limit": "x"}, {"offset": 10**12}]
)
def test_odd_pages_are_422(api, query):
    assert api.get(SESSIONS, query).status_code == 422


def test_list_queries_do_not_grow(api, anna, django_assert_max_num_queries):
    practise(anna, "schudden")
    with CaptureQueriesContext(connection) as few:
        api.get(SESSIONS)
    count = len(few)
    for n in range(30):
        practise(anna, ["schudden", "bodyscan"][n % 2], ago=timedelta(minutes=n + 2))
    with django_assert_max_num_queries(count):
        assert len(api.get(SESSIONS).json()["items"]) == 31


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"seconds": 60}, "exercise"),
        ({"exercise": "bestaat-niet", "seconds": 60}, "exercise"),
        ({"exercise": "schudden"}, "seconds"),
        ({"exercise": "schudden", "seconds": 0}, "seconds"),
        ({"exercise": "schudden", "seconds": "60"}, "seconds"),
        ({"exercise": "schudden", "seconds": 60.5}, "seconds"),
        ({"exercise": "schudden", "seconds": True}, "seconds"),
        ({"exercise": "schudden", "seconds": 60, "completed": 1}, "completed"),
        ({"exercise": "schudden", "seconds": 60, "tension_before": 11}, "tension_before"),
        ({"exercise": "schudden", "seconds": 60, "tension_after": [3]}, "tension_after"),
        ({"exercise": "schudden", "seconds": 60, "pattern": 10**30}, "pattern"),
        ({"exercise": "schudden", "seconds": 60, "client_key": 5}, "client_key"),
        ({"exercise": "schudden", "seconds": 60, "started_at": "2000-01-01T00:00Z"}, "started_at"),
        ({"exercise": ["schudden"], "seconds": 60}, "exercise"),
    ],
)
def test_what_is_wrong_is_said_per_field(api, body, field):
    response = send(api, "POST", SESSIONS, body)
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"] and response.json()["detail"]
    assert PracticeSession.objects.count() == 0


def test_the_messages_are_the_pages_in_the_language_asked_for(api):
    body = {"exercise": "schudden", "seconds": 60, "tension_before": 11}
    dutch = send(api, "POST", SESSIONS, body, HTTP_ACCEPT_LANGUAGE="nl")
    assert dutch.json()["errors"] == {"tension_before": "Kies een getal van 0 tot en met 10."}
    odd = send(api, "POST", SESSIONS, {**body, "tension_before": "x"}, HTTP_ACCEPT_LANGUAGE="en")
    assert odd.json()["errors"]["tension_before"] == "Enter a valid value."  # Django's own


def test_bodies_that_are_not_json_objects(api):
    assert send(api, "POST", SESSIONS, "[1, 2]").status_code == 422
    assert send(api, "POST", SESSIONS, "{not json").status_code == 400
    assert api.post(SESSIONS, {"exercise": "schudden"}).status_code == 415  # a form is not JSON


def test_other_people_get_404_on_every_id(api, anna):
    bram = person("bram-oefen-api@example.org")
    theirs = practise(bram, "schudden", 6, 2)
    assert api.get(f"{SESSIONS}/{theirs.pk}").status_code == 404
    assert api.delete(f"{SESSIONS}/{theirs.pk}").status_code == 404
    assert api.get(f"{SESSIONS}/{uuid.uuid4()}").status_code == 404
    assert api.get(f"{SESSIONS}/not-a-uuid").status_code == 422
    assert api.get(SESSIONS).json()["count"] == 0
    assert PracticeSession.objects.filter(pk=theirs.pk).exists()
    # the same client key is another person's: a new session of one's own
    theirs.client_key = "gedeeld"
    theirs.save()
    mine = send(
        api, "POST", SESSIONS, {"exercise": "schudden", "seconds": 9, "client_key": "gedeeld"}
    )
    assert mine.status_code == 201 and mine.json()["id"] != str(theirs.pk)


def test_anonymous_is_401_everywhere(content):
    anonymous = Client()
    some = uuid.uuid4()
    for method, url in [
        ("GET", SESSIONS),
        ("POST", SESSIONS),
        ("GET", f"{SESSIONS}/{some}"),
        ("DELETE", f"{SESSIONS}/{some}"),
        ("GET", CALM),
    ]:
        response = send(anonymous, method, url, {"exercise": "schudden", "seconds": 60})
        assert response.status_code == 401, (method, url)
        assert response.json() == {"detail": "Not authenticated."}
    assert PracticeSession.objects.count() == 0


def test_writes_need_the_csrf_token(anna):
    client = browser(anna, enforce_csrf_checks=True)
    body = {"exercise": "schudden", "seconds": 60}
    refused = send(client, "POST", SESSIONS, body)
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    assert client.get(SESSIONS).status_code == 200  # reading needs no token
    client.get("/oefeningen/logboek/")  # a page sets the CSRF cookie, as in a browser
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    created = send(client, "POST", SESSIONS, body, HTTP_X_CSRFTOKEN=token)
    assert created.status_code == 201
    url = f"{SESSIONS}/{created.json()['id']}"
    assert client.delete(url).status_code == 403
    assert client.delete(url, HTTP_X_CSRFTOKEN=token).status_code == 204


def test_without_consent_writes_are_403_reads_and_deletes_are_not(content):
    user = person("zonder-oefen-api@example.org", consent=False)
    client = browser(user)
    response = send(client, "POST", SESSIONS, {"exercise": "schudden", "seconds": 60})
    assert response.status_code == 403 and "consent" in response.json()["detail"]
    assert client.get(SESSIONS).json()["count"] == 0
    assert client.get(CALM).status_code == 200
    leftover = practise(user, "schudden")
    assert client.delete(f"{SESSIONS}/{leftover.pk}").status_code == 204  # erasure: always


def test_withdrawn_consent_stops_writes(api, anna):
    body = {"exercise": "schudden", "seconds": 60}
    assert send(api, "POST", SESSIONS, body).status_code == 201
    withdraw_health_consent(anna)
    assert send(api, "POST", SESSIONS, body).status_code == 403
    assert api.get(SESSIONS).json()["count"] == 0  # erased with the withdrawal


def test_what_calms_me_claims_nothing_under_three_sessions(api, anna):
    assert api.get(CALM).json() == {"min_sessions": 3, "exercises": []}
    for before, after in [(7, 3), (6, 3), (8, 4)]:
        practise(anna, "schudden", before, after)
    practise(anna, "bodyscan", 6, 1)
    practise(person("bram-rust@example.org"), "gronden", 9, 0)
    answer = api.get(CALM, HTTP_ACCEPT_LANGUAGE="nl").json()
    assert answer == {
        "min_sessions": 3,
        "exercises": [
            {
                "exercise": "schudden",
                "name": "Schudden",
                "sessions": 3,
                "mean_drop": 3.7,
                "text": "gemiddeld 3,7 punt minder spanning (3 keer)",
            },
            {
                "exercise": "bodyscan",
                "name": "Bodyscan",
                "sessions": 1,
                "mean_drop": None,
                "text": "nog te weinig keren om iets te zeggen (1 keer)",
            },
        ],
    }
    # a new session through the API is in it at once
    body = {"exercise": "bodyscan", "seconds": 60, "tension_before": 5, "tension_after": 3}
    send(api, "POST", SESSIONS, body)
    send(api, "POST", SESSIONS, body)
    found = [
        (c["exercise"], c["sessions"], c["mean_drop"]) for c in api.get(CALM).json()["exercises"]
    ]
    assert found == [("schudden", 3, 3.7), ("bodyscan", 3, 3.0)]  # (5 + 2 + 2) / 3


def test_english_names_come_from_the_catalog(api, anna):
    practise(anna, "schudden", 7, 3)
    answer = api.get(CALM, HTTP_ACCEPT_LANGUAGE="en").json()
    assert answer["exercises"][0]["name"] == "Shaking it out"
    one = api.get(SESSIONS, HTTP_ACCEPT_LANGUAGE="en").json()["items"][0]
    assert one["exercise_name"] == "Shaking it out"


def test_the_routes_are_in_the_openapi_schema(api):
    schema = api.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    assert set(paths[SESSIONS]) == {"get", "post"}
    assert set(paths[SESSIONS + "/{session_id}"]) == {"get", "delete"}
    assert set(paths[CALM]) == {"get"}
    body = paths[SESSIONS]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert {"exercise", "seconds", "tension_before", "client_key", "started_at"} <= set(
        body["properties"]
    )
    assert {"PracticeSessionOut", "PracticeSessionPage", "WhatCalmsMeOut"} <= set(
        schema["components"]["schemas"]
    )


SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
    | st.sampled_from(["schudden", "bodyscan", "2026-01-01T10:00:00+01:00", "a\x00b"])
)
VALUES = SCALARS | st.lists(SCALARS, max_size=3) | st.dictionaries(st.text(max_size=8), SCALARS)
FIELDS = st.sampled_from(
    [
        "exercise",
        "pattern",
        "seconds",
        "completed",
        "tension_before",
        "tension_after",
        "started_at",
        "client_key",
    ]
)


@hypothesis_settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.dictionaries(FIELDS | st.text(max_size=10), VALUES, max_size=9))
def test_fuzzed_sessions_never_give_a_server_error(api, body):
    PracticeSession.objects.all().delete()  # each example starts from an empty log
    response = send(api, "POST", SESSIONS, json.dumps(body))
    assert response.status_code in (200, 201, 422), response.content
    assert response.json()


@hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    limit=st.text(max_size=12) | st.integers().map(str),
    offset=st.text(max_size=12) | st.integers().map(str),
)
def test_fuzzed_pages_never_give_a_server_error(api, limit, offset):
    response = api.get(SESSIONS, {"limit": limit, "offset": offset})
    assert response.status_code in (200, 422), response.content
