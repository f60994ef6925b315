"""Own breathing patterns through the API: the caller's own only, validated like the page."""

import json

import pytest
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from lijfwijs.accounts.models import User
from lijfwijs.exercises import content
from lijfwijs.exercises.models import BreathingPattern
from lijfwijs.exercises.tests.log_factories import browser, person

pytestmark = pytest.mark.django_db

URL = "/api/v1/breathing-patterns"
BODY = {"name": "Rustig", "base": "rustig-ademen", "inhale": 5.5, "exhale": 5.5, "cycles": 30}


@pytest.fixture
def catalog(db):
    content.load()


def signed_in(email: str, **kwargs) -> tuple[User, Client]:
    user = person(email, consent=False)  # a rhythm is not health data
    return user, browser(user, **kwargs)


@pytest.fixture
def anna(catalog):
    return signed_in("anna-api-ritme@example.org")


def send(client: Client, method: str, url: str, body=None, **headers):
    data = body if isinstance(body, str | bytes) else json.dumps(body if body is not None else {})
    return client.generic(method, url, data, content_type="application/json", **headers)


def test_create_read_update_delete(anna):
    user, api = anna
    response = send(api, "POST", URL, BODY)
    assert response.status_code == 201, response.content
    made = response.json()
    assert made["name"] == "Rustig" and made["base"] == "rustig-ademen"
    assert (made["inhale"], made["hold_in"], made["exhale"], made["hold_out"]) == (5.5, 0, 5.5, 0)
    assert made["phases"] == [
        {"phase": "inhale", "seconds": 5.5},
        {"phase": "exhale", "seconds": 5.5},
    ]
    assert made["seconds"] == 330.0
    assert made["play_url"] == f"/oefeningen/mijn-ritmes/{made['id']}/oefenen/"
    assert api.get(URL).json() == [made]
    assert api.get(f"{URL}/{made['id']}").json() == made

    changed = BODY | {"hold_in": 2, "cycles": 5, "name": "Rustig met pauze"}
    response = send(api, "PUT", f"{URL}/{made['id']}", changed)
    assert response.status_code == 200, response.content
    assert response.json()["phases"][1] == {"phase": "hold", "seconds": 2.0}
    pattern = BreathingPattern.objects.get(pk=made["id"])
    assert (pattern.name, pattern.cycles) == ("Rustig met pauze", 5)

    assert send(api, "DELETE", f"{URL}/{made['id']}").status_code == 204
    assert not BreathingPattern.objects.filter(user=user).exists()
    assert api.get(f"{URL}/{made['id']}").status_code == 404


def test_refusals_carry_the_pages_messages_per_field(anna):
    _, api = anna
    body = BODY | {"hold_in": 12, "inhale": 4.25, "cycles": 0, "name": 7, "base": "schudden"}
    response = send(api, "POST", URL, body)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert "Houd je adem hooguit 7 seconden vast" in errors["hold_in"]
    assert errors["inhale"] == "Kies hele of halve seconden, zoals 4 of 5,5."
    assert errors["cycles"] == "Kies 1 tot en met 60 rondes."
    assert errors["base"] == "Kies een van de ademhalingsoefeningen."
    assert "name" in errors
    long = BODY | {"inhale": 10, "exhale": 15, "cycles": 60}
    errors = send(api, "POST", URL, long).json()["errors"]
    assert "Oefen hooguit 20 minuten achter elkaar: kies hooguit 48 rondes." in errors["cycles"]
    errors = send(api, "POST", URL, BODY | {"hold_in": 7.5, "cycles": 8}).json()["errors"]
    assert list(errors) == ["hold_in"]
    assert "Houd je adem hooguit 7 seconden vast" in errors["hold_in"]
    errors = send(api, "POST", URL, BODY | {"hold_out": 2, "cycles": 9}).json()["errors"]
    assert list(errors) == ["cycles"]
    assert "Met vasthouden doe je hooguit 8 rondes achter elkaar" in errors["cycles"]
    assert not BreathingPattern.objects.exists()
    assert send(api, "POST", URL, BODY | {"hold_in": 7, "cycles": 8}).status_code == 201


def test_a_name_twice_is_refused(anna):
    _, api = anna
    assert send(api, "POST", URL, BODY).status_code == 201
    response = send(api, "POST", URL, BODY | {"name": "RUSTIG"})
    assert response.status_code == 422
    assert response.json()["errors"]["name"] == "Je hebt al een ritme met deze naam."


def test_only_the_callers_own_patterns(anna):
    _, api = anna
    made = send(api, "POST", URL, BODY).json()
    _, other = signed_in("bram-api-ritme@example.org")
    assert other.get(URL).json() == []
    assert other.get(f"{URL}/{made['id']}").status_code == 404
    assert send(other, "PUT", f"{URL}/{made['id']}", BODY).status_code == 404
    assert send(other, "DELETE", f"{URL}/{made['id']}").status_code == 404
    assert BreathingPattern.objects.filter(pk=made["id"], name="Rustig").exists()
    for odd in ("0", "-1", str(2**63), "99999999999999999999999"):
        assert other.get(f"{URL}/{odd}").status_code in (404, 422)


def test_signed_out_csrf_and_body_rules(anna):
    assert Client().get(URL).status_code == 401
    assert send(Client(), "POST", URL, BODY).status_code == 401
    _, strict = signed_in("carla-api-ritme@example.org", enforce_csrf_checks=True)
    assert strict.get(URL).status_code == 200  # reading needs no token
    response = send(strict, "POST", URL, BODY)
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]
    _, api = anna
    response = api.post(URL, BODY)  # a form, not JSON
    assert response.status_code == 415
    assert send(api, "POST", URL, "{not json").status_code == 400
    response = send(api, "POST", URL, [1, 2])
    assert response.status_code == 422 and "body" in response.json()["errors"]


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=6,
)
FIELDS = st.sampled_from(["name", "base", "inhale", "hold_in", "exhale", "hold_out", "cycles"])
NUMBERS = st.one_of(st.integers(-100, 100), st.floats(allow_nan=False, min_value=-20, max_value=20))


@hypothesis_settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.one_of(
        st.dictionaries(FIELDS | st.text(max_size=8), JSON, max_size=8),
        st.fixed_dictionaries(
            {
                "name": st.text(min_size=1, max_size=70),
                "base": st.sampled_from(["4-7-8-ademhaling", "box-ademhaling"]),
                "inhale": NUMBERS,
                "hold_in": NUMBERS,
                "exhale": NUMBERS,
                "hold_out": NUMBERS,
                "cycles": st.integers(-5, 100),
            }
        ),
    )
)
def test_fuzzed_patterns_never_give_a_server_error(anna, body):
    user, api = anna
    response = send(api, "POST", URL, json.dumps(body))
    assert response.status_code in (201, 422), response.content
    if response.status_code == 201:
        made = response.json()
        assert made["seconds"] <= 20 * 60
        assert all(p["seconds"] <= 10 for p in made["phases"] if p["phase"] == "hold")
        BreathingPattern.objects.filter(user=user).delete()
    else:
        assert response.json()["errors"]
