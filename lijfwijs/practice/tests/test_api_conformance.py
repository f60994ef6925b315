"""The workspace's API against its own OpenAPI schema as a practitioner sees it.

The suite's conformance test (lijfwijs/api/tests/test_conformance.py) calls every operation
anonymously and as a client, which the workspace answers with 401 and 403 only. Here Pieter,
signed in with both factors, calls the workspace's operations with schemathesis's generated
queries and bodies, with the path pointing at his client Anna (who has a Pijntest, a diary, an
alert and a note) or at her alert, so the answers with data are checked against the schema too:
every check of schemathesis, never a server error.
"""

from collections.abc import Iterator

import pytest
from django.conf import settings as django_settings
from django.core import signals
from django.db import close_old_connections, transaction
from hypothesis import given
from schemathesis import GenerationMode
from schemathesis.checks import positive_data_acceptance
from schemathesis.core.parameters import ParameterLocation

from lijfwijs.accounts.tests.helpers import give_access, pijntest_result, signed_in_browser
from lijfwijs.api.tests.test_conformance import ALL_CHECKS, CONFORMANCE, CSRF, SCHEMA
from lijfwijs.diary.models import CheckIn
from lijfwijs.practice import alerts, notes
from lijfwijs.practice.models import Alert

pytestmark = pytest.mark.django_db

WORKSPACE = [
    result.ok()
    for result in SCHEMA.get_all_operations()
    if result.ok().path.startswith("/api/v1/practice/")
]

# Schema-valid requests refused with a 422 by rules no schema states: a note of only spaces, an
# addendum to a note that does not exist. Every other check runs on them.
RULES_BEYOND_THE_SCHEMA = {"POST /api/v1/practice/clients/{client_id}/notes"}


@pytest.fixture
def pieters_world(anna, pieter) -> Iterator[dict]:
    give_access(anna, pieter)
    response = pijntest_result(anna, **{"crisis.thoughts": "yes"})
    pijntest_result(anna, peg=3)
    alerts.raise_alerts.call(source=alerts.RESPONSE, source_id=response.pk)
    CheckIn.objects.create(user=anna, day=response.completed_at.date(), pain=6)
    notes.add_note(pieter, anna, "Gebeld over de crisisvraag.")
    browser = signed_in_browser(pieter)
    yield {
        "cookies": {
            django_settings.SESSION_COOKIE_NAME: browser.cookies[
                django_settings.SESSION_COOKIE_NAME
            ].value,
            django_settings.CSRF_COOKIE_NAME: CSRF,
        },
        "path": {"client_id": anna.pk, "alert_id": Alert.objects.get().pk},
    }


@pytest.fixture
def one_connection(pieters_world) -> Iterator[None]:
    """As in the suite's conformance test: the WSGI handler must not close the test's
    connection after each request. (After signing in: Django's test client connects the
    handlers again after each of its requests.)"""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.parametrize("operation", WORKSPACE, ids=lambda op: op.label)
@pytest.mark.parametrize("mode", list(GenerationMode), ids=lambda m: m.value)
def test_the_workspace_api_conforms_for_a_practitioner(
    pieters_world, one_connection, operation, mode
):
    excluded = [positive_data_acceptance] if operation.label in RULES_BEYOND_THE_SCHEMA else []

    @CONFORMANCE
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        if case.path_parameters and mode == GenerationMode.POSITIVE:
            case.path_parameters = {
                name: pieters_world["path"][name] for name in case.path_parameters
            }
        # Pieter's session in place of the cookie schemathesis makes up, unless breaking that
        # cookie is what this negative case is about (then a 401 is expected).
        cookie = case.meta.components.get(ParameterLocation.COOKIE) if case.meta else None
        if cookie is None or cookie.mode == GenerationMode.POSITIVE:
            case.cookies = {**(case.cookies or {}), **pieters_world["cookies"]}
        with transaction.atomic():
            try:
                case.call_and_validate(
                    headers={"X-CSRFToken": CSRF}, checks=ALL_CHECKS, excluded_checks=excluded
                )
            finally:
                transaction.set_rollback(True)

    run()
