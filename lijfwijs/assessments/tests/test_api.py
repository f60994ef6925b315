"""The instruments API (docs/pijntest.md) through HTTP, including bad input of every kind."""

import json

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lijfwijs.assessments.models import Response
from lijfwijs.assessments.tests.factories import pijntest_answers

pytestmark = pytest.mark.django_db
URL = "/api/v1/instruments/pijntest/responses"


def post(client, body, **headers):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(URL, data=data, content_type="application/json", **headers)


def test_definition_in_dutch_and_english(client):
    nl = client.get("/api/v1/instruments/pijntest", HTTP_ACCEPT_LANGUAGE="nl").json()
    en = client.get("/api/v1/instruments/pijntest", HTTP_ACCEPT_LANGUAGE="en").json()
    assert nl["version"] == en["version"]
    assert nl["sections"][0]["id"] == "veiligheid"
    first_nl, first_en = nl["sections"][0]["items"][0], en["sections"][0]["items"][0]
    assert first_nl["id"] == "redflag.bladder" and first_nl["required"] is True
    assert first_nl["text"] != first_en["text"]
    assert {"code": "yes", "label": "Yes", "score": 1} in first_en["options"]


@pytest.mark.parametrize("instrument", ["pijntest", "peg3", "phq4", "phq9", "gad7", "nijmegen"])
def test_every_shipped_instrument_is_served(client, instrument):
    response = client.get(f"/api/v1/instruments/{instrument}")
    assert response.status_code == 200
    assert response.json()["id"] == instrument


def test_list_instruments(client):
    ids = {i["id"] for i in client.get("/api/v1/instruments").json()}
    assert ids >= {"pijntest", "peg3", "phq4", "phq9", "gad7", "nijmegen"}


def test_unknown_instrument_is_404_json(client):
    response = client.get("/api/v1/instruments/nope")
    assert response.status_code == 404 and response.json()["detail"]
    assert post(client, {"answers": {}}).status_code == 422
    nope = client.post(
        "/api/v1/instruments/nope/responses",
        data='{"answers": {}}',
        content_type="application/json",
    )
    assert nope.status_code == 404


def test_submit_scores_and_stores(client):
    response = post(
        client,
        {"answers": pijntest_answers(**{"peg.pain": 6, "peg.enjoyment": 7, "peg.activity": 6})},
    )
    assert response.status_code == 201
    body = response.json()
    assert body["result"]["pain"]["peg"] == 6.3
    assert body["result"]["instrument"] == "pijntest"
    stored = client.get(f"/api/v1/responses/{body['id']}").json()
    assert stored["result"] == body["result"] and stored["status"] == "completed"
    assert len(body["id"]) >= 22


def test_missing_and_invalid_answers_get_a_message_per_item(client):
    answers = pijntest_answers(
        **{"peg.pain": 11, "pain.duration": "forever", "pain.regions": ["nose"]}
    )
    del answers["redflag.bladder"]
    answers["made.up"] = 1
    response = post(client, {"answers": answers}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert set(errors) == {
        "peg.pain",
        "pain.duration",
        "pain.regions",
        "redflag.bladder",
        "made.up",
    }
    assert errors["peg.pain"] == "Choose a number from 0 to 10."
    assert Response.objects.count() == 0


def test_messages_follow_accept_language(client):
    answers = pijntest_answers()
    del answers["peg.pain"]
    assert (
        post(client, {"answers": answers}, HTTP_ACCEPT_LANGUAGE="nl").json()["errors"]["peg.pain"]
        == "Kies een antwoord."
    )


@pytest.mark.parametrize(
    "body",
    [
        "{not json",
        "[]",
        '"answers"',
        '{"answers": []}',
        '{"answers": "yes"}',
        '{"answers": null}',
        '{"other": 1}',
        '{"answers": {"peg.pain": "6"}}',
        '{"answers": {"peg.pain": true}}',
        '{"answers": {"peg.pain": 6.0}}',
        '{"answers": {"pain.regions": "lower_back"}}',
        '{"answers": {"redflag.bladder": ["yes"]}}',
        "",
    ],
)
def test_malformed_bodies_get_a_4xx(client, body):
    response = post(client, body)
    assert 400 <= response.status_code < 500
    assert "detail" in response.json()


def test_oversized_body_is_refused(client):
    response = post(client, {"answers": {"x": "a" * 400_000}})
    assert response.status_code in (400, 413)


def test_idempotency_key_makes_a_retry_return_the_first_response(client):
    first = post(client, {"answers": pijntest_answers()}, HTTP_IDEMPOTENCY_KEY="abc-123")
    again = post(client, {"answers": pijntest_answers()}, HTTP_IDEMPOTENCY_KEY="abc-123")
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert Response.objects.count() == 1


def test_anonymous_submissions_are_rate_limited(client, settings):
    settings.PIJNTEST_RATE_LIMIT = 2
    assert post(client, {"answers": pijntest_answers()}).status_code == 201
    assert post(client, {"answers": pijntest_answers()}).status_code == 201
    limited = post(client, {"answers": pijntest_answers()})
    assert limited.status_code == 429 and limited.json()["detail"]


def test_response_of_another_account_is_404(client, django_user_model):
    owner = django_user_model.objects.create_user("owner@example.org", "a-long-password-1")
    other = django_user_model.objects.create_user("other@example.org", "a-long-password-2")
    response = Response.objects.create(instrument="peg3", version="1.0", user=owner)
    client.force_login(other)
    assert client.get(f"/api/v1/responses/{response.pk}").status_code == 404
    assert Client().get(f"/api/v1/responses/{response.pk}").status_code == 404
    client.force_login(owner)
    assert client.get(f"/api/v1/responses/{response.pk}").status_code == 200


def test_unknown_response_is_404(client):
    assert client.get("/api/v1/responses/does-not-exist").status_code == 404


def test_other_instruments_score_through_the_same_endpoint(client):
    answers = {f"phq9.{n}": 1 for n in range(1, 10)}
    response = client.post(
        "/api/v1/instruments/phq9/responses",
        data=json.dumps({"answers": answers}),
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["result"]["total"] == 9
    assert response.json()["result"]["crisis"] is True


def test_openapi_schema_and_docs_are_served_locally(client):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert "/api/v1/instruments/{instrument_id}/responses" in schema.json()["paths"]
    assert client.get("/api/docs").status_code == 302
    docs = client.get("/api/v1/docs").content.decode()
    assert "cdn." not in docs and "unpkg" not in docs


# Every code point, lone surrogates and NUL included (`st.text()` leaves surrogates out): JSON
# carries them as "\ud800" and "\u0000", and the answer must be a 422, never a 500.
json_text = st.text(st.characters(codec=None, categories=None), max_size=20)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | json_text,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(json_text, children, max_size=4)
    ),
    max_leaves=12,
)


@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    answers=st.dictionaries(
        st.sampled_from(["peg.pain", "pain.regions", "redflag.bladder", "x", "\ud800", "a\x00"])
        | json_text,
        json_values,
        max_size=8,
    )
)
def test_fuzzed_answers_never_give_a_server_error(client, answers):
    response = post(client, {"answers": answers})
    assert response.status_code in (201, 422, 429)


@pytest.mark.parametrize("odd", ["%00", "a%00b", "%C3%28", "x" * 40, "a b"])
def test_odd_response_ids_are_404_not_a_database_error(client, odd):
    assert client.get(f"/api/v1/responses/{odd}").status_code == 404


def test_an_odd_idempotency_key_is_refused(client):
    response = post(client, {"answers": pijntest_answers()}, HTTP_IDEMPOTENCY_KEY="key with spaces")
    assert response.status_code == 422


def test_a_uuid_idempotency_key_works(client):
    key = "6f1c2e9a-3b4d-4c8e-9f10-2a3b4c5d6e7f"
    assert (
        post(client, {"answers": pijntest_answers()}, HTTP_IDEMPOTENCY_KEY=key).status_code == 201
    )
    assert (
        post(client, {"answers": pijntest_answers()}, HTTP_IDEMPOTENCY_KEY=key).status_code == 200
    )


def test_another_callers_idempotency_key_never_returns_their_result(client, django_user_model):
    """The key is the caller's own: the same key from someone else is a new submission."""
    from lijfwijs.accounts.services import give_health_consent

    owner = django_user_model.objects.create_user("owner@example.org", "a-long-password-1")
    give_health_consent(owner)
    signed_in = Client()
    signed_in.force_login(owner)
    csrf = {"HTTP_X_CSRFTOKEN": "x" * 32}
    signed_in.cookies["csrftoken"] = "x" * 32
    first = post(signed_in, {"answers": pijntest_answers()}, HTTP_IDEMPOTENCY_KEY="retry-1", **csrf)
    assert first.status_code == 201
    assert Response.objects.get(pk=first.json()["id"]).user == owner

    # An anonymous caller, and another anonymous caller, with the same key.
    stranger = post(client, {"answers": pijntest_answers()}, HTTP_IDEMPOTENCY_KEY="retry-1")
    other = post(Client(), {"answers": pijntest_answers()}, HTTP_IDEMPOTENCY_KEY="retry-1")
    assert stranger.status_code == 201 and other.status_code == 201
    ids = {first.json()["id"], stranger.json()["id"], other.json()["id"]}
    assert len(ids) == 3
    # Each caller's own retry still returns their own first response.
    again = post(signed_in, {"answers": pijntest_answers()}, HTTP_IDEMPOTENCY_KEY="retry-1", **csrf)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    retry = post(client, {"answers": pijntest_answers()}, HTTP_IDEMPOTENCY_KEY="retry-1")
    assert retry.status_code == 200 and retry.json()["id"] == stranger.json()["id"]
    assert Response.objects.count() == 3


def test_the_same_key_in_two_accounts_stores_two_responses(django_user_model):
    from lijfwijs.accounts.services import give_health_consent

    ids = []
    for email in ("a@example.org", "b@example.org"):
        user = django_user_model.objects.create_user(email, "a-long-password-1")
        give_health_consent(user)
        browser = Client()
        browser.force_login(user)
        browser.cookies["csrftoken"] = "x" * 32
        answer = post(
            browser,
            {"answers": pijntest_answers()},
            HTTP_IDEMPOTENCY_KEY="retry-1",
            HTTP_X_CSRFTOKEN="x" * 32,
        )
        assert answer.status_code == 201
        assert Response.objects.get(pk=answer.json()["id"]).user == user
        ids.append(answer.json()["id"])
    assert ids[0] != ids[1]
