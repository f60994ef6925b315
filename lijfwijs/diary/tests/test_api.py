"""The diary API through HTTP: check-ins, tags and insights, the caller's own only."""

import json
from datetime import date, time, timedelta

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from lijfwijs.accounts.models import User
from lijfwijs.accounts.services import give_health_consent, withdraw_health_consent
from lijfwijs.diary import services
from lijfwijs.diary.forms import CheckInForm
from lijfwijs.diary.models import CheckIn, Tag
from lijfwijs.exercises.models import Exercise

pytestmark = pytest.mark.django_db

CHECKINS = "/api/v1/checkins"
TAGS = "/api/v1/tags"
INSIGHTS = "/api/v1/insights"
BACKEND = "lijfwijs.accounts.backends.UserBackend"


def person(email: str, *, consent: bool = True) -> User:
    user = User.objects.create_user(email, "a-long-password-api", role="client")
    if consent:
        give_health_consent(user)
    return user


def signed_in(user: User, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user, backend=BACKEND)
    return client


@pytest.fixture
def anna(content):
    return person("anna-api@example.org")


@pytest.fixture
def bram(content):
    return person("bram-api@example.org")


@pytest.fixture
def api(anna):
    return signed_in(anna)


@pytest.fixture
def other(bram):
    return signed_in(bram)


def send(client: Client, method: str, url: str, body=None, **headers):
    data = body if isinstance(body, str | bytes) else json.dumps(body if body is not None else {})
    return client.generic(method, url, data, content_type="application/json", **headers)


def today(user) -> date:
    return services.local_today(user)


def add(user, day: date, pain: int = 5, **data) -> CheckIn:
    """A check-in straight through the service (fast set-up; the API is tested elsewhere)."""
    data = {"day": day, "time": time(9, 30), "pain": pain, **data}
    return services.save_checkin(user, data)[0]


# ---------------------------------------------------------------------------------------------
# Check-ins


def test_create_list_get_update_delete(api, anna):
    werkdruk = Tag.objects.get(key="werkdruk")
    exercise = Exercise.objects.active().first()
    body = {
        "day": today(anna).isoformat(),
        "time": "08:15",
        "pain": 6,
        "state": "sympathetic",
        "stress": 4,
        "sleep": 3,
        "energy": 7,
        "region_pain": {"lower_back": 7, "neck": 2},
        "tags": [werkdruk.pk],
        "new_tags": ["Tandarts"],
        "exercises": [exercise.slug],
        "note": "rugpijn na het tillen",
    }
    created = send(api, "POST", CHECKINS, body, HTTP_ACCEPT_LANGUAGE="nl")
    assert created.status_code == 201, created.content
    one = created.json()
    assert one["pain"] == 6 and one["state"] == "sympathetic" and one["time"] == "08:15"
    assert (one["stress"], one["sleep"], one["energy"]) == (4, 3, 7)
    assert one["region_pain"] == {"lower_back": 7, "neck": 2}
    assert one["day"] == today(anna).isoformat() and one["note"] == "rugpijn na het tillen"
    assert {t["name"] for t in one["tags"]} == {"Werkdruk", "Tandarts"}
    assert one["exercises"] == [exercise.slug]
    stored = CheckIn.objects.get(pk=one["id"])
    assert stored.user == anna and stored.note == "rugpijn na het tillen"

    listed = api.get(CHECKINS)
    assert listed.status_code == 200 and [c["id"] for c in listed.json()] == [one["id"]]
    assert listed["Cache-Control"].startswith("max-age=0") or "no-store" in listed["Cache-Control"]
    english = api.get(f"{CHECKINS}/{one['id']}", HTTP_ACCEPT_LANGUAGE="en").json()
    assert {t["name"] for t in english["tags"]} == {"Work pressure", "Tandarts"}

    yesterday = (today(anna) - timedelta(days=1)).isoformat()
    changed = send(api, "PUT", f"{CHECKINS}/{one['id']}", {"pain": 2, "day": yesterday})
    assert changed.status_code == 200, changed.content
    assert changed.json()["pain"] == 2 and changed.json()["day"] == yesterday
    assert changed.json()["time"] == "08:15"  # kept: PUT's default is the check-in's own
    assert changed.json()["tags"] == [] and changed.json()["note"] == ""  # PUT replaces all
    assert CheckIn.objects.get().pain == 2

    deleted = api.delete(f"{CHECKINS}/{one['id']}")
    assert deleted.status_code == 204 and deleted.content == b""
    assert CheckIn.objects.count() == 0
    assert api.get(f"{CHECKINS}/{one['id']}").status_code == 404


def test_day_and_time_default_to_now(api, anna):
    response = send(api, "POST", CHECKINS, {"pain": 3})
    assert response.status_code == 201
    assert response.json()["day"] == today(anna).isoformat()


def test_a_repeated_client_key_returns_the_first_check_in(api):
    body = {"pain": 4, "client_key": "6f1c2e9a-3b4d-4c8e-9f10-2a3b4c5d6e7f"}
    first = send(api, "POST", CHECKINS, body)
    again = send(api, "POST", CHECKINS, {**body, "pain": 9})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"] and again.json()["pain"] == 4
    assert CheckIn.objects.count() == 1


def test_the_same_client_key_of_another_person_is_not_theirs(api, other):
    body = {"pain": 4, "client_key": "same-key"}
    assert send(api, "POST", CHECKINS, body).status_code == 201
    assert send(other, "POST", CHECKINS, body).status_code == 201
    assert CheckIn.objects.count() == 2


INVALID = {
    "day": "2000-01-01",
    "time": "",
    "stress": 12,
    "state": "happy",
    "region_pain": {"neck": 11, "knee": 3},
    "tags": [999999],
    "exercises": ["no-such-exercise"],
    "note": "x" * 2001,
    "client_key": "not a key",
    "new_tags": ["x" * 61],
}
FIELDS = {
    "day",
    "time",
    "pain",
    "stress",
    "state",
    "region_pain.neck",
    "region_pain.knee",
    "tags",
    "exercises",
    "note",
    "client_key",
    "new_tags",
}


@pytest.mark.parametrize("language", ["nl", "en"])
def test_validation_gives_the_forms_message_per_field(api, anna, language):
    response = send(api, "POST", CHECKINS, INVALID, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 422
    assert response["Content-Language"] == language
    errors = response.json()["errors"]
    assert set(errors) == FIELDS
    assert CheckIn.objects.count() == 0
    # the page's form says the same in the same language
    with translation.override(language):
        form = CheckInForm(
            {"stress": "12", "region_neck": "11", "note": "x" * 2001, "new_tags": "x" * 61},
            user=anna,
        )
        assert not form.is_valid()
        for field in ("pain", "stress", "note", "new_tags"):
            assert errors[field] == " ".join(form.errors[field]), field
        assert errors["region_pain.neck"] == " ".join(form.errors["region_neck"])
    if language == "nl":
        assert errors["pain"] == "Kies een getal van 0 tot en met 10."
        assert errors["time"] == "Dit veld is verplicht."
        assert errors["day"].startswith("Selecteer een geldige keuze. 2000-01-01")
        assert "2000" in errors["note"] and errors["note"].startswith("Zorg")
        assert errors["client_key"].startswith("Voer een geldige")
    else:
        assert errors["time"] == "This field is required."
        assert errors["day"] == (
            "Select a valid choice. 2000-01-01 is not one of the available choices."
        )
        assert errors["exercises"] == (
            "Select a valid choice. no-such-exercise is not one of the available choices."
        )
        assert errors["tags"].startswith("Select a valid choice. 999999")
        assert errors["region_pain.knee"].startswith("Select a valid choice. knee")
        assert errors["note"].startswith("Ensure this value has at most 2000 characters")
        assert errors["client_key"].startswith("Enter a valid")


def test_days_before_the_last_week_are_refused(api, anna):
    too_old = (today(anna) - timedelta(days=8)).isoformat()
    last = (today(anna) - timedelta(days=7)).isoformat()
    assert send(api, "POST", CHECKINS, {"pain": 1, "day": too_old}).status_code == 422
    assert send(api, "POST", CHECKINS, {"pain": 1, "day": last}).status_code == 201


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"pain": "6", "tags": "1"}, "tags"),
        ({"pain": 6, "tags": [True]}, "tags"),
        ({"pain": 6, "tags": ["1\x00"]}, "tags"),
        ({"pain": 6, "tags": [10**30]}, "tags"),
        ({"pain": 6, "exercises": [{"slug": "x"}]}, "exercises"),
        ({"pain": 6, "exercises": ["a\x00b"]}, "exercises"),
        ({"pain": 6, "note": ["a list"]}, "note"),
        ({"pain": 6, "note": "nul\x00byte"}, "note"),
        ({"pain": 6, "client_key": "a\x00b"}, "client_key"),
        ({"pain": 6, "region_pain": [1, 2]}, "region_pain"),
        ({"pain": 6.5}, "pain"),
        ({"pain": True}, "pain"),
        ({"pain": {"n": 6}}, "pain"),
        ({"pain": 6, "new_tags": [1, 2]}, "new_tags"),
        ({"pain": 6, "new_tags": ["tag\x00"]}, "new_tags"),
    ],
)
def test_odd_values_are_422_for_their_field(api, body, field):
    response = send(api, "POST", CHECKINS, body)
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"]
    assert CheckIn.objects.count() == 0


def test_whole_numbers_in_any_json_form_are_taken(api):
    response = send(api, "POST", CHECKINS, {"pain": 6.0, "stress": "4", "tags": None})
    assert response.status_code == 201 and response.json()["stress"] == 4


def test_put_validates_like_post(api, anna):
    checkin = add(anna, today(anna))
    response = send(api, "PUT", f"{CHECKINS}/{checkin.pk}", {"pain": 11, "state": "x"})
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"pain", "state"}
    assert CheckIn.objects.get().pain == 5


def test_an_old_check_in_keeps_its_day_when_changed(api, anna):
    """A check-in from before the last week may be corrected and keeps its day; it cannot be
    moved to another old day."""
    old = today(anna) - timedelta(days=30)
    checkin = add(anna, old)
    response = send(api, "PUT", f"{CHECKINS}/{checkin.pk}", {"pain": 2})
    assert response.status_code == 200, response.json()
    checkin.refresh_from_db()
    assert checkin.pain == 2 and checkin.day == old
    other = (old - timedelta(days=1)).isoformat()
    moved = send(api, "PUT", f"{CHECKINS}/{checkin.pk}", {"pain": 3, "day": other})
    assert moved.status_code == 422 and set(moved.json()["errors"]) == {"day"}


def test_bodies_that_are_not_json_objects(api):
    assert send(api, "POST", CHECKINS, "{not json").status_code == 400
    assert send(api, "POST", CHECKINS, b"\xff\xfe").status_code == 400
    not_an_object = send(api, "POST", CHECKINS, "[1, 2]")
    assert not_an_object.status_code == 422 and "body" in not_an_object.json()["errors"]
    assert send(api, "POST", CHECKINS, "[" * 100_000).status_code == 400
    assert CheckIn.objects.count() == 0


def test_only_json_bodies(api, anna):
    assert api.post(CHECKINS, {"pain": "5"}).status_code == 415  # a form
    response = api.generic("POST", CHECKINS, '{"pain": 5}', content_type="text/plain")
    assert response.status_code == 415 and "application/json" in response.json()["detail"]
    checkin = add(anna, today(anna))
    assert api.put(f"{CHECKINS}/{checkin.pk}", "pain=1").status_code == 415
    assert CheckIn.objects.count() == 1


def test_list_is_the_last_30_days_by_default_and_takes_a_range(api, anna):
    now = today(anna)
    old = CheckIn.objects.create(user=anna, day=now - timedelta(days=30), pain=1)
    edge = CheckIn.objects.create(user=anna, day=now - timedelta(days=29), pain=2)
    new = add(anna, now, pain=3)
    assert [c["id"] for c in api.get(CHECKINS).json()] == [str(new.pk), str(edge.pk)]
    first, last = (now - timedelta(days=30)).isoformat(), (now - timedelta(days=29)).isoformat()
    ranged = api.get(CHECKINS, {"from": first, "to": last}).json()
    assert [c["id"] for c in ranged] == [str(edge.pk), str(old.pk)]
    assert [c["id"] for c in api.get(CHECKINS, {"from": last}).json()] == [
        str(new.pk),
        str(edge.pk),
    ]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "2024-01-01", "to": "2025-02-04"}, "to"),  # 401 days
        ({"from": "2024-02-01", "to": "2024-01-01"}, "from"),
        ({"from": "yesterday"}, "from"),
        ({"to": "2024-13-01"}, "to"),
        ({"from": "0001-01-01"}, "to"),
        ({"to": "0001-01-05"}, None),  # far back, but a valid range: no error
    ],
)
def test_list_ranges(api, query, field):
    response = api.get(CHECKINS, query)
    if field is None:
        assert response.status_code == 200 and response.json() == []
    else:
        assert response.status_code == 422 and field in response.json()["errors"]


def test_a_range_of_400_days_is_allowed(api):
    assert api.get(CHECKINS, {"from": "2024-01-01", "to": "2025-02-03"}).status_code == 200


def test_other_people_get_404_on_every_id(api, other, anna, bram):
    mine = send(api, "POST", CHECKINS, {"pain": 5, "note": "geheim"}).json()
    url = f"{CHECKINS}/{mine['id']}"
    assert other.get(url).status_code == 404
    assert send(other, "PUT", url, {"pain": 1}).status_code == 404
    assert other.delete(url).status_code == 404
    assert other.get(CHECKINS).json() == []
    assert CheckIn.objects.get().pain == 5
    own = send(api, "POST", TAGS, {"name": "Tandarts"}).json()
    theirs = send(other, "POST", TAGS, {"name": "Fietsen"}).json()
    assert send(other, "PATCH", f"{TAGS}/{own['id']}", {"name": "weg"}).status_code == 404
    merge = send(other, "POST", f"{TAGS}/{own['id']}/merge", {"into": theirs["id"]})
    assert merge.status_code == 404
    into_theirs = send(api, "POST", f"{TAGS}/{own['id']}/merge", {"into": theirs["id"]})
    assert into_theirs.status_code == 422 and "into" in into_theirs.json()["errors"]
    assert Tag.objects.filter(user=anna).count() == 1 and Tag.objects.filter(user=bram).count() == 1
    assert "Tandarts" not in {t["name"] for t in other.get(TAGS).json()}


@pytest.mark.parametrize("odd", ["not-a-uuid", "%00", "1234"])
def test_odd_check_in_ids_never_reach_the_database(api, odd):
    assert api.get(f"{CHECKINS}/{odd}").status_code in (404, 422)


def test_anonymous_is_401_everywhere(anna):
    checkin = add(anna, today(anna))
    tag = services.own_tag(anna, "Tandarts")
    anonymous = Client()
    calls = [
        ("GET", CHECKINS),
        ("POST", CHECKINS),
        ("GET", f"{CHECKINS}/{checkin.pk}"),
        ("PUT", f"{CHECKINS}/{checkin.pk}"),
        ("DELETE", f"{CHECKINS}/{checkin.pk}"),
        ("GET", TAGS),
        ("POST", TAGS),
        ("PATCH", f"{TAGS}/{tag.pk}"),
        ("POST", f"{TAGS}/{tag.pk}/merge"),
        ("GET", INSIGHTS),
    ]
    for method, url in calls:
        response = send(anonymous, method, url, {"pain": 5, "name": "x", "into": 1})
        assert response.status_code == 401, (method, url)
        assert response.json() == {"detail": "Not authenticated."}
    assert CheckIn.objects.count() == 1 and Tag.objects.filter(user=anna).count() == 1


def test_signed_in_writes_need_the_csrf_token(anna):
    browser = signed_in(anna, enforce_csrf_checks=True)
    refused = send(browser, "POST", CHECKINS, {"pain": 5})
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    assert send(browser, "POST", TAGS, {"name": "Tandarts"}).status_code == 403
    assert CheckIn.objects.count() == 0 and not Tag.objects.filter(user=anna).exists()
    assert browser.get(CHECKINS).status_code == 200  # reading needs no token
    browser.get("/dagboek/nieuw/")  # a page sets the CSRF cookie, as in a browser
    token = browser.cookies[settings.CSRF_COOKIE_NAME].value
    created = send(browser, "POST", CHECKINS, {"pain": 5}, HTTP_X_CSRFTOKEN=token)
    assert created.status_code == 201
    url = f"{CHECKINS}/{created.json()['id']}"
    assert send(browser, "PUT", url, {"pain": 1}).status_code == 403
    assert browser.delete(url).status_code == 403
    assert CheckIn.objects.get().pain == 5
    assert browser.delete(url, HTTP_X_CSRFTOKEN=token).status_code == 204


def test_without_consent_writes_are_403_reads_and_deletes_are_not(content):
    user = person("zonder-api@example.org", consent=False)
    client = signed_in(user)
    response = send(client, "POST", CHECKINS, {"pain": 5})
    assert response.status_code == 403 and "consent" in response.json()["detail"]
    assert send(client, "POST", TAGS, {"name": "Tandarts"}).status_code == 403
    assert client.get(CHECKINS).json() == [] and client.get(TAGS).status_code == 200
    assert client.get(INSIGHTS).status_code == 200
    leftover = CheckIn.objects.create(user=user, day=today(user), pain=3)
    assert send(client, "PUT", f"{CHECKINS}/{leftover.pk}", {"pain": 1}).status_code == 403
    assert client.delete(f"{CHECKINS}/{leftover.pk}").status_code == 204  # erasure: always


def test_withdrawn_consent_stops_writes(api, anna):
    assert send(api, "POST", CHECKINS, {"pain": 5}).status_code == 201
    withdraw_health_consent(anna)
    assert send(api, "POST", CHECKINS, {"pain": 5}).status_code == 403
    assert api.get(CHECKINS).json() == []  # erased with the withdrawal


def test_list_queries_do_not_grow_with_the_rows(api, anna, django_assert_max_num_queries):
    tags = list(Tag.objects.filter(user__isnull=True)[:3])
    slugs = list(Exercise.objects.active().values_list("pk", flat=True)[:2])

    def fill(count: int) -> None:
        for n in range(count):
            add(anna, today(anna) - timedelta(days=n % 25), pain=n % 11, tags=tags, exercises=slugs)

    fill(3)
    with CaptureQueriesContext(connection) as few:
        assert len(api.get(CHECKINS).json()) == 3
    fill(27)
    with django_assert_max_num_queries(len(few)):
        assert len(api.get(CHECKINS).json()) == 30


def test_insights_queries_do_not_grow_with_the_rows(api, anna, django_assert_max_num_queries):
    tags = list(Tag.objects.filter(user__isnull=True)[:3])

    def fill(count: int, start: int) -> None:
        for n in range(start, start + count):
            add(anna, today(anna) - timedelta(days=n), pain=n % 11, tags=tags[: n % 4])

    fill(3, 0)
    with CaptureQueriesContext(connection) as few:
        assert api.get(INSIGHTS).json()["checkins"] == 3
    fill(27, 3)
    with django_assert_max_num_queries(len(few)):
        assert api.get(INSIGHTS).json()["checkins"] == 30


# ---------------------------------------------------------------------------------------------
# Tags


def test_tags_are_the_starter_vocabulary_and_ones_own(api, anna, bram):
    services.own_tag(anna, "Tandarts", Tag.Kind.ACTIVITY)
    services.own_tag(bram, "Fietsen")
    nl = api.get(TAGS, HTTP_ACCEPT_LANGUAGE="nl").json()
    en = api.get(TAGS, HTTP_ACCEPT_LANGUAGE="en").json()
    names = {t["name"]: t for t in nl}
    assert names["Werkdruk"]["own"] is False and names["Werkdruk"]["kind"] == "trigger"
    assert names["Tandarts"] == {**names["Tandarts"], "own": True, "kind": "activity"}
    assert "Fietsen" not in names
    assert "Work pressure" in {t["name"] for t in en}
    assert len(nl) == Tag.objects.filter(user__isnull=True, is_active=True).count() + 1


def test_create_a_tag_or_get_the_existing_one(api, anna):
    created = send(api, "POST", TAGS, {"name": "  Tandarts   bezoek ", "kind": "activity"})
    assert created.status_code == 201
    tag = created.json()
    assert tag["name"] == "Tandarts bezoek" and tag["kind"] == "activity" and tag["own"] is True
    again = send(api, "POST", TAGS, {"name": "tandarts bezoek"})
    assert again.status_code == 200 and again.json()["id"] == tag["id"]
    starter = send(api, "POST", TAGS, {"name": "werkdruk"})
    assert starter.status_code == 200 and starter.json()["own"] is False
    english = send(api, "POST", TAGS, {"name": "Work pressure"})
    assert english.status_code == 200 and english.json()["id"] == starter.json()["id"]
    assert Tag.objects.filter(user=anna).count() == 1


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"name": "   "},
        {"name": "x" * 61},
        {"name": "a\x00b"},
        {"name": 5},
        {"name": "x", "kind": "y"},
    ],
)
def test_tag_names_are_checked(api, body):
    response = send(api, "POST", TAGS, body)
    assert response.status_code == 422 and response.json()["errors"]
    assert not Tag.objects.filter(user__isnull=False).exists()


def test_rename_an_own_tag(api, anna):
    tag = services.own_tag(anna, "Tandarts")
    services.own_tag(anna, "Fietsen")
    renamed = send(api, "PATCH", f"{TAGS}/{tag.pk}", {"name": "Tandartsbezoek"})
    assert renamed.status_code == 200 and renamed.json()["name"] == "Tandartsbezoek"
    tag.refresh_from_db()
    assert tag.name_nl == tag.name_en == "Tandartsbezoek"
    assert send(api, "PATCH", f"{TAGS}/{tag.pk}", {"name": "tandartsBEZOEK"}).status_code == 200
    clash = send(api, "PATCH", f"{TAGS}/{tag.pk}", {"name": "fietsen"}, HTTP_ACCEPT_LANGUAGE="nl")
    assert clash.status_code == 422 and clash.json()["errors"]["name"]
    starter_name = send(api, "PATCH", f"{TAGS}/{tag.pk}", {"name": "Werkdruk"})
    assert starter_name.status_code == 422
    assert send(api, "PATCH", f"{TAGS}/{tag.pk}", {"name": ""}).status_code == 422
    tag.refresh_from_db()
    assert tag.name_nl == "tandartsBEZOEK"


def test_starter_tags_cannot_be_renamed_or_merged(api, anna):
    werkdruk = Tag.objects.get(key="werkdruk")
    own = services.own_tag(anna, "Tandarts")
    assert send(api, "PATCH", f"{TAGS}/{werkdruk.pk}", {"name": "Druk"}).status_code == 403
    merge = send(api, "POST", f"{TAGS}/{werkdruk.pk}/merge", {"into": own.pk})
    assert merge.status_code == 403
    werkdruk.refresh_from_db()
    assert werkdruk.name_nl == "Werkdruk"


@pytest.mark.parametrize("tag_id", ["999999", "99999999999999999999999", "0"])
def test_unknown_tags_are_404(api, tag_id):
    assert send(api, "PATCH", f"{TAGS}/{tag_id}", {"name": "x"}).status_code == 404
    assert send(api, "POST", f"{TAGS}/{tag_id}/merge", {"into": 1}).status_code == 404


def test_merge_an_own_tag_into_a_starter_tag(api, anna):
    werkdruk = Tag.objects.get(key="werkdruk")
    own = services.own_tag(anna, "Drukte op het werk")
    both = add(anna, today(anna), tags=[own, werkdruk])
    only_own = add(anna, today(anna), tags=[own])
    neither = add(anna, today(anna))
    merged = send(api, "POST", f"{TAGS}/{own.pk}/merge", {"into": werkdruk.pk})
    assert merged.status_code == 200 and merged.json()["id"] == werkdruk.pk
    assert not Tag.objects.filter(pk=own.pk).exists()
    assert [t.pk for t in both.tags.all()] == [werkdruk.pk]
    assert [t.pk for t in only_own.tags.all()] == [werkdruk.pk]
    assert not neither.tags.exists()


def test_merge_two_own_tags(api, anna):
    a = services.own_tag(anna, "Tandarts")
    b = services.own_tag(anna, "Tandartsbezoek")
    checkin = add(anna, today(anna), tags=[a])
    assert send(api, "POST", f"{TAGS}/{a.pk}/merge", {"into": b.pk}).status_code == 200
    assert [t.pk for t in checkin.tags.all()] == [b.pk]
    itself = send(api, "POST", f"{TAGS}/{b.pk}/merge", {"into": b.pk})
    assert itself.status_code == 422 and "into" in itself.json()["errors"]
    missing = send(api, "POST", f"{TAGS}/{b.pk}/merge", {"into": 10**30})
    assert missing.status_code == 422
    assert send(api, "POST", f"{TAGS}/{b.pk}/merge", {}).status_code == 422


# ---------------------------------------------------------------------------------------------
# Insights


def test_insights_shape(api, anna):
    werkdruk = Tag.objects.get(key="werkdruk")
    start = today(anna) - timedelta(days=39)
    for n in range(40):  # 40 days: werkdruk on even days, with more pain
        tagged = n % 2 == 0
        CheckIn.objects.create(
            user=anna,
            day=start + timedelta(days=n),
            pain=7 if tagged else 4,
            sleep=n % 10,
            stress=(n * 3) % 11,
        ).tags.set([werkdruk] if tagged else [])
    response = api.get(INSIGHTS, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {
        "today",
        "checkins",
        "days",
        "trend",
        "tag_effects",
        "correlations",
        "flare_up",
    }
    assert data["today"] == today(anna).isoformat() and data["checkins"] == data["days"] == 40
    trend = data["trend"]
    assert len(trend["series"]) == 40 and trend["series"][0]["day"] == start.isoformat()
    assert trend["enough_data"] is True and trend["direction"] in ("better", "worse", "same")
    effects = [e for e in data["tag_effects"] if e["kind"] == "tag"]
    assert {(e["tag_id"], e["tag"], e["lag"]) for e in effects} == {
        (werkdruk.pk, "Work pressure", 0),
        (werkdruk.pk, "Work pressure", 1),
    }
    same_day = next(e for e in effects if e["lag"] == 0)
    assert same_day["mean_with"] == 7.0 and same_day["difference"] == 3.0  # 7 against 4
    sleep = next(e for e in data["tag_effects"] if e["kind"] == "low_sleep")
    assert sleep["tag_id"] is None and sleep["tag"] is None
    assert {c["variable"] for c in data["correlations"]} == {"sleep", "stress"}
    assert data["flare_up"] is None or set(data["flare_up"]) >= {"baseline", "rise", "active"}
    for point in trend["series"]:
        if point["rolling"] is not None:
            assert point["rolling"] == round(point["rolling"], 2)


def test_insights_of_an_empty_diary(api):
    data = api.get(INSIGHTS).json()
    assert data["checkins"] == 0 and data["trend"]["series"] == [] and data["flare_up"] is None
    assert data["tag_effects"] == [] or all(not e["enough_data"] for e in data["tag_effects"])


def test_insights_are_the_callers_own(api, other, anna):
    for n in range(5):
        add(anna, today(anna) - timedelta(days=n), pain=8)
    assert api.get(INSIGHTS).json()["checkins"] == 5
    assert other.get(INSIGHTS).json()["checkins"] == 0


def test_the_routes_are_in_the_openapi_schema(api):
    schema = api.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    assert set(paths[CHECKINS]) == {"get", "post"}
    assert set(paths[CHECKINS + "/{checkin_id}"]) == {"get", "put", "delete"}
    assert set(paths[TAGS]) == {"get", "post"}
    assert "patch" in paths[TAGS + "/{tag_id}"] and "post" in paths[TAGS + "/{tag_id}/merge"]
    assert "get" in paths[INSIGHTS]
    body = paths[CHECKINS]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert {"pain", "tags", "exercises", "client_key"} <= set(body["properties"])
    assert {"CheckInOut", "TagOut", "InsightsOut"} <= set(schema["components"]["schemas"])


# ---------------------------------------------------------------------------------------------
# Fuzzing

# Any text, lone surrogates and NUL included (st.text() leaves surrogates out by default).
any_text = st.text(st.characters() | st.characters(categories=["Cs"]), max_size=20)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | any_text
    | st.sampled_from(["\ud800", "a\x00b", "6", "09:30"]),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(any_text, children, max_size=4)
    ),
    max_leaves=12,
)
FIELD_NAMES = st.sampled_from(
    [
        "day",
        "time",
        "pain",
        "state",
        "stress",
        "sleep",
        "energy",
        "region_pain",
        "tags",
        "new_tags",
        "exercises",
        "note",
        "client_key",
    ]
)


@hypothesis_settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.dictionaries(FIELD_NAMES | any_text, json_values, max_size=10))
def test_fuzzed_check_ins_never_give_a_server_error(api, body):
    with transaction.atomic():
        response = send(api, "POST", CHECKINS, json.dumps(body))
        transaction.set_rollback(True)  # every example starts from the same empty diary
    assert response.status_code in (200, 201, 422), response.content
    assert not CheckIn.objects.exists()
    assert response.json()
