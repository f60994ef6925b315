"""The API against its own OpenAPI schema with schemathesis, anonymous and signed in: every answer
is documented (status, content type, body), valid data is accepted and invalid data refused, and
never a server error. Any failed check fails the test.

Requests go through the WSGI application in this process (no server). Each generated example runs
in a savepoint that is rolled back, so no example sees what an earlier one stored.
"""

from collections.abc import Iterator

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS, load_all_checks, positive_data_acceptance
from schemathesis.core.parameters import ParameterLocation

from lijfwijs.accounts.models import User
from lijfwijs.accounts.services import give_health_consent
from lijfwijs.api.api import api
from lijfwijs.core.ids import MAX_ID

pytestmark = pytest.mark.django_db

load_all_checks()
ALL_CHECKS = CHECKS.get_all()
CSRF = "c" * 32  # a CSRF secret, sent as cookie and header as a browser's script does

# Bounded: a fifth of the active profile's examples (the default profile's 50 → 10 per operation
# and generation mode), so the whole run stays well under a minute.
CONFORMANCE = settings(
    settings.default,
    max_examples=max(5, settings.default.max_examples // 5),
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


def load_schema() -> schemathesis.BaseSchema:
    schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1/"))
    schema.app = get_wsgi_application()
    # Text is UTF-8 without NUL (the boundary refuses a NUL with a 422 the schema cannot express;
    # test_fuzz covers that); everything else any string may hold is generated.
    schema.config.generation.update(allow_x00=False)
    return schema


SCHEMA = load_schema()
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]
# Schema-valid requests these refuse with a 422 by rules no schema states: a tag, exercise,
# breathing pattern or instrument answer that does not exist or is incomplete, a date range
# longer than the API serves. Every other check runs on them.
RULES_BEYOND_THE_SCHEMA = {
    "GET /api/v1/checkins",
    "POST /api/v1/checkins",
    "PUT /api/v1/checkins/{checkin_id}",
    "POST /api/v1/tags/{tag_id}/merge",
    "POST /api/v1/practice-sessions",
    "POST /api/v1/breathing-patterns",
    "PUT /api/v1/breathing-patterns/{pattern_id}",
    "POST /api/v1/instruments/{instrument_id}/responses",
    "POST /api/v1/program/advance",
}


def signed_in_cookies() -> dict[str, str]:
    user = User.objects.create_user("schema@example.org", "a long password for the schema")
    give_health_consent(user)
    browser = Client()
    browser.force_login(user, backend="lijfwijs.accounts.backends.UserBackend")
    return {
        django_settings.SESSION_COOKIE_NAME: browser.cookies[
            django_settings.SESSION_COOKIE_NAME
        ].value,
        django_settings.CSRF_COOKIE_NAME: CSRF,
    }


@pytest.fixture(autouse=True)
def _one_connection_for_the_test():
    """The WSGI handler closes the database connection after each request, which would end the
    test's transaction; Django's own test client stops it the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(params=["anonymous", "signed in"])
def caller(request, db) -> Iterator[dict]:
    if request.param == "anonymous":
        yield {"cookies": {}, "headers": {}}
    else:
        yield {"cookies": signed_in_cookies(), "headers": {"X-CSRFToken": CSRF}}


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.label)
@pytest.mark.parametrize("mode", list(GenerationMode), ids=lambda m: m.value)
def test_the_api_conforms_to_its_schema(caller, operation, mode):
    excluded = [positive_data_acceptance] if operation.label in RULES_BEYOND_THE_SCHEMA else []

    @CONFORMANCE
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        # The caller's own session in place of the cookie schemathesis makes up (its ignored-auth
        # check then sends the request again without it, expecting a 401); unless breaking that
        # cookie is what this negative case is about.
        cookie = case.meta.components.get(ParameterLocation.COOKIE) if case.meta else None
        if cookie is None or cookie.mode == GenerationMode.POSITIVE:
            case.cookies = {**(case.cookies or {}), **caller["cookies"]}
        with transaction.atomic():
            try:
                case.call_and_validate(
                    headers=caller["headers"],
                    checks=ALL_CHECKS,
                    excluded_checks=excluded,
                )
            finally:
                transaction.set_rollback(True)

    try:
        run()
    except Unsatisfiable:
        # Nothing in this operation's schema can be violated (no body, no parameter with a
        # constraint): there is no invalid request to send.
        assert mode == GenerationMode.NEGATIVE
        pytest.skip("no schema-violating request exists for this operation")


def signed_in_client() -> Client:
    browser = Client()
    for name, value in signed_in_cookies().items():
        browser.cookies[name] = value
    return browser


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("to=0", "to"),  # pydantic alone reads a number as a date (1970-01-01)
        ("from=20260101", "from"),
        ("to=2026-01-01&to=2026-01-02", "to"),
        ("form=2026-01-01", "form"),  # a typo is not ignored
        ("from=2026-01-01&debug=1", "debug"),
    ],
)
def test_query_parameters_are_read_strictly(query, field):
    response = signed_in_client().get(f"/api/v1/checkins?{query}")
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"]


def test_documented_query_parameters_still_work():
    browser = signed_in_client()
    assert browser.get("/api/v1/checkins?from=2026-01-01&to=2026-01-07").status_code == 200
    assert browser.get("/api/v1/practice-sessions?limit=5&offset=0").status_code == 200
    assert browser.get("/api/v1/practice-sessions?limit=1e3").status_code == 422
    # an integer with a fraction of zeros is one (JSON Schema's and pydantic's reading; found by
    # schemathesis), other fractions are not
    assert browser.get("/api/v1/practice-sessions?limit=5.0&offset=0.00").status_code == 200
    assert browser.get("/api/v1/practice-sessions?limit=5.5").status_code == 422
    # the largest id, 19 digits, is of the documented form; past it, the operation's bound says no
    assert browser.get(f"/api/v1/messages/conversations/1?before={MAX_ID}").status_code == 404
    too_large = browser.get(f"/api/v1/messages/conversations/1?before={MAX_ID + 1}")
    assert too_large.status_code == 422
    assert Client().get("/api/v1/instruments?lang=en").status_code == 422


def test_every_operation_documents_what_the_boundary_answers():
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            answers = set(operation["responses"])
            assert "422" in answers, (method, path)
            if "requestBody" in operation:
                assert {"400", "413", "415"} <= answers, (method, path)
