# ruff: noqa: F811 (fixtures)
"""Double opt-in through the real pages: sign-up, email, link, subscribed; never revealing whether
an address is known; expiry; honeypot; rate limits; bad input kept next to the field; fuzzing."""

import pytest
from django.test import Client
from freezegun import freeze_time
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lijfwijs.outreach.audience import recipients
from lijfwijs.outreach.newsletter import services
from lijfwijs.outreach.newsletter.models import Subscriber

from .conftest import links_in, path_of, subscribe, visitor

pytestmark = pytest.mark.django_db
SIGNUP = "/nieuwsbrief/"
CHECK = "/nieuwsbrief/controleer-je-email/"


def sign_up(browser: Client, email: str, source: str = "footer", **extra):
    """A sign-up as the footer's, a panel's (their own field names) or the page's form sends it."""
    if source in ("footer", "report", "article"):
        website = extra.pop("website", "")
        data = {"newsletter_email": email, "newsletter_source": source}
        data |= {"newsletter_website": website, **extra}
    else:
        data = {"email": email, "source": source, "website": "", **extra}
    return browser.post(SIGNUP, data)


def test_double_opt_in_from_the_footer_end_to_end(practice, lists, mail):
    browser = visitor()  # no cookie, no CSRF token: the footer of a shared page
    response = sign_up(browser, "  Nieuw@Example.org ")
    assert response.status_code == 302 and response["Location"] == CHECK
    subscriber = Subscriber.objects.get(practice=practice)
    assert subscriber.email == "nieuw@example.org"
    assert subscriber.status == Subscriber.Status.PENDING
    assert subscriber.consent_source == "footer" and subscriber.consent_version
    assert "met één klik afmelden" in subscriber.consent_text
    assert [nl.kind for nl in subscriber.lists.all()] == ["general"]
    assert recipients(practice, f"list:{lists['general'].pk}") == []  # nothing before the link

    [message] = mail
    assert message.to == ["nieuw@example.org"]
    assert "Bevestig je aanmelding" in message.subject
    assert message.alternatives[0][1] == "text/html"
    [link] = links_in(message, "/nieuwsbrief/bevestig/")
    confirm = path_of(link)

    page = browser.get(confirm)  # a mail scanner's GET confirms nothing
    assert page.status_code == 200 and b"Ja, ik wil de nieuwsbrief" in page.content
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING

    browser = Client(enforce_csrf_checks=True)  # a mail app's browser without cookies
    done = browser.post(confirm)
    assert done.status_code == 200 and b"Je bent aangemeld" in done.content
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.SUBSCRIBED and subscriber.confirmed_at
    [recipient] = recipients(practice, f"list:{lists['general'].pk}")
    assert recipient.email == "nieuw@example.org"

    again = browser.post(confirm)  # a link works once
    assert again.status_code == 404 and b"Deze link werkt niet meer" in again.content


def _make(practice, state: str) -> None:
    if state == "new":
        return
    subscriber = subscribe(practice, "iemand@example.org")
    if state == "pending":
        Subscriber.objects.filter(pk=subscriber.pk).update(status="pending")
    elif state == "unsubscribed":
        services.unsubscribe(subscriber)
    elif state == "undeliverable":
        services.mark_undeliverable(["iemand@example.org"], reason="bounced")


ANSWERS: dict[str, tuple] = {}


@pytest.mark.parametrize("state", ["new", "pending", "subscribed", "unsubscribed", "undeliverable"])
def test_the_answer_never_reveals_whether_the_address_is_known(practice, lists, mail, state):
    _make(practice, state)
    browser = visitor()
    response = sign_up(browser, "iemand@example.org")
    page = browser.get(response["Location"])
    answer = (response.status_code, response["Location"], response.content, page.content)
    ANSWERS.setdefault("first", answer)
    assert answer == ANSWERS["first"]
    subscriber = Subscriber.objects.get(practice=practice)
    subjects = [m.subject for m in mail]
    if state == "subscribed":  # told by email, with the preferences link; nothing changes
        assert subscriber.status == "subscribed"
        assert subjects == ["Je bent al aangemeld voor de nieuwsbrief van Fysio De Brug"]
        assert links_in(mail[0], "/nieuwsbrief/voorkeuren/")
        assert links_in(mail[0], "/nieuwsbrief/afmelden/")
    elif state == "undeliverable":  # never mailed again
        assert subscriber.status == "undeliverable" and subjects == []
    else:  # a new, pending or unsubscribed address must confirm (again)
        assert subscriber.status == "pending"
        assert subjects == ["Bevestig je aanmelding voor de nieuwsbrief van Fysio De Brug"]


def test_a_confirmation_link_expires_after_a_week(practice, lists, mail):
    with freeze_time("2026-12-01 10:00"):
        sign_up(visitor(), "laat@example.org")
    confirm = path_of(links_in(mail[0], "/bevestig/")[0])
    with freeze_time("2026-12-08 09:59"):
        assert Client().get(confirm).status_code == 200
    with freeze_time("2026-12-08 10:01"):
        assert Client().post(confirm).status_code == 404
    assert Subscriber.objects.get().status == "pending"


def test_a_new_sign_up_replaces_the_open_link_and_leaving_cancels_it(practice, lists, mail):
    sign_up(visitor(), "twee@example.org")
    sign_up(visitor(), "twee@example.org")
    first, second = (path_of(links_in(m, "/bevestig/")[0]) for m in mail)
    assert Client().post(first).status_code == 404
    subscriber = Subscriber.objects.get()
    services.unsubscribe(subscriber)  # a pending sign-up cancelled
    assert Client().post(second).status_code == 404


def test_re_subscribing_after_leaving_needs_a_new_confirmation(practice, lists, mail):
    subscriber = subscribe(practice, "terug@example.org")
    services.unsubscribe(subscriber)
    sign_up(visitor(), "terug@example.org")
    subscriber.refresh_from_db()
    assert subscriber.status == "pending"
    assert recipients(practice, f"list:{lists['general'].pk}") == []
    Client().post(path_of(links_in(mail[-1], "/bevestig/")[0]))
    subscriber.refresh_from_db()
    assert subscriber.status == "subscribed" and subscriber.unsubscribed_at is None


def test_the_report_form_puts_people_on_the_pijntest_list_too(practice, lists, mail):
    sign_up(visitor(), "test@example.org", source="report")
    assert {nl.kind for nl in Subscriber.objects.get().lists.all()} == {"general", "pijntest"}


def test_the_page_offers_the_lists_and_keeps_the_choice(practice, lists, mail):
    page = Client().get(SIGNUP)
    assert page.status_code == 200
    assert page["Cache-Control"].count("no-store") == 1
    for nl in lists.values():
        assert nl.name.encode() in page.content
    chosen = [lists["masterclass"].pk, lists["pijntest"].pk]
    sign_up(Client(), "kies@example.org", source="page", lists=chosen, name="Kees")
    subscriber = Subscriber.objects.get()
    assert {nl.pk for nl in subscriber.lists.all()} == set(chosen)
    assert subscriber.name == "Kees" and subscriber.consent_source == "page"


def test_a_robot_that_fills_the_honeypot_is_answered_alike_and_nothing_happens(
    practice, lists, mail
):
    response = sign_up(visitor(), "robot@example.org", website="http://spam.example")
    assert response.status_code == 302 and response["Location"] == CHECK
    assert not Subscriber.objects.exists() and mail == []


def test_bad_input_is_shown_next_to_the_field_with_what_was_typed(practice, lists, mail):
    response = sign_up(visitor(), "geen-adres", source="footer")
    assert response.status_code == 422
    body = response.content.decode()
    assert 'value="geen-adres"' in body and "field-error" in body
    none_chosen = sign_up(visitor(), "ok@example.org", source="page")
    assert none_chosen.status_code == 422
    assert "Kies minstens één onderwerp." in none_chosen.content.decode()
    assert not Subscriber.objects.exists() and mail == []


def test_rate_limits_per_address_and_per_connection(practice, lists, mail):
    for n in range(4):
        response = sign_up(visitor(), "veel@example.org", REMOTE_ADDR=f"10.0.0.{n}")
        assert response.status_code == 302
    assert len(mail) == services.EMAILS_PER_ADDRESS  # the fourth is answered alike, not sent
    for n in range(6):
        sign_up(visitor(), f"ander{n}@example.org", REMOTE_ADDR="10.0.1.1")
    refused = sign_up(visitor(), "laatste@example.org", REMOTE_ADDR="10.0.1.1")
    assert refused.status_code == 429
    assert 'value="laatste@example.org"' in refused.content.decode()
    assert not Subscriber.objects.filter(email="laatste@example.org").exists()


def test_without_a_practice_the_page_says_there_is_no_newsletter_yet(db):
    for response in (Client().get(SIGNUP), sign_up(visitor(), "a@example.org")):
        assert response.status_code == 200
        assert "Nog geen nieuwsbrief" in response.content.decode()
    assert not Subscriber.objects.exists()


text = st.text(max_size=300)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    email=text,
    name=text,
    source=text,
    # a choice as text, or as a number of any size (past 64 bits too: no row has that id)
    lists=st.lists(text | st.integers().map(str), max_size=3),
    n=st.integers(0, 255),
    prefix=st.sampled_from(["", "newsletter_"]),
)
def test_fuzzed_sign_ups_never_fail(practice, lists, email, name, source, n, prefix):
    data = {f"{prefix}email": email, "name": name, f"{prefix}source": source, "lists": lists}
    data = {k: (v.replace("\x00", "") if isinstance(v, str) else v) for k, v in data.items()}
    response = visitor().post(SIGNUP, data, REMOTE_ADDR=f"10.9.{n}.{len(email) % 250}")
    assert response.status_code in (302, 422, 429)


def test_a_subject_past_64_bits_is_not_one_to_choose(practice, lists):
    response = visitor().post(
        SIGNUP, {"email": "groot@example.org", "source": "page", "lists": [str(2**64)]}
    )
    assert response.status_code == 422
    assert "groot@example.org" in response.content.decode()
    assert not Subscriber.objects.exists()


def test_an_english_page_signs_up_in_english(practice, lists, mail):
    response = visitor().post(
        "/en/nieuwsbrief/", {"newsletter_email": "en@example.org", "newsletter_source": "footer"}
    )
    assert response.status_code == 302 and response["Location"] == "/en" + CHECK
    subscriber = Subscriber.objects.get()
    assert subscriber.language == "en"
    [message] = mail
    [link] = links_in(message, "/bevestig/")
    assert "/en/nieuwsbrief/bevestig/" in link
    assert message.body.strip() and message.alternatives[0][0].startswith("<!doctype html>")


def test_the_first_sign_up_of_a_practice_makes_its_lists(practice, mail):
    response = visitor().post("/nieuwsbrief/", {"email": "eerste@example.org", "source": "page"})
    assert response.status_code == 422  # no subject chosen, but the subjects are there to choose
    assert "Nieuwsbrief: Nieuws" in response.content.decode()
    response = sign_up(visitor(), "eerste@example.org")
    assert response.status_code == 302
    assert [nl.kind for nl in Subscriber.objects.get().lists.all()] == ["general"]
