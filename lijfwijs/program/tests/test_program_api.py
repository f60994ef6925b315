"""The program API through HTTP: the caller's own place in the program and going on."""

import json

import pytest
from django.conf import settings
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from lijfwijs.accounts.models import User
from lijfwijs.accounts.services import withdraw_health_consent
from lijfwijs.program import program, services
from lijfwijs.program.models import ProgramProgress
from lijfwijs.program.tests.program_helpers import (
    client_user,
    practise_days,
    ready_to_go_on,
    signed_in,
)

pytestmark = pytest.mark.django_db

PROGRAM = "/api/v1/program"
ADVANCE = "/api/v1/program/advance"


@pytest.fixture
def api(anna):
    return signed_in(anna)


def post(client: Client, body, **headers):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(ADVANCE, data, content_type="application/json", **headers)


def test_anonymous_callers_get_401(content):
    assert Client().get(PROGRAM).status_code == 401
    assert post(Client(), {"from_step": 1}).status_code == 401


def test_the_first_call_starts_the_program_and_tells_where_one_is(api, anna):
    response = api.get(PROGRAM)
    assert response.status_code == 200
    data = response.json()
    assert ProgramProgress.objects.get(user=anna).current_step == 1
    assert data == {
        **data,
        "started": True,
        "step": 1,
        "name": "Herkenning",
        "goal": program.step(1).goal["nl"],
        "url": "/programma/stap/1/",
        "practice_days": 0,
        "required_days": 5,
        "answered_prompts": 0,
        "prompts": 3,
        "reflection_done": False,
        "override": "",
        "may_advance": False,
    }
    assert set(data["missing"]) == {"days", "reflection"}
    assert data["missing"]["days"] == "Oefen op 5 dagen in deze stap; je hebt nu 0."
    today = data["today"]
    assert today["slug"] in program.step(1).exercises
    assert today["url"] == f"/oefeningen/{today['slug']}/oefenen/" and today["name"]


def test_the_content_comes_in_the_language_of_the_request(api):
    data = api.get(PROGRAM, HTTP_ACCEPT_LANGUAGE="en").json()
    assert data["name"] == "Recognition" and data["goal"] == program.step(1).goal["en"]


def test_progress_shows_in_the_api(api, anna):
    api.get(PROGRAM)
    practise_days(anna, 7)
    data = api.get(PROGRAM).json()
    assert data["practice_days"] == 7 and list(data["missing"]) == ["reflection"]


def test_going_on_once_the_rule_is_met_and_a_repeat_moves_once(api, anna):
    ready_to_go_on(anna)
    first = post(api, {"from_step": 1})
    assert first.status_code == 200
    assert first.json()["step"] == 2 and first.json()["name"] == "Regulatie"
    again = post(api, {"from_step": 1})
    assert again.status_code == 200 and again.json()["step"] == 2
    assert ProgramProgress.objects.get(user=anna).current_step == 2


def test_going_on_too_early_is_409_with_what_is_missing(api, anna):
    api.get(PROGRAM)
    practise_days(anna, 2)
    response = post(api, {"from_step": 1})
    assert response.status_code == 409
    body = response.json()
    assert body["detail"] == "The next step is not open yet."
    assert set(body["errors"]) == {"days", "reflection"}
    ahead = post(api, {"from_step": 4})
    assert ahead.status_code == 409 and ahead.json()["detail"] == "Step 4 is not open yet."
    assert ProgramProgress.objects.get(user=anna).current_step == 1


def test_a_held_step_and_the_last_step(api, anna, content):
    from lijfwijs.accounts.tests.helpers import make_practitioner

    pieter = make_practitioner("pieter-api-programma@example.org")
    ready_to_go_on(anna)
    services.set_override(anna, pieter, program.HOLD)
    held = post(api, {"from_step": 1})
    assert held.status_code == 409 and list(held.json()["errors"]) == ["held"]
    assert api.get(PROGRAM).json()["override"] == "hold"
    ProgramProgress.objects.filter(user=anna).update(current_step=5, override="")
    User.objects.data_changed(anna)  # a write outside the services
    last = post(api, {"from_step": 5})
    assert last.status_code == 409 and list(last.json()["errors"]) == ["last"]


@pytest.mark.parametrize(
    "body",
    [{}, {"from_step": 0}, {"from_step": 6}, {"from_step": "een"}, {"from_step": None}, [], "x"],
)
def test_bad_bodies_are_422_or_400(api, body):
    response = post(api, body)
    assert response.status_code in (400, 422)
    assert "detail" in response.json()


def test_going_on_needs_a_json_body(api, anna):
    ready_to_go_on(anna)
    response = api.post(ADVANCE, {"from_step": "1"})  # a form, not JSON
    assert response.status_code == 415
    assert ProgramProgress.objects.get(user=anna).current_step == 1


def test_writes_need_the_csrf_token(anna):
    browser = signed_in(anna, enforce_csrf_checks=True)
    ready_to_go_on(anna)
    assert post(browser, {"from_step": 1}).status_code == 403
    browser.get("/programma/")  # a page sets the CSRF cookie, as in a browser
    token = browser.cookies[settings.CSRF_COOKIE_NAME].value
    assert browser.get(PROGRAM).status_code == 200  # reading needs no token
    assert post(browser, {"from_step": 1}, HTTP_X_CSRFTOKEN=token).status_code == 200


def test_without_consent_the_program_is_shown_but_not_stored(content):
    noor = client_user("noor-api-programma@example.org", consent=False)
    api = signed_in(noor)
    data = api.get(PROGRAM).json()
    assert data["started"] is False and data["step"] == 1 and data["today"] is None
    assert not ProgramProgress.objects.exists()
    response = post(api, {"from_step": 1})
    assert response.status_code == 403 and "consent" in response.json()["detail"]


def test_withdrawn_consent_erases_the_place_and_stops_going_on(api, anna):
    ready_to_go_on(anna)
    withdraw_health_consent(anna)
    assert post(api, {"from_step": 1}).status_code == 403
    assert api.get(PROGRAM).json()["started"] is False
    assert not ProgramProgress.objects.exists()


def test_practitioners_have_no_place_in_the_program(content):
    from lijfwijs.accounts.tests.helpers import make_practitioner, signed_in_browser

    pieter = make_practitioner("pieter-api-geen@example.org")
    browser = signed_in_browser(pieter)
    assert browser.get(PROGRAM).json()["started"] is False
    assert post(browser, {"from_step": 1}).status_code == 403


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=8,
)


@hypothesis_settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=st.one_of(json_values, st.dictionaries(st.just("from_step"), json_values)))
def test_fuzzed_bodies_never_give_a_server_error(api, anna, body):
    services.ensure_progress(anna)
    response = post(api, body)
    assert response.status_code in (200, 400, 409, 415, 422), response.content
    assert ProgramProgress.objects.get(user=anna).current_step == 1


def test_the_schema_documents_both_endpoints(content):
    schema = Client().get("/api/v1/openapi.json").json()
    assert "get" in schema["paths"][PROGRAM] and "post" in schema["paths"][ADVANCE]
