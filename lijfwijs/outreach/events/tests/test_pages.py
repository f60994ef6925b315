"""The pages: visitors sign up and cancel through the emails' link, the practice manages its
events; bad input is answered next to the field, another practice's events are a 404."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.test import Client

from lijfwijs.accounts.models import Membership, User
from lijfwijs.accounts.services import join_practice
from lijfwijs.accounts.tests.helpers import PASSWORD, signed_in_browser
from lijfwijs.outreach.events import people, services
from lijfwijs.outreach.events.models import Event, SignUp

from .conftest import START, make_event, sign

pytestmark = pytest.mark.django_db

Status = SignUp.Status


def sign_up_page(browser, event, **data):
    return browser.post(f"/evenementen/{event.pk}/", data)


def test_a_visitor_signs_up_then_the_next_waits_and_cancels_by_the_link(event, outbox, committed):
    listed = Client().get("/evenementen/")
    assert listed.status_code == 200 and "Masterclass rugpijn" in listed.content.decode()
    assert listed["Cache-Control"].startswith("max-age=0") or "no-cache" in listed["Cache-Control"]
    Event.objects.filter(pk=event.pk).update(capacity=1)
    first, second = Client(), Client()
    with committed():
        answer = sign_up_page(first, event, name="Vera", email="vera@example.org")
    assert answer.status_code == 302
    page = first.get(answer["Location"]).content.decode()
    assert "Je bent aangemeld" in page and "vera@example.org" in page
    with committed():
        answer = sign_up_page(second, event, name="Wim", email="wim@example.org")
    assert "Je staat op de wachtlijst" in second.get(answer["Location"]).content.decode()
    assert "Zet me op de wachtlijst" in Client().get(f"/evenementen/{event.pk}/").content.decode()
    # the token is only in the email
    link = re.search(r"https?://\S+/evenementen/aanmelding/[\w-]+/", outbox[0].body).group(0)
    path = link[link.index("/evenementen/") :]
    assert path not in page
    mine = Client().get(path)
    assert mine.status_code == 200 and "Zet het in je agenda" in mine.content.decode()
    refused = Client().post(path, {})
    assert refused.status_code == 422 and "Vink aan" in refused.content.decode()
    with committed():
        done = Client().post(path, {"confirm": "on"})
    assert done.status_code == 302
    assert SignUp.objects.get(email_key="wim@example.org").status == Status.CONFIRMED
    assert outbox[-1].to == ["wim@example.org"] and "plaats" in outbox[-1].subject
    assert "afgemeld" in Client().get(path).content.decode()


def test_the_calendar_file_is_for_a_place_only(event):
    placed = sign(event, 1).signup
    Event.objects.filter(pk=event.pk).update(capacity=1)
    waiting = sign(event, 2).signup
    answer = Client().get(f"/evenementen/aanmelding/{placed.token}/agenda.ics")
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in answer.content
    assert Client().get(f"/evenementen/aanmelding/{waiting.token}/agenda.ics").status_code == 404
    later = sign(event, 3).signup
    assert (
        "je bent de volgende"
        in Client().get(f"/evenementen/aanmelding/{waiting.token}/").content.decode()
    )
    assert "op plaats 2" in Client().get(f"/evenementen/aanmelding/{later.token}/").content.decode()
    for token in ("x" * 20, "kort", "a/b"):
        assert Client().get(f"/evenementen/aanmelding/{token}/").status_code == 404


FUZZ = [
    ({"name": "", "email": ""}, ["Vul je naam in.", "Vul je e-mailadres in."]),
    ({"name": "   ", "email": "vera@example.org"}, ["Vul je naam in."]),
    ({"name": "Vera", "email": "geen-adres"}, ["Vul een geldig e-mailadres in"]),
    ({"name": "V" * 121, "email": "vera@example.org"}, ["120"]),
    ({"name": "Vera\x00", "email": "vera@example.org"}, ["Null"]),
    ({"name": "Vera", "email": "a@" + "b" * 260 + ".nl"}, ["Vul een geldig e-mailadres in"]),
    ({"name": ["Vera", "Wim"], "email": "vera@example.org<script>"}, ["Vul een geldig"]),
]


@pytest.mark.parametrize(("data", "messages"), FUZZ)
def test_bad_input_is_answered_next_to_the_field_keeping_what_was_typed(event, data, messages):
    answer = sign_up_page(Client(), event, **data)
    page = answer.content.decode()
    assert answer.status_code == 422
    assert 'class="field-error"' in page
    for message in messages:
        assert message.lower() in page.lower() or message == "Null" and "field-error" in page
    if isinstance(data["email"], str) and "<" not in data["email"] and data["email"]:
        assert f'value="{data["email"]}"' in page
    assert not event.signups.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"signup_deadline": START - timedelta(days=30)}, "Aanmelden kon tot"),
        ({"status": Event.Status.CANCELLED}, "gaat niet door"),
    ],
)
def test_a_closed_event_says_why(event, change, message):
    Event.objects.filter(pk=event.pk).update(**change)
    page = Client().get(f"/evenementen/{event.pk}/").content.decode()
    assert message in page and 'id="id_email"' not in page
    answer = sign_up_page(Client(), event, name="Vera", email="vera@example.org")
    assert answer.status_code == 422 and message in answer.content.decode()


def test_drafts_and_unknown_events_are_not_found(frozen, practice):
    draft = make_event(practice, publish=False)
    for url in (
        f"/evenementen/{draft.pk}/",
        "/evenementen/999999/",
        f"/api/v1/events/events/{draft.pk}",
    ):
        assert Client().get(url).status_code == 404, url
    assert "Masterclass rugpijn" not in Client().get("/evenementen/").content.decode()


def test_one_click_unsubscribe_without_cookies_or_csrf(event):
    signup = sign(event, 1).signup
    url = f"/evenementen/aanmelding/{signup.token}/geen-mail/?campaign=12"
    page = Client().get(url)
    assert page.status_code == 200 and "Geen berichten meer" in page.content.decode()
    browser = Client(enforce_csrf_checks=True)
    answer = browser.post(url, {"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200
    signup.refresh_from_db()
    assert signup.mail_opt_out_at is not None and signup.opt_out_campaign == 12
    assert signup.status == Status.CONFIRMED  # the place stays


# --- the practice's side --------------------------------------------------------------------------


@pytest.fixture
def owner_browser(pieter, frozen):
    return signed_in_browser(pieter)


def event_form(**overrides):
    data = {
        "title": "Workshop ontspannen",
        "description": "Samen oefenen.",
        "start": "2026-12-20T10:00",
        "end": "2026-12-20T12:00",
        "online_link": "",
        "address": "Brugstraat 1\nUtrecht",
        "capacity": "12",
        "signup_deadline": "",
        "is_free": "",
        "price_text": "€ 25",
    }
    data.update(overrides)
    return data


def test_the_practice_creates_publishes_and_sees_its_event(owner_browser, practice):
    assert owner_browser.get("/praktijk/evenementen/").status_code == 200
    assert owner_browser.get("/praktijk/evenementen/nieuw/").status_code == 200
    answer = owner_browser.post("/praktijk/evenementen/nieuw/", event_form())
    assert answer.status_code == 302, answer.content.decode()[:3000]
    event = Event.objects.get(title="Workshop ontspannen")
    assert event.practice == practice and event.status == Event.Status.DRAFT
    assert event.start.isoformat() == "2026-12-20T09:00:00+00:00"  # 10:00 in Amsterdam
    assert Client().get(f"/evenementen/{event.pk}/").status_code == 404
    owner_browser.post(f"/praktijk/evenementen/{event.pk}/publiceren/", {"publiceren": "1"})
    assert Client().get(f"/evenementen/{event.pk}/").status_code == 200
    edit = owner_browser.get(f"/praktijk/evenementen/{event.pk}/bewerken/").content.decode()
    assert 'value="2026-12-20T10:00"' in edit  # shown in the practice's zone
    page = owner_browser.get(f"/praktijk/evenementen/{event.pk}/")
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    # email everyone signed up: the campaigns' editor with this event's people as the audience
    editor = f"/praktijk/campagnes/nieuw/?audience=event:{event.pk}"
    assert f'href="{editor}"' in page.content.decode()
    assert owner_browser.get(editor).status_code == 200


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": ""}, "title", "Geef het evenement een titel."),
        ({"start": "morgen"}, "start", "Vul een datum en tijd in"),
        ({"end": "2026-12-20T09:00"}, "end", "Het einde ligt na het begin."),
        ({"start": "2026-12-01T10:00", "end": "2026-12-01T11:00"}, "start", "in de toekomst"),
        ({"address": "", "online_link": ""}, "online_link", "online link of een adres"),
        ({"online_link": "javascript:alert(1)"}, "online_link", "volledige link"),
        ({"capacity": "0"}, "capacity", "minstens één plaats"),
        ({"capacity": "99999999999"}, "capacity", "hoogstens"),
        ({"capacity": "veel"}, "capacity", "heel getal"),
        ({"price_text": ""}, "price_text", "Vul de prijs in"),
        ({"signup_deadline": "2026-12-21T10:00"}, "signup_deadline", "uiterlijk bij het begin"),
        ({"start": "2026-03-29T02:30", "end": "2026-03-29T04:00"}, "start", ""),
    ],
)
def test_the_event_form_answers_next_to_the_field(owner_browser, overrides, field, message):
    answer = owner_browser.post("/praktijk/evenementen/nieuw/", event_form(**overrides))
    assert answer.status_code == 422
    page = answer.content.decode()
    assert f'id="id_{field}_error"' in page
    assert message in page
    assert 'value="Workshop ontspannen"' in page or field == "title"
    assert not Event.objects.exists()


def test_fewer_places_than_taken_is_refused_at_the_field(owner_browser, event):
    for n in range(3):
        sign(event, n)
    data = event_form(capacity="2", start="2026-12-14T19:30", end="2026-12-14T21:00")
    answer = owner_browser.post(f"/praktijk/evenementen/{event.pk}/bewerken/", data)
    assert answer.status_code == 422
    assert "Er zijn al 3 aanmeldingen" in answer.content.decode()


def test_sign_ups_waiting_list_cancel_attendance_and_csv(owner_browser, event, outbox, committed):
    for n in range(4):
        sign(event, n)
    SignUp.objects.filter(email_key="deelnemer-0@example.org").update(name='=HYPERLINK("x")')
    page = owner_browser.get(f"/praktijk/evenementen/{event.pk}/").content.decode()
    assert "deelnemer-3@example.org" in page and "Wachtlijst" in page
    second = SignUp.objects.get(email_key="deelnemer-1@example.org")
    with committed():
        answer = owner_browser.post(
            f"/praktijk/evenementen/{event.pk}/aanmeldingen/{second.pk}/afmelden/"
        )
    assert answer.status_code == 302
    assert {m.to[0] for m in outbox} == {"deelnemer-1@example.org", "deelnemer-3@example.org"}
    assert "heeft je aanmelding afgemeld" in outbox[0].body
    # attendance: not before the start
    third = SignUp.objects.get(email_key="deelnemer-2@example.org")
    owner_browser.post(
        f"/praktijk/evenementen/{event.pk}/aanwezigheid/", {f"aanwezig-{third.pk}": "ja"}
    )
    assert SignUp.objects.get(pk=third.pk).attended is None
    Event.objects.filter(pk=event.pk).update(
        start=event.start - timedelta(days=8), end=event.end - timedelta(days=8)
    )
    after = owner_browser.get(f"/praktijk/evenementen/{event.pk}/").content.decode()
    assert f'name="aanwezig-{third.pk}"' in after
    owner_browser.post(
        f"/praktijk/evenementen/{event.pk}/aanwezigheid/",
        {f"aanwezig-{third.pk}": "ja", "aanwezig-0": "nee"},
    )
    assert SignUp.objects.get(pk=third.pk).attended is True
    answer = owner_browser.get(f"/praktijk/evenementen/{event.pk}/aanmeldingen.csv")
    assert answer["Content-Type"] == "text/csv; charset=utf-8"
    text = answer.content.decode("utf-8")
    assert text.startswith("\ufeff") and "\r\n" in text
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert [r["email"] for r in rows] == [f"deelnemer-{n}@example.org" for n in range(4)]
    assert [r["status"] for r in rows] == ["confirmed", "cancelled", "confirmed", "confirmed"]
    assert rows[2]["attended"] == "yes"
    assert rows[0]["name"] == '\'=HYPERLINK("x")'  # no formula for a spreadsheet


def test_calling_off_asks_first_then_emails_everyone(owner_browser, event, outbox, committed):
    sign(event, 1)
    url = f"/praktijk/evenementen/{event.pk}/afgelasten/"
    assert owner_browser.get(url).status_code == 200
    refused = owner_browser.post(url, {})
    assert refused.status_code == 422 and "Vink aan" in refused.content.decode()
    with committed():
        assert owner_browser.post(url, {"confirm": "yes"}).status_code == 302
    assert Event.objects.get(pk=event.pk).status == Event.Status.CANCELLED
    assert [m.subject for m in outbox] == ["Gaat niet door: Masterclass rugpijn"]


def test_another_practice_and_its_assistant(event, rita_browser, practice):
    for url in (
        f"/praktijk/evenementen/{event.pk}/",
        f"/praktijk/evenementen/{event.pk}/bewerken/",
        f"/praktijk/evenementen/{event.pk}/aanmeldingen.csv",
    ):
        assert rita_browser.get(url).status_code == 404, url
    signup = sign(event, 1).signup
    answer = rita_browser.post(
        f"/praktijk/evenementen/{event.pk}/aanmeldingen/{signup.pk}/afmelden/"
    )
    assert answer.status_code == 404
    assert "Masterclass rugpijn" not in rita_browser.get("/praktijk/evenementen/").content.decode()
    assistant = User.objects.create_user(
        "aafke@example.org", PASSWORD, role=User.Role.ASSISTANT, display_name="Aafke"
    )
    join_practice(assistant, practice, Membership.Role.ASSISTANT)

    page = signed_in_browser(assistant).get(f"/praktijk/evenementen/{event.pk}/")
    assert page.status_code == 200
    assert "/praktijk/campagnes/" not in page.content.decode()  # assistants write no campaigns


def test_the_sign_ups_page_asks_the_same_queries_for_many(
    owner_browser, event, django_assert_max_num_queries
):
    Event.objects.filter(pk=event.pk).update(capacity=40)
    for n in range(60):
        services.sign_up(event, name=f"D {n}", email=f"d{n}@example.org")
    with django_assert_max_num_queries(12):
        assert owner_browser.get(f"/praktijk/evenementen/{event.pk}/").status_code == 200
    with django_assert_max_num_queries(12):
        assert (
            owner_browser.get(f"/praktijk/evenementen/{event.pk}/aanmeldingen.csv").status_code
            == 200
        )
    with django_assert_max_num_queries(8):
        assert Client().get("/evenementen/").status_code == 200


def test_too_many_sign_ups_from_one_address_keep_what_was_typed(event, settings):
    settings.EVENTS_SIGNUP_RATE_LIMIT = 1
    assert sign_up_page(Client(), event, name="Vera", email="vera@example.org").status_code == 302
    answer = sign_up_page(Client(), event, name="Wim", email="wim@example.org")
    assert answer.status_code == 429
    page = answer.content.decode()
    assert "te veel aanmeldingen" in page and 'value="wim@example.org"' in page


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("publiceren/", {"publiceren": "ja"}),
        ("publiceren/", {"publiceren": ""}),
        ("aanwezigheid/", {"aanwezig-1": "misschien"}),
        ("aanwezigheid/", {"aanwezig-99999999999999999999999": "ja"}),
        ("aanwezigheid/", {"iets": "anders"}),
    ],
)
def test_odd_button_posts_change_nothing_and_say_so(owner_browser, event, url, data):
    answer = owner_browser.post(f"/praktijk/evenementen/{event.pk}/{url}", data, follow=True)
    assert answer.status_code == 200
    assert 'class="notice notice-danger"' in answer.content.decode()
    assert Event.objects.get(pk=event.pk).status == Event.Status.PUBLISHED


def test_a_signed_in_client_finds_their_details_and_english_sign_ups_stay_english(event):
    from lijfwijs.accounts.tests.helpers import make_client_user

    anna = make_client_user("anna@example.org", display_name="Anna")
    page = signed_in_browser(anna).get(f"/evenementen/{event.pk}/").content.decode()
    assert 'value="Anna"' in page and 'value="anna@example.org"' in page
    answer = Client().post(
        f"/en/evenementen/{event.pk}/", {"name": "Ann", "email": "ann@example.org"}
    )
    assert answer.status_code == 302 and answer["Location"].startswith("/en/")
    signup = SignUp.objects.get(email_key="ann@example.org")
    assert signup.language == "en"
    [recipient] = people.campaign_recipients(event.practice, f"event:{event.pk}")
    assert (recipient.language, recipient.name) == ("en", "Ann")
    assert f"/en/evenementen/aanmelding/{signup.token}/geen-mail/" in recipient.unsubscribe_url
