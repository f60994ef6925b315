"""The quick check-in through HTTP: only the quick fields save, "same as yesterday" fills in
yesterday's tags and state, the person's five most used tags in constant queries, stress or
sleep by use, errors that keep everything and open "more" only when it holds them."""

import re
from datetime import datetime, time, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lijfwijs.accounts.models import User
from lijfwijs.accounts.services import give_health_consent
from lijfwijs.core.paging import day_words
from lijfwijs.diary import services
from lijfwijs.diary.models import CheckIn, Tag

pytestmark = pytest.mark.django_db

NEW = "/dagboek/nieuw/"


def person(email: str) -> User:
    user = User.objects.create_user(email, "a-long-password-1", role="client")
    give_health_consent(user)
    return user


@pytest.fixture
def lotte():
    return person("lotte-snel@example.org")


@pytest.fixture
def browser(lotte):
    client = Client()
    client.force_login(lotte, backend="lijfwijs.accounts.backends.UserBackend")
    return client


def starter(key: str) -> Tag:
    return Tag.objects.get(key=key)


def checkin(user, days_ago: int, tags=(), at=time(9, 0), **fields) -> CheckIn:
    day = services.local_today(user) - timedelta(days=days_ago)
    made = CheckIn.objects.create(
        user=user,
        day=day,
        at=datetime.combine(day, at, tzinfo=services.zone_of(user)),
        pain=fields.pop("pain", 5),
        **fields,
    )
    made.tags.set(tags)
    User.objects.data_changed(user)
    return made


def quick_part(html: str) -> str:
    """The form up to "more"."""
    form = html[html.index("data-checkin-form") :]
    return form[: form.index('<details class="more')]


def more_part(html: str) -> str:
    form = html[html.index('<details class="more') :]
    return form[: form.index("</details>")]


def chips(part: str) -> list[str]:
    """The tag names offered in a part of the form, in order."""
    return re.findall(r'<input type="checkbox" name="tags"[^>]*> <span>([^<]*)</span>', part)


def checked_tags(html: str) -> set[str]:
    return set(re.findall(r'name="tags" value="(\d+)" id="[^"]+" checked', html))


def more_is_open(html: str) -> bool:
    return bool(re.search(r'<details class="more regions" id="more" open>', html))


def test_a_check_in_with_only_the_quick_fields_is_saved_for_now(browser, lotte):
    werkdruk, zorgen = starter("werkdruk"), starter("zorgen")
    before = timezone.now()
    response = browser.post(
        NEW,
        {"pain": "4", "state": "sympathetic", "stress": "6", "tags": [werkdruk.pk, zorgen.pk]},
    )
    assert response.status_code == 302 and response["Location"] == "/dagboek/"
    saved = CheckIn.objects.get()
    assert (saved.pain, saved.state, saved.stress, saved.sleep) == (4, "sympathetic", 6, None)
    assert {t.key for t in saved.tags.all()} == {"werkdruk", "zorgen"}
    assert saved.day == services.local_today(lotte)
    assert before - timedelta(minutes=1) <= saved.at <= timezone.now()


def test_a_time_emptied_by_the_person_is_still_asked_for(browser):
    response = browser.post(NEW, {"pain": "4", "time": ""})
    assert response.status_code == 422
    assert "Dit veld is verplicht." in response.content.decode()
    assert CheckIn.objects.count() == 0


def test_same_as_yesterday_fills_in_yesterdays_tags_and_last_state(browser, lotte):
    werkdruk, zorgen, zitten = starter("werkdruk"), starter("zorgen"), starter("lang-zitten")
    checkin(lotte, 1, [werkdruk], at=time(8, 0), state="ventral")
    checkin(lotte, 1, [zorgen], at=time(21, 0), state="dorsal")  # the last of yesterday
    checkin(lotte, 2, [zitten], state="sympathetic")  # the day before: not copied
    html = browser.get(NEW).content.decode()
    assert 'name="copy_yesterday"' in html
    assert "Gisteren: Werkdruk, Zorgen of piekeren" in html
    response = browser.post(
        NEW, {"copy_yesterday": "1", "pain": "3", "note": "druk", "client_key": "k-1"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert checked_tags(html) == {str(werkdruk.pk), str(zorgen.pk)}
    assert re.search(r'name="state" value="dorsal" id="id_state_2" checked', html)
    assert re.search(r'name="pain" value="3" id="id_pain_3" required checked', html)
    assert "druk</textarea>" in html and 'value="k-1"' in html
    assert "Ingevuld zoals gisteren." in html
    assert CheckIn.objects.count() == 3  # nothing saved by the tap
    # a state the person chose already stays, and tags chosen stay beside yesterday's
    html = browser.post(
        NEW, {"copy_yesterday": "1", "pain": "3", "state": "ventral", "tags": [zitten.pk]}
    ).content.decode()
    assert re.search(r'name="state" value="ventral" id="id_state_0" checked', html)
    assert checked_tags(html) == {str(werkdruk.pk), str(zorgen.pk), str(zitten.pk)}


def test_same_as_yesterday_is_offered_only_with_something_to_copy(browser, lotte):
    stranger = person("iemand-anders@example.org")
    checkin(stranger, 1, [starter("werkdruk")], state="dorsal")  # someone else's yesterday
    assert 'name="copy_yesterday"' not in browser.get(NEW).content.decode()
    html = browser.post(NEW, {"copy_yesterday": "1", "pain": "2"}).content.decode()
    assert checked_tags(html) == set() and "checked" not in html.split('name="state"', 1)[1][:80]
    checkin(lotte, 1)  # a check-in without tags or state: nothing to copy either
    assert 'name="copy_yesterday"' not in browser.get(NEW).content.decode()
    checkin(lotte, 1, state="ventral")
    html = browser.get(NEW).content.decode()
    assert 'name="copy_yesterday"' in html and "Gisteren:" not in html  # a state, no tags
    edit = browser.get(f"/dagboek/{CheckIn.objects.filter(user=lotte).first().pk}/")
    assert 'name="copy_yesterday"' not in edit.content.decode()


def test_enter_saves_because_saving_is_the_first_submit_button(browser):
    html = browser.get(NEW).content.decode()
    form = html[html.index("data-checkin-form") :]
    first = re.search(r"<button[^>]*>", form).group(0)
    assert 'type="submit"' in first and "name=" not in first  # no name: checkin.js saves it
    assert 'tabindex="-1"' in first and 'aria-hidden="true"' in first


def test_the_five_most_used_tags_of_the_last_sixty_days_come_first(browser, lotte):
    names = {
        key: starter(key)
        for key in ("werkdruk", "zorgen", "lang-zitten", "slecht-geslapen", "ruzie-spanning")
    }
    own = Tag.objects.create(user=lotte, name_nl="Fietsen", name_en="Fietsen")
    gone = Tag.objects.create(user=lotte, name_nl="Oud", name_en="Oud", is_active=False)
    for n in range(4):
        checkin(lotte, 2 + n, [own, names["zorgen"], gone])
    for n in range(3):
        checkin(lotte, 10 + n, [names["ruzie-spanning"]])
    checkin(lotte, 20, [names["slecht-geslapen"], names["werkdruk"]])
    checkin(lotte, 21, [names["slecht-geslapen"]])
    for n in range(6):
        checkin(lotte, 61 + n, [names["lang-zitten"]])  # longer ago than sixty days
    stranger = person("anders@example.org")
    for n in range(9):
        checkin(stranger, n, [names["werkdruk"]])  # someone else's use counts for nothing
    html = browser.get(NEW).content.decode()
    # by use (ties in the tags' own order), then the vocabulary fills the row up to five
    assert chips(quick_part(html)) == [
        "Fietsen",
        "Zorgen of piekeren",
        "Ruzie of spanning thuis",
        "Slecht geslapen",
        "Werkdruk",
    ]
    other = chips(more_part(html))
    assert "Lang gezeten" in other and "Oud" not in other and "Werkdruk" not in other
    assert len(other) == Tag.objects.for_user(lotte).count() - 5
    assert not more_is_open(html)


def test_a_new_diary_offers_the_first_starter_tags(browser):
    html = browser.get(NEW).content.decode()
    first = list(Tag.objects.filter(user__isnull=True, is_active=True)[:5])
    assert chips(quick_part(html)) == [t.name_nl for t in first]


def form_queries(client, url=NEW) -> tuple[int, int]:
    """Queries of a first view (cold cache) and of a second one."""
    cache.clear()
    with CaptureQueriesContext(connection) as cold:
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as warm:
        assert client.get(url).status_code == 200
    return len(cold), len(warm)


def test_the_form_reads_the_same_number_of_queries_for_any_diary(browser, lotte):
    browser.get(NEW)  # the session's first request reads more (the login's bookkeeping)
    small = form_queries(browser)
    tags = list(Tag.objects.filter(user__isnull=True)[:8])
    for n in range(90):
        checkin(lotte, n % 60, tags[n % 8 : n % 8 + 3], stress=3, sleep=6 if n % 3 else None)
    for n in range(12):
        Tag.objects.create(user=lotte, name_nl=f"Eigen {n}", name_en=f"Eigen {n}")
    large = form_queries(browser)
    assert small == large
    assert large[1] < large[0]  # what the person's diary says is read once per data version
    checkin(lotte, 1, tags[:1])  # a new check-in: read again
    assert form_queries(browser)[0] == large[0]


def test_stress_or_sleep_in_the_quick_part_by_use(browser, lotte):
    html = browser.get(NEW).content.decode()
    assert 'id="id_stress"' in quick_part(html) and 'id="id_sleep"' in more_part(html)
    checkin(lotte, 3, sleep=5)
    checkin(lotte, 2, sleep=4, stress=2)
    html = browser.get(NEW).content.decode()
    assert 'id="id_sleep"' in quick_part(html) and 'id="id_stress"' in more_part(html)
    response = browser.post(NEW, {"pain": "5", "sleep": "7"})
    assert response.status_code == 302 and CheckIn.objects.get(sleep=7).pain == 5


def test_the_days_read_today_yesterday_then_the_short_date(browser, lotte):
    html = browser.get(NEW).content.decode()
    select = re.search(r'<select name="day" id="id_day">(.*?)</select>', html, re.S).group(1)
    options = re.findall(r'<option value="([0-9-]+)"( selected)?>([^<]+)</option>', select)
    today = services.local_today(lotte)
    third = today - timedelta(days=2)
    assert [(o[0], o[2]) for o in options[:3]] == [
        (today.isoformat(), "Vandaag"),
        ((today - timedelta(days=1)).isoformat(), "Gisteren"),
        (third.isoformat(), day_words({third})[third][0]),
    ]
    assert re.fullmatch(r"(ma|di|wo|do|vr|za|zo) \d{1,2} [a-z]{3,4}\.?", options[2][2])
    assert options[0][1] == " selected" and len(options) == services.BACKFILL_DAYS + 1


def test_an_error_in_the_quick_part_keeps_more_closed_and_everything_entered(browser):
    first = Tag.objects.filter(user__isnull=True, is_active=True).first()  # in the quick five
    response = browser.post(
        NEW, {"pain": "", "state": "dorsal", "stress": "3", "tags": [first.pk], "time": "10:15"}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Kies een getal van 0 tot en met 10." in quick_part(html)
    assert not more_is_open(html)
    assert re.search(r'value="dorsal" id="id_state_2" checked', html)
    assert re.search(r'name="stress" value="3" id="id_stress_3" checked', html)
    assert checked_tags(html) == {str(first.pk)} and 'value="10:15"' in html


@pytest.mark.parametrize(
    ("extra", "where"),
    [
        ({"note": "x" * 2001}, "Zorg"),
        ({"new_tags": "y" * 61}, "60 tekens"),
        ({"energy": "11"}, "Kies een getal"),
        ({"day": "2000-01-01"}, "2000-01-01"),
        ({"exercises": ["geen-oefening"]}, "geen-oefening"),
    ],
)
def test_an_error_under_more_opens_it(browser, extra, where):
    response = browser.post(NEW, {"pain": "5", "time": "10:15", **extra})
    assert response.status_code == 422
    html = response.content.decode()
    assert more_is_open(html)
    assert where in more_part(html)
    assert 'role="alert"' in html  # the summary at the top links to the field


def test_what_was_entered_under_more_keeps_it_open(browser, lotte):
    html = browser.post(NEW, {"pain": "", "note": "na het werk"}).content.decode()
    assert more_is_open(html) and "na het werk</textarea>" in html
    saved = checkin(lotte, 0, region_pain={"neck": 0})
    assert more_is_open(browser.get(f"/dagboek/{saved.pk}/").content.decode())
    plain = checkin(lotte, 0, stress=4)  # only quick-part values: closed
    assert not more_is_open(browser.get(f"/dagboek/{plain.pk}/").content.decode())


@pytest.mark.parametrize(
    "data",
    [
        {"pain": "abc", "tags": ["x", "-1", "99999999999999999999"], "day": "morgen"},
        {"copy_yesterday": "1", "tags": ["x"], "pain": "\x00", "time": "25:99"},
        {"pain": ["1", "2"], "state": "boos", "sleep": "-1", "exercises": ["../x"]},
        {"copy_yesterday": "1", "region_neck": "zes", "day": ""},
    ],
)
def test_bad_input_never_gives_a_server_error(browser, data):
    response = browser.post(NEW, data)
    assert response.status_code in (200, 302, 422)
    assert CheckIn.objects.filter(pain__gt=10).count() == 0


def test_the_offer_follows_new_check_ins(browser, lotte):
    assert 'name="copy_yesterday"' not in browser.get(NEW).content.decode()  # cached now
    yesterday = (services.local_today(lotte) - timedelta(days=1)).isoformat()
    werkdruk = starter("werkdruk")
    data = {"pain": "5", "day": yesterday, "time": "09:00", "tags": [werkdruk.pk]}
    assert browser.post(NEW, data).status_code == 302
    html = browser.get(NEW).content.decode()
    assert 'name="copy_yesterday"' in html and "Gisteren: Werkdruk" in html
