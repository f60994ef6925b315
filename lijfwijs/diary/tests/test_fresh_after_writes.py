"""What is computed from the diary is never older than the diary: after every kind of write the
next insights page, insights API answer and start page show the new state, and a flare-up
notice goes away the next local day."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from freezegun import freeze_time

from lijfwijs.accounts.models import User
from lijfwijs.accounts.services import give_health_consent
from lijfwijs.diary import services
from lijfwijs.diary.models import CheckIn, Tag

pytestmark = pytest.mark.django_db

INSIGHTS = "/dagboek/inzichten/"
API = "/api/v1/insights"


@pytest.fixture
def anna():
    user = User.objects.create_user("anna-vers@example.org", None, role="client")
    give_health_consent(user)
    return user


@pytest.fixture
def page(anna):
    client = Client()
    client.force_login(anna, backend="lijfwijs.accounts.backends.UserBackend")
    return client


def checkin(page, anna, days_ago=0, **extra):
    data = {
        "day": (services.local_today(anna) - timedelta(days=days_ago)).isoformat(),
        "time": "09:30",
        "pain": "6",
    }
    data.update(extra)
    response = page.post("/dagboek/nieuw/", data)
    assert response.status_code == 302, response.content.decode()[:500]


def seen(page):
    """What the three places show: days on the insights page, check-ins in the API, and the
    start page's count of today's check-ins."""
    html = page.get(INSIGHTS).content.decode()
    api = page.get(API).json()
    start = page.get("/").content.decode()
    return html, api, start


def test_a_check_in_made_edited_and_deleted_through_the_page(page, anna):
    html, api, start = seen(page)  # computed and kept for this data version
    assert "0 dagen met check-ins" in html and api["checkins"] == 0
    assert "minder dan een minuut" in start

    checkin(page, anna)
    html, api, start = seen(page)
    assert "1 dag met check-ins" in html and api["checkins"] == 1
    assert "Je hebt vandaag één check-in gedaan." in start

    stored = CheckIn.objects.get(user=anna)
    yesterday = (services.local_today(anna) - timedelta(days=1)).isoformat()
    edited = page.post(f"/dagboek/{stored.pk}/", {"day": yesterday, "time": "10:00", "pain": "2"})
    assert edited.status_code == 302
    html, api, start = seen(page)
    assert api["trend"]["series"] == [{"day": yesterday, "pain": 2.0, "rolling": None}]
    assert "minder dan een minuut" in start  # today has none now

    assert page.post(f"/dagboek/{stored.pk}/verwijderen/").status_code == 302
    html, api, start = seen(page)
    assert "0 dagen met check-ins" in html and api["checkins"] == 0


def test_check_ins_through_the_api_and_an_offline_resend(page, anna):
    seen(page)
    body = {"pain": 5, "client_key": "offline-1"}
    sent = page.post("/api/v1/checkins", json.dumps(body), content_type="application/json")
    assert sent.status_code == 201
    assert page.get(API).json()["checkins"] == 1
    again = page.post("/api/v1/checkins", json.dumps(body), content_type="application/json")
    assert again.status_code == 200 and page.get(API).json()["checkins"] == 1
    checkin_id = sent.json()["id"]
    changed = page.put(
        f"/api/v1/checkins/{checkin_id}", json.dumps({"pain": 9}), content_type="application/json"
    )
    assert changed.status_code == 200
    assert [p["pain"] for p in page.get(API).json()["trend"]["series"]] == [9.0]
    assert page.delete(f"/api/v1/checkins/{checkin_id}").status_code == 204
    _html, api, start = seen(page)
    assert api["checkins"] == 0 and "minder dan een minuut" in start


def planted(page, anna, tag):
    """20 days, the tag on every other one with 4 points more pain: enough for a comparison."""
    for n in range(20):
        tagged = n % 2 == 0
        CheckIn.objects.create(
            user=anna,
            day=services.local_today(anna) - timedelta(days=n),
            pain=(7 if tagged else 3) + n % 3,
        ).tags.set([tag] if tagged else [])
    User.objects.data_changed(anna)  # stored past the services, as a bulk import would


def test_renaming_and_merging_a_tag(page, anna):
    mine = services.own_tag(anna, "Tuinieren")
    planted(page, anna, mine)
    effect = next(e for e in page.get(API).json()["tag_effects"] if e["tag_id"] == mine.pk)
    assert effect["tag"] == "Tuinieren" and "Tuinieren" in page.get(INSIGHTS).content.decode()

    renamed = page.post("/dagboek/tags/", {"tag": mine.pk, "action": "rename", "name": "Bukken"})
    assert renamed.status_code == 302
    html = page.get(INSIGHTS).content.decode()
    assert "Bukken" in html and "Tuinieren" not in html

    werkdruk = Tag.objects.get(key="werkdruk")
    merged = page.post("/dagboek/tags/", {"tag": mine.pk, "action": "merge", "into": werkdruk.pk})
    assert merged.status_code == 302
    ids = {e["tag_id"] for e in page.get(API).json()["tag_effects"]}
    assert werkdruk.pk in ids and mine.pk not in ids
    html = page.get(INSIGHTS).content.decode()
    assert "Werkdruk" in html and "Bukken" not in html


def test_after_consent_is_withdrawn_nothing_of_the_diary_is_shown(page, anna):
    planted(page, anna, Tag.objects.get(key="werkdruk"))
    html, api, start = seen(page)
    assert "Werkdruk" in html and api["checkins"] == 20 and "één check-in" in start
    assert page.post("/account/toestemming/", {"action": "withdraw"}).status_code == 302
    html = page.get(INSIGHTS).content.decode()
    assert "0 dagen met check-ins" in html and "Werkdruk" not in html
    assert "check-in gedaan" not in page.get("/").content.decode()
    answer = page.get(API)
    assert answer.status_code == 403 or answer.json()["checkins"] == 0


def flare(anna):
    """28 calm days, then two days 6 points higher (yesterday and the day before), none today:
    a flare-up today, resting on days that leave its window tomorrow."""
    today = services.local_today(anna)
    for n in range(1, 31):
        CheckIn.objects.create(user=anna, day=today - timedelta(days=n), pain=9 if n <= 2 else 3)
    User.objects.data_changed(anna)


def flare_shown(page):
    home = "Een opvlamming" in page.get("/").content.decode()
    insights = "Een opvlamming" in page.get(INSIGHTS).content.decode()
    api = (page.get(API).json()["flare_up"] or {}).get("active", False)
    assert home == insights == api
    return home


def test_a_flare_up_notice_goes_away_the_next_local_day(page, anna):
    with freeze_time("2026-03-10 12:00:00"):
        flare(anna)
        assert flare_shown(page)
    with freeze_time("2026-03-10 22:30:00"):  # 23:30 in Amsterdam: the same local day
        assert flare_shown(page)
    with freeze_time("2026-03-10 23:30:00"):  # 00:30 in Amsterdam: the next day
        assert not flare_shown(page)
