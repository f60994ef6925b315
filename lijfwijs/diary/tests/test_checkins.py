"""Check-ins through HTTP: the form, validation that keeps what was typed, edit, delete, other users."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lijfwijs.accounts.models import User
from lijfwijs.accounts.services import give_health_consent
from lijfwijs.diary import services
from lijfwijs.diary.models import CheckIn, Tag

pytestmark = pytest.mark.django_db


@pytest.fixture
def anna():
    user = User.objects.create_user("anna-dagboek@example.org", "a-long-password-1", role="client")
    give_health_consent(user)
    return user


@pytest.fixture
def browser(anna):
    client = Client()
    client.force_login(anna, backend="lijfwijs.accounts.backends.UserBackend")
    return client


def post_data(anna, **extra):
    data = {
        "day": services.local_today(anna).isoformat(),
        "time": "09:30",
        "pain": "6",
        "stress": "4",
    }
    data.update(extra)
    return data


def test_the_form_works_without_javascript(browser):
    html = browser.get("/dagboek/nieuw/").content.decode()
    assert 'name="pain"' in html and 'type="radio"' in html
    # the form is plain HTML; the only script is an external, deferred enhancement
    assert all(" src=" in tag for tag in re.findall(r"<script[^>]*>", html))
    assert "Werkdruk" in html  # the starter vocabulary


def test_a_check_in_is_saved_with_tags_and_an_encrypted_note(browser, anna):
    werkdruk = Tag.objects.get(key="werkdruk")
    response = browser.post(
        "/dagboek/nieuw/",
        post_data(
            anna,
            tags=[str(werkdruk.pk)],
            new_tags="Tandarts, tuinieren",
            note="rugpijn na het tillen",
            region_lower_back="7",
        ),
    )
    assert response.status_code == 302
    checkin = CheckIn.objects.get()
    assert checkin.pain == 6 and checkin.stress == 4 and checkin.region_pain == {"lower_back": 7}
    assert {t.name_nl for t in checkin.tags.all()} == {"Werkdruk", "Tandarts", "tuinieren"}
    assert checkin.day == services.local_today(anna)
    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM diary_checkin")
        assert "rugpijn" not in cursor.fetchone()[0]
    assert CheckIn.objects.get().note == "rugpijn na het tillen"


def test_a_rejected_check_in_keeps_everything(browser, anna):
    response = browser.post(
        "/dagboek/nieuw/",
        post_data(
            anna, pain="", stress="12", note="mijn notitie", region_neck="99", new_tags="eigen tag"
        ),
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Kies een getal van 0 tot en met 10." in html
    assert "mijn notitie" in html and 'value="99"' in html and 'value="eigen tag"' in html
    assert CheckIn.objects.count() == 0


def test_days_before_the_last_week_are_refused(browser, anna):
    too_old = (services.local_today(anna) - timedelta(days=8)).isoformat()
    assert browser.post("/dagboek/nieuw/", post_data(anna, day=too_old)).status_code == 422
    last = (services.local_today(anna) - timedelta(days=7)).isoformat()
    assert browser.post("/dagboek/nieuw/", post_data(anna, day=last)).status_code == 302


@pytest.mark.parametrize("day", ["abc", "2", "2026-02-30", ["2", "abc"]])
def test_a_day_that_is_no_date_is_refused_next_to_the_day(browser, anna, day):
    """Before: a new check-in with a day that is no date passed the rules (only an edit's own day
    was compared with it) and its save was a server error."""
    response = browser.post("/dagboek/nieuw/", post_data(anna, day=day, note="mijn notitie"))
    assert response.status_code == 422
    html = response.content.decode()
    day_field = html[html.index('<label for="id_day">') - 40 : html.index('<select name="day"')]
    assert "has-error" in day_field and "Selecteer een geldige keuze." in day_field
    assert "mijn notitie" in html
    assert CheckIn.objects.count() == 0


def test_several_a_day_and_the_list(browser, anna):
    for pain in ("3", "7"):
        browser.post("/dagboek/nieuw/", post_data(anna, pain=pain))
    assert CheckIn.objects.filter(day=services.local_today(anna)).count() == 2
    html = browser.get("/dagboek/").content.decode()
    assert html.count("/bewerken") == 0 and html.count("Bewerken") >= 2


def test_same_tags_as_yesterday_is_one_tap(browser, anna):
    yesterday = (services.local_today(anna) - timedelta(days=1)).isoformat()
    werkdruk = Tag.objects.get(key="werkdruk")
    browser.post("/dagboek/nieuw/", post_data(anna, day=yesterday, tags=[str(werkdruk.pk)]))
    response = browser.post("/dagboek/nieuw/", post_data(anna, copy_yesterday="1", note="bewaard"))
    html = response.content.decode()
    assert response.status_code == 200
    box = re.search(rf'<input type="checkbox" name="tags" value="{werkdruk.pk}"[^>]*>', html).group(
        0
    )
    assert "checked" in box
    assert "bewaard" in html
    assert CheckIn.objects.count() == 1  # nothing saved by the tap


def test_edit_and_delete(browser, anna):
    browser.post("/dagboek/nieuw/", post_data(anna))
    checkin = CheckIn.objects.get()
    assert browser.get(f"/dagboek/{checkin.pk}/").status_code == 200
    assert browser.post(f"/dagboek/{checkin.pk}/", post_data(anna, pain="2")).status_code == 302
    assert CheckIn.objects.get().pain == 2
    assert browser.post(f"/dagboek/{checkin.pk}/verwijderen/").status_code == 302
    assert CheckIn.objects.count() == 0


def test_an_old_check_in_keeps_its_day_when_edited(browser, anna):
    """Its day is offered and kept; it is not moved to today, nor to another old day."""
    old = services.local_today(anna) - timedelta(days=30)
    browser.post("/dagboek/nieuw/", post_data(anna))
    checkin = CheckIn.objects.get()
    CheckIn.objects.filter(pk=checkin.pk).update(day=old, at=checkin.at - timedelta(days=30))
    page = browser.get(f"/dagboek/{checkin.pk}/").content.decode()
    assert re.search(rf'<option value="{old.isoformat()}" selected>', page)
    edited = browser.post(f"/dagboek/{checkin.pk}/", post_data(anna, day=old.isoformat(), pain="2"))
    assert edited.status_code == 302
    checkin.refresh_from_db()
    assert (checkin.day, checkin.pain) == (old, 2)
    other = (old - timedelta(days=1)).isoformat()
    refused = browser.post(f"/dagboek/{checkin.pk}/", post_data(anna, day=other, pain="3"))
    assert refused.status_code == 422 and CheckIn.objects.get().day == old


def test_another_persons_check_in_is_404(browser, anna):
    browser.post("/dagboek/nieuw/", post_data(anna))
    checkin = CheckIn.objects.get()
    bram = User.objects.create_user("bram-dagboek@example.org", "a-long-password-2", role="client")
    other = Client()
    other.force_login(bram, backend="lijfwijs.accounts.backends.UserBackend")
    assert other.get(f"/dagboek/{checkin.pk}/").status_code == 404
    assert other.post(f"/dagboek/{checkin.pk}/", post_data(bram)).status_code == 404
    assert other.post(f"/dagboek/{checkin.pk}/verwijderen/").status_code == 404
    assert "9:30" not in other.get("/dagboek/").content.decode()
    assert Client().get("/dagboek/").status_code == 302


def test_the_start_page_counts_todays_check_ins(browser, anna):
    assert "minder dan een minuut" in browser.get("/").content.decode()
    browser.post("/dagboek/nieuw/", post_data(anna))
    assert "Je hebt vandaag één check-in gedaan." in browser.get("/").content.decode()


def test_list_queries_do_not_grow(browser, anna, django_assert_max_num_queries):
    for n in range(3):
        browser.post("/dagboek/nieuw/", post_data(anna, pain=str(n), new_tags=f"tag{n}"))
    with django_assert_max_num_queries(6):
        browser.get("/dagboek/")
    for n in range(10):
        browser.post("/dagboek/nieuw/", post_data(anna, pain=str(n), new_tags=f"x{n}"))
    with django_assert_max_num_queries(6):
        browser.get("/dagboek/")


def test_older_check_ins_are_a_link_away_with_the_same_queries(
    browser, anna, django_assert_max_num_queries
):
    from django.utils import timezone

    from lijfwijs.diary.views import DIARY_PAGE

    today = services.local_today(anna)
    zone = services.zone_of(anna)
    werkdruk = Tag.objects.get(key="werkdruk")
    for n in range(DIARY_PAGE + 3):  # one a day back from today; the oldest has a tag
        day = today - timedelta(days=n)
        at = timezone.datetime.combine(day, timezone.datetime.min.time(), tzinfo=zone)
        checkin = CheckIn.objects.create(user=anna, day=day, at=at.replace(hour=8), pain=n % 11)
        if n == DIARY_PAGE + 2:
            checkin.tags.add(werkdruk)
    first = browser.get("/dagboek/").content.decode()
    assert first.count("> Bewerken</span></a>") == DIARY_PAGE
    assert 'href="?pagina=2"' in first and "Nieuwere check-ins" not in first
    assert '<span class="tag">Werkdruk</span>' not in first
    browser.get("/dagboek/?pagina=2")
    with CaptureQueriesContext(connection) as first_page:
        browser.get("/dagboek/")
    with django_assert_max_num_queries(len(first_page)):
        older = browser.get("/dagboek/?pagina=2")
    html = older.content.decode()
    assert older.status_code == 200 and html.count("> Bewerken</span></a>") == 3
    assert '<span class="tag">Werkdruk</span>' in html
    assert 'href="?pagina=1"' in html and "Oudere check-ins" not in html
    oldest = CheckIn.objects.get(tags=werkdruk)
    assert f'href="/dagboek/{oldest.pk}/"' in html
    for number in ("0", "3", "x", "9" * 7):
        assert browser.get("/dagboek/", {"pagina": number}).status_code == 404


def test_export_and_erase(browser, anna):
    browser.post("/dagboek/nieuw/", post_data(anna, note="privé"))
    data = services.export_user_data(anna)
    assert data["checkins"][0]["note"] == "privé" and data["checkins"][0]["pain"] == 6
    services.erase_user_health_data(anna)
    assert CheckIn.objects.count() == 0


def test_without_consent_the_diary_asks_for_it_first():
    user = User.objects.create_user(
        "geen-toestemming@example.org", "a-long-password-3", role="client"
    )
    client = Client()
    client.force_login(user, backend="lijfwijs.accounts.backends.UserBackend")
    response = client.get("/dagboek/nieuw/")
    assert response.status_code == 302 and response["Location"] == "/account/toestemming/"
    assert client.post("/dagboek/nieuw/", {"pain": "5"}).status_code == 302
    assert CheckIn.objects.count() == 0


def test_the_empty_form_is_current(browser, anna):
    first = browser.get("/dagboek/nieuw/").content.decode()
    assert "\x00" not in first and re.search(r'name="time" id="id_time" value="\d\d:\d\d"', first)
    browser.post("/dagboek/nieuw/", post_data(anna, new_tags="Tandarts"))
    assert (
        "Tandarts" in browser.get("/dagboek/nieuw/").content.decode()
    )  # a new own tag shows at once
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(anna, backend="lijfwijs.accounts.backends.UserBackend")
    page = strict.get("/dagboek/nieuw/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert (
        strict.post(
            "/dagboek/nieuw/", {**post_data(anna), "csrfmiddlewaretoken": token}
        ).status_code
        == 302
    )
