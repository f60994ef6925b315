"""The messages API: both sides list, open, read (marks read) and send; its refusals; and the
operations against their OpenAPI schema with a conversation to reach (schemathesis)."""

import pytest
from django.db import transaction
from hypothesis import given
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import positive_data_acceptance
from schemathesis.core.parameters import ParameterLocation

from lijfwijs.accounts import services as account_services
from lijfwijs.accounts.models import AccessLog
from lijfwijs.api.tests.test_conformance import (  # noqa: F401 - fixture
    ALL_CHECKS,
    CONFORMANCE,
    CSRF,
    OPERATIONS,
    _one_connection_for_the_test,
)
from lijfwijs.outreach.messaging import services
from lijfwijs.outreach.messaging.models import Conversation, Message

pytestmark = pytest.mark.django_db

BASE = "/api/v1/messages/conversations"
MESSAGES = [op for op in OPERATIONS if op.path.startswith("/api/v1/messages/")]


def _json(browser):
    """POST JSON with the CSRF token, as a browser's script does."""
    browser.cookies["csrftoken"] = CSRF

    def post(url, data, **extra):
        return browser.post(
            url, data, content_type="application/json", headers={"X-CSRFToken": CSRF}, **extra
        )

    return post


def test_both_sides_over_the_api(anna, anna_client, pieter, anna_browser, pieter_browser):
    anna_post, pieter_post = _json(anna_browser), _json(pieter_browser)
    opened = anna_post(BASE, {"with_id": pieter.pk})
    assert opened.status_code == 201, opened.content
    conversation = opened.json()
    assert conversation["with_name"] == "Pieter" and conversation["open"] is True
    assert anna_post(BASE, {"with_id": pieter.pk}).status_code == 200  # the same one
    url = f"{BASE}/{conversation['id']}"

    sent = anna_post(f"{url}/messages", {"text": "Hoi Pieter"})
    assert sent.status_code == 201
    assert sent.json()["mine"] is True and sent.json()["read_at"] is None

    listed = pieter_browser.get(BASE).json()
    assert listed["count"] == 1 and listed["items"][0]["unread"] == 1
    assert listed["items"][0]["with_id"] == anna.pk
    read = pieter_browser.get(url).json()
    assert [m["text"] for m in read["messages"]] == ["Hoi Pieter"]
    assert read["messages"][0]["mine"] is False and read["messages"][0]["read_at"] is not None
    assert read["unread"] == 0 and read["older"] is False

    assert pieter_post(f"{url}/messages", {"text": "Dag Anna"}).status_code == 201
    mine = anna_browser.get(url).json()["messages"]
    assert mine[0]["read_at"] is not None  # Pieter read hers
    assert mine[1]["text"] == "Dag Anna" and mine[1]["mine"] is False
    rows = AccessLog.objects.about(anna.pk).filter(kind="messages")
    assert rows.filter(action="list").count() == 1 and rows.filter(action="view").count() == 1


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"text": ""}, 422, "text"),
        ({"text": "a" * (services.MAX_LENGTH + 1)}, 422, "text"),
        ({"text": "nul\u0000"}, 422, "text"),
        ({"text": 5}, 422, None),
        ({}, 422, None),
        ([], 422, None),
    ],
)
def test_refused_messages(anna, anna_client, pieter, anna_browser, body, status, field):
    services.send(anna, client=anna, practitioner=pieter, text="eerste")
    conversation = Conversation.objects.get()
    answer = _json(anna_browser)(f"{BASE}/{conversation.pk}/messages", body)
    assert answer.status_code == status, answer.content
    if field:
        assert field in answer.json()["errors"]
    assert Message.objects.count() == 1


def test_not_json(anna, anna_client, pieter, anna_browser):
    services.send(anna, client=anna, practitioner=pieter, text="eerste")
    url = f"{BASE}/{Conversation.objects.get().pk}/messages"
    anna_browser.cookies["csrftoken"] = CSRF
    headers = {"X-CSRFToken": CSRF}
    not_json = anna_browser.post(url, "{", content_type="application/json", headers=headers)
    assert not_json.status_code == 400
    form = anna_browser.post(url, {"text": "x"}, headers=headers)
    assert form.status_code == 415


def test_closed_limit_and_scope(
    anna, anna_client, pieter, anna_browser, pieter_browser, bram, monkeypatch
):
    monkeypatch.setattr(services, "SEND_LIMIT", 1)
    post = _json(anna_browser)
    conversation = post(BASE, {"with_id": pieter.pk}).json()
    url = f"{BASE}/{conversation['id']}/messages"
    assert post(url, {"text": "een"}).status_code == 201
    over = post(url, {"text": "twee"})
    assert over.status_code == 429 and over.json()["detail"]
    # nobody else's: Bram as a practitioner to write to, another client's conversation
    assert post(BASE, {"with_id": bram.pk}).status_code == 404
    assert _json(pieter_browser)(BASE, {"with_id": bram.pk}).status_code == 404
    account_services.revoke_access(anna, anna_client.pk)
    closed = post(url, {"text": "drie"})
    assert closed.status_code == 403
    assert anna_browser.get(f"{BASE}/{conversation['id']}").json()["open"] is False
    assert pieter_browser.get(BASE).json()["count"] == 0
    assert _json(pieter_browser)(url, {"text": "x"}).status_code == 404
    assert Message.objects.count() == 1


# --- conformance: the operations with a conversation to reach ----------------------------------


@pytest.fixture
def conversation_caller(anna, anna_client, pieter, anna_browser):
    services.send(anna, client=anna, practitioner=pieter, text="voor het schema")
    services.send(pieter, client=anna, practitioner=pieter, text="terug")
    from django.conf import settings

    return {
        "conversation_id": Conversation.objects.get().pk,
        "with_id": pieter.pk,
        "cookies": {
            settings.SESSION_COOKIE_NAME: anna_browser.cookies[settings.SESSION_COOKIE_NAME].value,
            settings.CSRF_COOKIE_NAME: CSRF,
        },
        "headers": {"X-CSRFToken": CSRF},
    }


@pytest.mark.parametrize("operation", MESSAGES, ids=lambda op: op.label)
@pytest.mark.parametrize("mode", list(GenerationMode), ids=lambda m: m.value)
def test_the_messages_api_conforms_with_a_conversation(conversation_caller, operation, mode):
    caller = conversation_caller
    statuses: set[int] = set()

    @CONFORMANCE
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        if mode == GenerationMode.POSITIVE:
            if "conversation_id" in (case.path_parameters or {}):
                case.path_parameters["conversation_id"] = caller["conversation_id"]
            if isinstance(case.body, dict) and "with_id" in case.body:
                case.body["with_id"] = caller["with_id"]
        # the caller's session, unless breaking the cookie is what this negative case is about
        cookie = case.meta.components.get(ParameterLocation.COOKIE) if case.meta else None
        if cookie is None or cookie.mode == GenerationMode.POSITIVE:
            case.cookies = {**(case.cookies or {}), **caller["cookies"]}
        with transaction.atomic():
            try:
                response = case.call_and_validate(
                    headers=caller["headers"],
                    checks=ALL_CHECKS,
                    # a text of spaces only is refused by a rule the schema does not state
                    excluded_checks=[positive_data_acceptance],
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
        assert statuses & {200, 201}, (operation.label, statuses)
