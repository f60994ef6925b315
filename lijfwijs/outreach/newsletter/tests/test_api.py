# ruff: noqa: F811 (fixtures)
"""The newsletter's API: the lists to choose from, and a sign-up with double opt-in that answers
every address alike; bad input named per field; CSRF for signed-in callers; the rate limit."""

import pytest
from django.test import Client

from lijfwijs.outreach.newsletter import services
from lijfwijs.outreach.newsletter.models import Subscriber

from .conftest import links_in, path_of, subscribe

pytestmark = pytest.mark.django_db
LISTS = "/api/v1/newsletter/lists"
SIGNUPS = "/api/v1/newsletter/signups"


def post(body, client: Client | None = None, **extra):
    return (client or Client()).post(SIGNUPS, body, content_type="application/json", **extra)


def test_the_lists_to_choose_from(practice, other_practice):
    services.default_lists(other_practice)
    found = Client().get(LISTS).json()
    assert {row["kind"] for row in found} == {"general", "pijntest", "clients", "masterclass"}
    assert {row["id"] for row in found} == set(
        services.lists_of(practice).values_list("pk", flat=True)
    )


def test_a_sign_up_answers_every_address_alike_and_the_link_subscribes(practice, lists, mail):
    subscribe(practice, "al@example.org")
    answers = [post({"email": email}) for email in ("nieuw@example.org", "al@example.org")]
    assert [a.status_code for a in answers] == [202, 202]
    assert answers[0].content == answers[1].content
    new = Subscriber.objects.get(email="nieuw@example.org")
    assert new.status == "pending" and new.consent_source == "api"
    assert [nl.kind for nl in new.lists.all()] == ["general"]
    confirm = [m for m in mail if m.to == ["nieuw@example.org"]][0]
    Client().post(path_of(links_in(confirm, "/bevestig/")[0]))
    new.refresh_from_db()
    assert new.status == "subscribed"
    assert [m.to for m in mail if "al@" in m.to[0]] == [["al@example.org"]]  # "already"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "geen-adres"}, "email"),
        ({"email": "a@example.org", "lists": []}, "lists"),
        ({"email": "a@example.org", "lists": [999999]}, "lists"),
    ],
)
def test_bad_input_is_named_per_field(practice, lists, other_practice, body, field):
    response = post(body)
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert not Subscriber.objects.exists()


def test_another_practices_list_is_no_choice(practice, lists, other_practice):
    elsewhere = services.default_lists(other_practice)["general"]
    response = post({"email": "a@example.org", "lists": [lists["general"].pk, elsewhere.pk]})
    assert response.status_code == 422 and not Subscriber.objects.exists()


def test_not_json_or_no_body(practice, lists):
    assert Client().post(SIGNUPS, {"email": "a@example.org"}).status_code == 415
    assert post("nonsense").status_code == 400
    assert post({}).status_code == 422


def test_a_signed_in_caller_needs_the_csrf_token(practice, lists, anna):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(anna, backend="lijfwijs.accounts.backends.UserBackend")
    assert post({"email": "x@example.org"}, browser).status_code == 403
    assert not Subscriber.objects.exists()


def test_the_rate_limit_per_connection(practice, lists):
    for n in range(10):
        assert post({"email": f"r{n}@example.org"}, REMOTE_ADDR="10.1.1.1").status_code == 202
    assert post({"email": "r10@example.org"}, REMOTE_ADDR="10.1.1.1").status_code == 429


def test_without_a_practice(db):
    assert Client().get(LISTS).json() == []
    assert post({"email": "a@example.org"}).status_code == 404
