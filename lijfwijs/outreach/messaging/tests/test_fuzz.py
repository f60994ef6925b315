"""Fuzzing the message form and the API's send with hypothesis: never a server error; a refused
message comes back with what was typed, next to the field; an accepted one is stored as typed
(without surrounding blank space). Each example is rolled back."""

import json

import pytest
from django.db import transaction
from django.utils.html import escape
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from lijfwijs.core.tests.test_fuzz import json_text, text
from lijfwijs.outreach.messaging import services
from lijfwijs.outreach.messaging.models import Conversation, Message

pytestmark = pytest.mark.django_db

FUZZ = hsettings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
CSRF = "c" * 32


@pytest.fixture
def conversation(anna, anna_client, pieter):
    services.send(anna, client=anna, practitioner=pieter, text="eerste")
    return Conversation.objects.get()


# any text the fuzzer of the other forms sends, and text around the length limit
message_text = st.one_of(
    text,
    st.text(st.characters(codec="utf-8"), min_size=1, max_size=3).map(
        lambda s: s * (services.MAX_LENGTH // 2)
    ),
)


@FUZZ
@given(
    data=st.fixed_dictionaries(
        {},
        optional={
            "message-text": st.one_of(message_text, st.lists(message_text, min_size=2, max_size=3))
        },
    )
)
def test_the_message_form(anna_browser, conversation, data):
    url = f"/berichten/{conversation.pk}/"
    sent = data.get("message-text", "")
    sent = sent[-1] if isinstance(sent, list) else sent  # a field sent twice: the last one
    with transaction.atomic():
        try:
            response = anna_browser.post(url, data)
            assert response.status_code in (302, 422), (data, response.status_code)
            if response.status_code == 302:
                assert Message.objects.order_by("-pk").first().body == sent.strip()
            else:
                page = response.content.decode()
                assert 'class="field has-error"' in page
                if "\x00" not in sent:
                    assert escape(sent) in page  # what was typed, kept
        finally:
            transaction.set_rollback(True)


def test_a_lone_surrogate_is_refused(anna_browser, conversation):
    anna_browser.cookies["csrftoken"] = CSRF
    answer = anna_browser.post(
        f"/api/v1/messages/conversations/{conversation.pk}/messages",
        '{"text": "a\\ud800b"}',
        content_type="application/json",
        headers={"X-CSRFToken": CSRF},
    )
    assert answer.status_code == 422, answer.content
    assert Message.objects.count() == 1


@FUZZ
@given(
    body=st.one_of(
        st.fixed_dictionaries({"text": json_text}),
        st.dictionaries(json_text, json_text, max_size=3),
        json_text,
    )
)
def test_the_api_send(anna_browser, conversation, body):
    anna_browser.cookies["csrftoken"] = CSRF
    url = f"/api/v1/messages/conversations/{conversation.pk}/messages"
    with transaction.atomic():
        try:
            payload = json.dumps(body)  # lone surrogates travel as \u escapes
            response = anna_browser.post(
                url, payload, content_type="application/json", headers={"X-CSRFToken": CSRF}
            )
            assert response.status_code in (201, 400, 422), (body, response.status_code)
            answer = response.json()
            if response.status_code == 201:
                # as the server read the JSON (an escaped surrogate pair is one character)
                assert answer["text"] == json.loads(payload)["text"].strip()
            else:
                assert answer["detail"]
        finally:
            transaction.set_rollback(True)
