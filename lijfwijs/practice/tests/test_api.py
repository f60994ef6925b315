"""The workspace's API (/api/v1/practice/…): scoped exactly like the pages (another practitioner's,
another practice's or a revoked client is a 404), for practitioners with the second factor only
(clients and assistants 403, anonymous 401), writing the same access-log rows, refusing what is
not valid with a message per field, and refusing a session's write without the CSRF token."""

import json
from datetime import timedelta
from typing import get_args

import pytest
from django.conf import settings
from django.test import Client

from lijfwijs.accounts.localtime import local_today
from lijfwijs.accounts.models import AccessLog, Membership, Practice, PractitionerAccess, User
from lijfwijs.accounts.services import join_practice, revoke_access
from lijfwijs.accounts.tests.helpers import (
    PASSWORD,
    access_log_rows,
    ago,
    give_access,
    log_in,
    make_client_user,
    make_practitioner,
    pijntest_result,
    signed_in_browser,
)
from lijfwijs.diary.models import CheckIn
from lijfwijs.practice import alerts, notes, overview
from lijfwijs.practice import api as practice_api
from lijfwijs.practice.models import Alert, ClientNote
from lijfwijs.program.models import ProgramProgress

pytestmark = pytest.mark.django_db

API = "/api/v1/practice"
ALERTS = f"{API}/alerts"


def post(browser: Client, url: str, body: object, **extra: str):
    return browser.post(url, json.dumps(body), content_type="application/json", **extra)


def ack_url(alert: Alert) -> str:
    return f"{ALERTS}/{alert.pk}/acknowledge"


@pytest.fixture
def kees(content) -> User:
    """Pieter's colleague in Fysio De Brug, to whom Anna gave no access."""
    return make_practitioner("kees@example.org", display_name="Kees")


@pytest.fixture
def assistant(pieter) -> User:
    """The assistant of Pieter's practice."""
    user = User.objects.create_user(
        "assistent@example.org", PASSWORD, role=User.Role.ASSISTANT, display_name="Assistent"
    )
    join_practice(user, Practice.objects.get(name="Fysio De Brug"), Membership.Role.ASSISTANT)
    return user


@pytest.fixture
def alert(anna, pieter) -> Alert:
    """Anna gave Pieter access and answered the crisis question: Pieter's alert about her."""
    give_access(anna, pieter)
    response = pijntest_result(anna, **{"crisis.thoughts": "yes"})
    alerts.raise_alerts.call(source=alerts.RESPONSE, source_id=response.pk)
    return Alert.objects.get()


# --- who may call ----------------------------------------------------------------------------


def test_anonymous_callers_get_401_everywhere(alert, anna):
    anonymous = Client()
    assert anonymous.get(ALERTS).status_code == 401
    response = post(anonymous, ack_url(alert), {"note": "gebeld"})
    assert response.status_code == 401
    assert response.json() == {"detail": "Not authenticated."}
    alert.refresh_from_db()
    assert alert.acknowledged_at is None


def test_clients_and_assistants_get_403(alert, anna_browser, assistant):
    helper = signed_in_browser(assistant)
    for browser in (anna_browser, helper):
        assert browser.get(ALERTS).status_code == 403
        response = post(browser, ack_url(alert), {"note": "gebeld"})
        assert response.status_code == 403
        assert response.json()["detail"] == "The workspace is for practitioners."
    alert.refresh_from_db()
    assert alert.acknowledged_at is None


def test_a_practitioner_without_the_second_factor_gets_403(alert, pieter):
    browser = Client()
    log_in(browser, pieter.email)  # the password only
    response = browser.get(ALERTS)
    assert response.status_code == 403
    assert response.json() == {"detail": "Two-factor authentication required."}
    assert not AccessLog.objects.exists()


# --- alerts ----------------------------------------------------------------------------------


def test_the_open_alerts_are_listed_and_each_client_logged_once(alert, anna, pieter_browser):
    response = pieter_browser.get(ALERTS)
    assert response.status_code == 200
    body = response.json()
    assert (body["state"], body["count"], body["limit"], body["offset"]) == ("open", 1, 50, 0)
    [item] = body["items"]
    assert item["id"] == alert.pk and item["kind"] == "crisis"
    assert item["kind_label"] == "crisisantwoord" and item["source"] == "questionnaire"
    assert (item["client_id"], item["client_name"]) == (anna.pk, "Anna")
    assert item["client_url"] == f"/praktijk/clienten/{anna.pk}/"
    assert item["acknowledged_at"] is None and item["note"] == ""
    [row] = access_log_rows(anna)
    assert (row.kind, row.action, row.object_ref) == ("alerts", "list", "alerts")
    assert row.actor_name == "Pieter" and row.on_behalf_of == "Fysio De Brug"


def test_english_labels_follow_the_request(alert, pieter_browser):
    item = pieter_browser.get(ALERTS, HTTP_ACCEPT_LANGUAGE="en").json()["items"][0]
    assert item["kind"] == "crisis" and item["kind_label"] != "crisisantwoord"


def test_no_alert_of_another_practitioner_practice_or_after_revoking(
    alert, anna, pieter, pieter_browser, kees, rita_browser
):
    for browser in (signed_in_browser(kees), rita_browser):
        assert browser.get(ALERTS).json()["items"] == []
        assert browser.get(f"{ALERTS}?state=all").json()["count"] == 0
        response = post(browser, ack_url(alert), {"note": "gezien"})
        assert response.status_code == 404 and response.json() == {"detail": "Not found."}
    assert not AccessLog.objects.exists()

    revoke_access(anna, PractitionerAccess.objects.get(client=anna, practitioner=pieter).pk)
    assert pieter_browser.get(ALERTS).json() == {
        "state": "open",
        "count": 0,
        "limit": 50,
        "offset": 0,
        "items": [],
    }
    assert post(pieter_browser, ack_url(alert), {"note": "gezien"}).status_code == 404
    alert.refresh_from_db()
    assert alert.acknowledged_at is None
    assert not AccessLog.objects.about(anna.pk).filter(actor_id=pieter.pk).exists()


def test_acknowledging_with_a_note_once(alert, anna, pieter, pieter_browser):
    response = post(pieter_browser, ack_url(alert), {"note": "Anna gebeld, huisarts ingelicht."})
    assert response.status_code == 200
    item = response.json()
    assert item["acknowledged_at"] is not None and item["acknowledged_by"] == "Pieter"
    assert item["note"] == "Anna gebeld, huisarts ingelicht."
    alert.refresh_from_db()
    assert alert.acknowledged_by == pieter
    assert alert.acknowledged_note == "Anna gebeld, huisarts ingelicht."
    first = alert.acknowledged_at
    [row] = access_log_rows(anna)
    assert (row.kind, row.action, row.object_ref) == ("alerts", "change", f"alert:{alert.pk}")

    again = post(pieter_browser, ack_url(alert), {"note": "nog eens"})  # a double click
    assert again.status_code == 200 and again.json()["note"] == "Anna gebeld, huisarts ingelicht."
    alert.refresh_from_db()
    assert alert.acknowledged_at == first
    assert len(access_log_rows(anna)) == 1  # nothing changed: nothing logged

    assert pieter_browser.get(ALERTS).json()["items"] == []
    [seen] = pieter_browser.get(f"{ALERTS}?state=all").json()["items"]
    assert seen["id"] == alert.pk and seen["acknowledged_at"] is not None


def test_an_empty_body_acknowledges_without_a_note(alert, pieter_browser):
    response = post(pieter_browser, ack_url(alert), {})
    assert response.status_code == 200 and response.json()["note"] == ""


@pytest.mark.parametrize(
    ("body", "field"),
    [({"note": 5}, "note"), ({"note": "x" * 2001}, "note"), ([], "body")],
)
def test_a_body_that_does_not_fit_is_422_with_the_field(alert, pieter_browser, body, field):
    response = post(pieter_browser, ack_url(alert), body)
    assert response.status_code == 422
    assert field in response.json()["errors"]
    alert.refresh_from_db()
    assert alert.acknowledged_at is None


def test_a_body_that_is_not_json_is_400_and_a_form_415(alert, pieter_browser):
    broken = pieter_browser.post(ack_url(alert), "{", content_type="application/json")
    assert broken.status_code == 400
    form = pieter_browser.post(ack_url(alert), {"note": "x"})
    assert form.status_code == 415
    alert.refresh_from_db()
    assert alert.acknowledged_at is None


def test_another_practitioners_alert_is_404_before_the_body_is_read(alert, rita_browser):
    response = post(rita_browser, ack_url(alert), {"note": 5})
    assert response.status_code == 404


@pytest.mark.parametrize("query", ["state=closed", "state=open&state=all", "limit=0", "page=2"])
def test_query_parameters_are_read_strictly(alert, pieter_browser, query):
    response = pieter_browser.get(f"{ALERTS}?{query}")
    assert response.status_code == 422
    assert response.json()["errors"]


def test_a_write_needs_the_csrf_token(alert, pieter):
    browser = Client(enforce_csrf_checks=True)
    signed = signed_in_browser(pieter)
    browser.cookies = signed.cookies
    refused = post(browser, ack_url(alert), {"note": "gebeld"})
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    alert.refresh_from_db()
    assert alert.acknowledged_at is None
    browser.get("/praktijk/")  # a page sets the CSRF cookie, as in a browser
    token = browser.cookies[settings.CSRF_COOKIE_NAME].value
    done = post(browser, ack_url(alert), {"note": "gebeld"}, HTTP_X_CSRFTOKEN=token)
    assert done.status_code == 200


# the session, the user, the second factor's device, the page, the membership (the practice's
# name in the log), the access-log rows, the count
NUM_ALERT_QUERIES = 7


def test_the_alert_list_takes_a_fixed_number_of_queries(
    alert, anna, pieter, pieter_browser, django_assert_num_queries
):
    pieter_browser.get(ALERTS)  # the session and the practice are read once first
    with django_assert_num_queries(NUM_ALERT_QUERIES):
        pieter_browser.get(ALERTS)
    for n in range(3):
        other = User.objects.create_user(f"c{n}@example.org", PASSWORD, display_name=f"C{n}")
        give_access(other, pieter)
        Alert.objects.create(client=other, practitioner=pieter, kind="silence", cause=f"s:{n}")
    with django_assert_num_queries(NUM_ALERT_QUERIES):
        assert len(pieter_browser.get(ALERTS).json()["items"]) == 4


# --- the client list -------------------------------------------------------------------------

CLIENTS = f"{API}/clients"


def summary_url(client: User) -> str:
    return f"{CLIENTS}/{client.pk}"


def notes_url(client: User) -> str:
    return f"{CLIENTS}/{client.pk}/notes"


def checkins(user: User, pains: list[int]) -> None:
    """One check-in a day, the last today, with these pains (oldest first)."""
    today = local_today(user)
    for n, pain in enumerate(reversed(pains)):
        CheckIn.objects.create(user=user, day=today - timedelta(days=n), pain=pain)


def test_the_client_list_shows_the_rows_with_their_numbers(alert, anna, bram, pieter_browser):
    checkins(anna, [2] * 14 + [6] * 14)  # four weeks: 2, 2, 6, 6 → rising
    response = pieter_browser.get(CLIENTS)
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["page"], body["pages"], body["per_page"]) == (1, 1, 1, 25)
    [row] = body["items"]  # Bram gave Pieter no access
    assert (row["id"], row["name"], row["email"]) == (anna.pk, "Anna", "anna@example.org")
    assert row["url"] == f"/praktijk/clienten/{anna.pk}/"
    assert row["last_checkin"] == local_today(anna).isoformat() and row["days_silent"] == 0
    assert row["weekly_pain"] == [2.0, 2.0, 6.0, 6.0] and row["direction"] == "rising"
    assert row["open_alerts"] == 1 and row["last_contact_kind"] == "access"
    [log] = access_log_rows(anna)
    assert (log.kind, log.action, log.object_ref) == ("client_list", "list", "")
    assert not access_log_rows(bram)


def test_the_client_list_searches_filters_sorts_and_pages(anna, bram, pieter, pieter_browser):
    give_access(anna, pieter)
    give_access(bram, pieter)
    checkins(bram, [4])

    def names(query: str) -> list[str]:
        response = pieter_browser.get(f"{CLIENTS}?{query}")
        assert response.status_code == 200, response.content
        return [r["name"] for r in response.json()["items"]]

    assert names("") == ["Anna", "Bram"]
    assert names("sort=-name") == ["Bram", "Anna"]
    assert names("q=BRAM") == ["Bram"]
    assert names("flag=silent") == ["Anna"]  # never checked in
    assert names("flag=alerts") == []
    assert names("sort=checkin") == ["Anna", "Bram"]  # never first
    assert names("step=2") == []
    ProgramProgress.objects.create(user=bram, start_step=2, current_step=2)
    assert names("step=2") == ["Bram"]
    assert names("step=1") == []
    assert names("page=1&sort=name") == ["Anna", "Bram"]
    past = pieter_browser.get(f"{CLIENTS}?page=2")
    assert past.status_code == 404 and past.json() == {"detail": "Not found."}


def test_the_documented_orders_and_flags_are_the_lists():
    assert set(get_args(practice_api.Sort)) == set(overview.SORTS)
    assert set(get_args(practice_api.Flag)) == set(overview.FLAGS)


@pytest.mark.parametrize(
    "query", ["flag=all", "step=6", "sort=pain", "page=0", "page=one", "q=" + "x" * 101, "per=2"]
)
def test_a_client_list_query_that_does_not_fit_is_422(anna, pieter, pieter_browser, query):
    give_access(anna, pieter)
    response = pieter_browser.get(f"{CLIENTS}?{query}")
    assert response.status_code == 422
    assert query.split("=")[0] in response.json()["errors"]
    assert not AccessLog.objects.exists()


def test_nobody_else_sees_the_client_on_their_list(alert, anna, pieter, kees, rita_browser):
    for browser in (signed_in_browser(kees), rita_browser):
        assert browser.get(CLIENTS).json()["items"] == []
    access = PractitionerAccess.objects.get(client=anna, practitioner=pieter)
    revoke_access(anna, access.pk)
    assert signed_in_browser(pieter).get(CLIENTS).json()["count"] == 0
    assert not AccessLog.objects.exists()


def test_the_client_list_takes_a_fixed_number_of_queries(
    anna, pieter, pieter_browser, django_assert_num_queries
):
    give_access(anna, pieter)
    checkins(anna, [3, 4, 5])
    pieter_browser.get(CLIENTS)
    with django_assert_num_queries(NUM_LIST_QUERIES):
        pieter_browser.get(CLIENTS)
    for n in range(4):
        other = make_client_user(f"c{n}@example.org")
        give_access(other, pieter)
        checkins(other, [n, n + 1, 5])
    with django_assert_num_queries(NUM_LIST_QUERIES):
        assert pieter_browser.get(CLIENTS).json()["count"] == 5


# the session, the user, the device; the page's ids with the count, their rows; the membership
# (the practice's name in the log), the access-log rows
NUM_LIST_QUERIES = 7


# --- a client's summary ----------------------------------------------------------------------


def test_the_summary_of_a_client(alert, anna, pieter_browser):
    checkins(anna, [5] * 14 + [2] * 14)
    response = pieter_browser.get(summary_url(anna))
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["name"], body["email"]) == (anna.pk, "Anna", "anna@example.org")
    assert body["url"] == f"/praktijk/clienten/{anna.pk}/" and body["open_alerts"] == 1
    assert body["pijntest"]["id"] == str(alert.response_id)
    assert body["pijntest"]["change"] is None  # her first
    diary = body["diary"]
    assert (diary["last_two_weeks_mean"], diary["previous_two_weeks_mean"]) == (2.0, 5.0)
    assert (diary["change"], diary["meaningful"], diary["direction"]) == (-3.0, True, "better")
    assert len(diary["weeks"]) == 4
    assert body["what_calms_me"] == []
    [log] = access_log_rows(anna)
    assert (log.kind, log.action) == ("summary", "view")


def test_the_summary_is_404_for_anyone_but_the_practitioner_with_access(
    alert, anna, bram, pieter, pieter_browser, kees, rita_browser
):
    for browser in (signed_in_browser(kees), rita_browser):
        response = browser.get(summary_url(anna))
        assert response.status_code == 404 and response.json() == {"detail": "Not found."}
    assert pieter_browser.get(summary_url(bram)).status_code == 404  # no access
    assert pieter_browser.get(f"{CLIENTS}/{pieter.pk}").status_code == 404  # not a client
    assert pieter_browser.get(f"{CLIENTS}/999999").status_code == 404
    assert pieter_browser.get(f"{CLIENTS}/anna").status_code == 422
    revoke_access(anna, PractitionerAccess.objects.get(client=anna, practitioner=pieter).pk)
    assert pieter_browser.get(summary_url(anna)).status_code == 404
    assert not AccessLog.objects.exists()


def test_clients_and_assistants_get_no_summary_or_list(anna, pieter, assistant, anna_browser):
    give_access(anna, pieter)
    for browser in (anna_browser, signed_in_browser(assistant)):
        for url in (CLIENTS, summary_url(anna), notes_url(anna)):
            assert browser.get(url).status_code == 403, url
        assert post(browser, notes_url(anna), {"body": "x"}).status_code == 403
    anonymous = Client()
    for url in (CLIENTS, summary_url(anna), notes_url(anna)):
        assert anonymous.get(url).status_code == 401
    assert post(anonymous, notes_url(anna), {"body": "x"}).status_code == 401
    assert not AccessLog.objects.exists() and not ClientNote.objects.exists()


# --- notes -----------------------------------------------------------------------------------


@pytest.fixture
def with_access(anna, pieter) -> User:
    give_access(anna, pieter)
    return anna


def test_writing_a_note_and_reading_it_back(with_access, anna, pieter_browser):
    response = post(pieter_browser, notes_url(anna), {"body": "  Rug beter na wandelen.  "})
    assert response.status_code == 201
    note = response.json()
    assert note["body"] == "Rug beter na wandelen." and note["author"] == "Pieter"
    assert note["practice"] == "Fysio De Brug" and note["editable"] is True
    assert note["appendable"] is False and note["addenda"] == []
    stored = ClientNote.objects.get()
    assert (stored.client, stored.body, stored.pk) == (anna, "Rug beter na wandelen.", note["id"])
    [change] = access_log_rows(anna)
    assert (change.kind, change.action) == ("notes", "change")

    listed = pieter_browser.get(notes_url(anna))
    assert listed.status_code == 200
    assert listed.json()["count"] == 1 and listed.json()["items"][0]["id"] == note["id"]
    assert [(r.kind, r.action) for r in access_log_rows(anna)] == [
        ("notes", "change"),
        ("notes", "view"),
    ]


def test_a_repeated_note_is_stored_once(with_access, anna, pieter_browser):
    first = post(pieter_browser, notes_url(anna), {"body": "Gebeld."})
    again = post(pieter_browser, notes_url(anna), {"body": "Gebeld."})  # a retry
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"] and ClientNote.objects.count() == 1
    assert len(access_log_rows(anna)) == 1


def test_an_addendum_after_the_edit_window(with_access, anna, pieter, pieter_browser, kees):
    note_id = post(pieter_browser, notes_url(anna), {"body": "Eerste indruk."}).json()["id"]
    ClientNote.objects.filter(pk=note_id).update(created_at=ago(hours=25), updated_at=ago(hours=25))
    response = post(
        pieter_browser, notes_url(anna), {"body": "Aanvulling.", "addendum_to": note_id}
    )
    assert response.status_code == 201
    addendum = response.json()
    assert addendum["body"] == "Aanvulling." and addendum["addenda"] == []
    assert ClientNote.objects.get(pk=addendum["id"]).addendum_to_id == note_id
    [listed] = pieter_browser.get(notes_url(anna)).json()["items"]
    assert listed["appendable"] is True and listed["editable"] is False
    assert [a["body"] for a in listed["addenda"]] == ["Aanvulling."]

    # a colleague with access reads the practice's notes but adds only to their own
    give_access(anna, kees)
    colleague = signed_in_browser(kees)
    assert colleague.get(notes_url(anna)).json()["count"] == 1
    refused = post(colleague, notes_url(anna), {"body": "Van Kees.", "addendum_to": note_id})
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Only the author of a note adds to it."


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "body"),
        ({"body": "   "}, "body"),
        ({"body": 12}, "body"),
        ({"body": "x" * 5001}, "body"),
        ({"body": "x", "addendum_to": 999999}, "addendum_to"),
        ({"body": "x", "addendum_to": "een"}, "addendum_to"),
        ("een notitie", "body"),
    ],
)
def test_a_note_that_does_not_fit_is_422_with_the_field(
    with_access, anna, pieter_browser, body, field
):
    response = post(pieter_browser, notes_url(anna), body)
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"]
    assert not ClientNote.objects.exists() and not access_log_rows(anna)


def test_notes_are_404_for_anyone_but_practitioners_with_access(
    with_access, anna, bram, pieter, pieter_browser, kees, rita_browser
):
    post(pieter_browser, notes_url(anna), {"body": "Alleen voor de praktijk."})
    before = len(access_log_rows(anna))
    for browser in (signed_in_browser(kees), rita_browser):
        assert browser.get(notes_url(anna)).status_code == 404
        assert post(browser, notes_url(anna), {"body": "x"}).status_code == 404
        assert post(browser, notes_url(anna), {"body": 12}).status_code == 404  # 404 first
    assert post(pieter_browser, notes_url(bram), {"body": "x"}).status_code == 404
    revoke_access(anna, PractitionerAccess.objects.get(client=anna, practitioner=pieter).pk)
    assert pieter_browser.get(notes_url(anna)).status_code == 404
    assert post(pieter_browser, notes_url(anna), {"body": "x"}).status_code == 404
    assert ClientNote.objects.count() == 1 and len(access_log_rows(anna)) == before


def test_writing_a_note_needs_the_csrf_token(with_access, anna, pieter):
    browser = Client(enforce_csrf_checks=True)
    browser.cookies = signed_in_browser(pieter).cookies
    refused = post(browser, notes_url(anna), {"body": "Zonder token."})
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    assert not ClientNote.objects.exists()
    browser.get("/praktijk/")
    token = browser.cookies[settings.CSRF_COOKIE_NAME].value
    assert (
        post(browser, notes_url(anna), {"body": "Met token."}, HTTP_X_CSRFTOKEN=token).status_code
        == 201
    )


def test_the_notes_list_takes_a_fixed_number_of_queries(
    with_access, anna, pieter, pieter_browser, django_assert_num_queries
):
    post(pieter_browser, notes_url(anna), {"body": "De eerste."})
    pieter_browser.get(notes_url(anna))
    with django_assert_num_queries(NUM_NOTES_QUERIES):
        pieter_browser.get(notes_url(anna))
    first = ClientNote.objects.get()
    ClientNote.objects.filter(pk=first.pk).update(created_at=ago(hours=30))
    for n in range(3):
        notes.add_note(pieter, anna, f"Notitie {n}.")
        notes.add_note(pieter, anna, f"Aanvulling {n}.", addendum_to=first.pk)
    with django_assert_num_queries(NUM_NOTES_QUERIES):
        body = pieter_browser.get(notes_url(anna)).json()
    assert body["count"] == 4 and sum(len(n["addenda"]) for n in body["items"]) == 3


# the session, the user, the device; the client (client_for); the membership (the practice's
# name in the log, the practice whose notes are shared), the access-log row, the notes
NUM_NOTES_QUERIES = 7


def test_another_practice_with_access_sees_the_client_but_not_this_practices_notes(
    with_access, anna, pieter_browser, rita, rita_browser
):
    post(pieter_browser, notes_url(anna), {"body": "Binnen Fysio De Brug."})
    give_access(anna, rita)
    assert rita_browser.get(summary_url(anna)).status_code == 200
    assert [r["id"] for r in rita_browser.get(CLIENTS).json()["items"]] == [anna.pk]
    assert rita_browser.get(notes_url(anna)).json() == {"count": 0, "items": []}
    note = ClientNote.objects.get()
    refused = post(rita_browser, notes_url(anna), {"body": "x", "addendum_to": note.pk})
    assert refused.status_code == 422 and "addendum_to" in refused.json()["errors"]


@pytest.mark.parametrize("url", [CLIENTS, ALERTS])
def test_without_the_second_factor_nothing_is_read(anna, pieter, url):
    give_access(anna, pieter)
    browser = Client()
    log_in(browser, pieter.email)
    for target in (url, summary_url(anna), notes_url(anna)):
        response = browser.get(target)
        assert response.status_code == 403, target
        assert response.json() == {"detail": "Two-factor authentication required."}
    assert post(browser, notes_url(anna), {"body": "x"}).status_code == 403
    assert not AccessLog.objects.exists() and not ClientNote.objects.exists()
