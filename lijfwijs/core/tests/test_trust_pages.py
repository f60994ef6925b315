"""The trust pages (privacy statement, about, contact, colofon) and the visitor's home page.

Through HTTP, as a visitor and as a signed-in person: every page answers in both languages, shows
the provider's details (from the PROVIDER_* settings the operator set, else from the one practice
of the installation), links where it says it links, and reads at most that one practice.
"""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve

from lijfwijs.accounts.models import Practice
from lijfwijs.accounts.tests.helpers import make_client_user, signed_in_browser
from lijfwijs.core import trust

pytestmark = pytest.mark.django_db

PAGES = ("/privacy/", "/over-ons/", "/contact/", "/colofon/")
LANGUAGES = (("", "nl"), ("/en", "en"))

PROVIDER = {
    "PROVIDER_NAME": "Fysiopraktijk Het Anker",
    "PROVIDER_ADDRESS": "Kadeweg 12",
    "PROVIDER_POSTCODE_CITY": "9711 AB Groningen",
    "PROVIDER_EMAIL": "vragen@hetanker.example",
    "PROVIDER_PHONE": "+31 (0)50 123 45 67",
    "PROVIDER_KVK": "87654321",
    "PROVIDER_WEBSITE": "https://www.hetanker.example/",
}


class Links(HTMLParser):
    """The elements of a page's <main> with their attributes and text."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0  # inside <main> when > 0
        self.anchors: list[dict[str, str]] = []
        self._open: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "main":
            self.depth += 1
        elif tag == "a" and self.depth:
            anchor = {k: v or "" for k, v in attrs} | {"text": ""}
            self.anchors.append(anchor)
            self._open.append(anchor)

    def handle_endtag(self, tag: str) -> None:
        if tag == "main":
            self.depth -= 1
        elif tag == "a" and self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        for anchor in self._open:
            anchor["text"] += data


def anchors(html: str) -> list[dict[str, str]]:
    parser = Links()
    parser.feed(html)
    return parser.anchors


def route_name(href: str) -> str:
    """The URL name an internal link resolves to ("" for another site or a mailto:/tel: link)."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return ""
    try:
        match = resolve(parts.path)
    except Resolver404:
        return "<404>"
    return match.view_name


def text(html: str) -> str:
    """The visible text, whitespace collapsed (blocktranslate keeps line breaks)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def provider(settings):
    for name, value in PROVIDER.items():
        setattr(settings, name, value)
    return PROVIDER


# --- every page -----------------------------------------------------------------------------


@pytest.mark.parametrize("prefix,lang", LANGUAGES)
@pytest.mark.parametrize("path", ("/", *PAGES))
def test_every_page_answers_a_visitor_in_both_languages(client, path, prefix, lang):
    response = client.get(prefix + path)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    assert html.count("<h1") == 1
    # the same for every visitor: shared, revalidated with an ETag
    assert "public" in response["Cache-Control"] and response.has_header("ETag")
    again = client.get(prefix + path, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


@pytest.mark.parametrize("path", PAGES)
def test_a_signed_in_person_gets_the_pages_too_never_shared(path):
    browser = signed_in_browser(make_client_user("lees@example.org"))
    response = browser.get(path)
    assert response.status_code == 200
    assert "public" not in response.get("Cache-Control", "")


# The home page also asks what the booking button offers (one query; booking.flow.booking_offer).
OFFER = {"/": 1}


@pytest.mark.parametrize("path", ("/", *PAGES))
def test_the_pages_read_no_practice_when_the_operator_names_the_provider(
    client, provider, path, django_assert_num_queries
):
    client.get(path)  # the first request of a process may warm caches
    with django_assert_num_queries(OFFER.get(path, 0)):
        assert client.get(path).status_code == 200


@pytest.mark.parametrize("path", ("/", *PAGES))
def test_otherwise_the_pages_read_one_small_query_for_the_practice(
    client, path, django_assert_num_queries
):
    Practice.objects.create(name="Praktijk Een")
    client.get(path)
    with django_assert_num_queries(1 + OFFER.get(path, 0)):
        assert client.get(path).status_code == 200


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("junk", ("?x=%00", "?q=" + "a" * 3000, "?page=-1&lang=xx"))
def test_bad_query_strings_never_give_a_server_error(client, path, junk):
    assert client.get(path + junk).status_code in (200, 400)


@pytest.mark.parametrize("path", ("/", *PAGES))
def test_every_internal_link_works_for_a_visitor(client, path):
    for anchor in anchors(client.get(path).content.decode()):
        href = anchor["href"]
        if route_name(href):
            status = client.get(href).status_code
            assert status in (200, 302), f"{path} links to {href}: {status}"


# --- the provider's details ---------------------------------------------------------------


def test_the_defaults_say_they_are_a_demo_practice():
    assert "demo" in trust.provider().name.lower()
    assert trust.provider().email.endswith(".example")


def test_contact_shows_every_detail_with_mailto_and_tel_links(client, provider):
    html = client.get("/contact/").content.decode()
    for value in ("Fysiopraktijk Het Anker", "Kadeweg 12", "9711 AB Groningen", "87654321"):
        assert value in html
    links = {a["href"]: a["text"].strip() for a in anchors(html)}
    assert links["mailto:vragen@hetanker.example"] == "vragen@hetanker.example"
    assert links["tel:+31501234567"] == "+31 (0)50 123 45 67"  # the (0) is not dialled
    assert links["https://www.hetanker.example/"] == "www.hetanker.example"
    # the crisis lines, tappable
    for number in ("tel:113", "tel:08000113", "tel:112"):
        assert number in links


def test_colofon_shows_the_provider_the_software_and_the_sources(client, provider):
    html = client.get("/colofon/").content.decode()
    page = text(html)
    for value in ("Fysiopraktijk Het Anker", "Kadeweg 12", "9711 AB Groningen", "87654321"):
        assert value in page
    assert "mailto:vragen@hetanker.example" in html
    assert f"Lijfwijs, versie {trust.software_version()}" in page
    assert trust.software_version()  # installed, so it has a version
    for source in ("PEG-3", "PHQ-4", "GAD-7", "Nijmeegse vragenlijst", "WCAG 2.1"):
        assert source in page


@pytest.mark.parametrize("path", ("/", "/privacy/", "/over-ons/", "/contact/"))
def test_the_provider_is_named_on_the_page(client, provider, path):
    assert "Fysiopraktijk Het Anker" in client.get(path).content.decode()


@pytest.mark.parametrize("path", ("/", *PAGES))
def test_other_provider_details_make_another_etag(client, settings, path):
    before = client.get(path)["ETag"]
    settings.PROVIDER_NAME = "Een andere praktijk"
    after = client.get(path, HTTP_IF_NONE_MATCH=before)
    assert after.status_code == 200 and "Een andere praktijk" in after.content.decode()


# --- the privacy statement ---------------------------------------------------------------


def test_privacy_links_to_where_each_right_is_used(client):
    names = {route_name(a["href"]) for a in anchors(client.get("/privacy/").content.decode())}
    for name in (
        "accounts:export",
        "accounts:delete",
        "accounts:access_log",
        "accounts:health_consent",
        "accounts:settings",
        "accounts:change_email",
        "diary:list",
        "exercises:log",
        "contact",
    ):
        assert name in names, f"the privacy statement does not link to {name}"


def test_the_rights_pages_it_links_to_work_for_a_signed_in_client():
    browser = signed_in_browser(make_client_user("rechten@example.org"))
    html = browser.get("/privacy/").content.decode()
    checked = set()
    for anchor in anchors(html):
        name = route_name(anchor["href"])
        if name.startswith(("accounts:", "diary:", "exercises:")):
            assert browser.get(anchor["href"]).status_code == 200, anchor["href"]
            checked.add(name)
    assert {"accounts:export", "accounts:delete", "accounts:access_log"} <= checked


def test_privacy_names_what_is_encrypted_and_the_provider(client, provider):
    page = text(client.get("/privacy/").content.decode())
    assert "Fysiopraktijk Het Anker is verantwoordelijk" in page
    for thing in ("Pijntest", "notities bij je check-ins", "reflecties", "terugvalplan"):
        assert thing in page
    assert "trackers" in page and "https" in page


@pytest.mark.parametrize(
    "days,says",
    [(5 * 365, "Het inzagelog bewaren we 5 jaar"), (730, "bewaren we 2 jaar"), (400, "400 dagen")],
)
def test_privacy_states_the_access_log_retention_the_code_applies(client, settings, days, says):
    settings.ACCESS_LOG_RETENTION_DAYS = days
    assert says in text(client.get("/privacy/").content.decode())


def test_privacy_states_the_session_lifetimes_of_the_settings(client, settings):
    settings.CLIENT_IDLE_SECONDS = 7 * 86400
    settings.PRACTITIONER_IDLE_SECONDS = 20 * 60
    page = text(client.get("/privacy/").content.decode())
    assert "7 dagen niets doet" in page and "20 minuten" in page


# --- consent forms ------------------------------------------------------------------------


def privacy_links(html: str) -> list[dict[str, str]]:
    return [a for a in anchors(html) if route_name(a["href"]) == "privacy"]


def test_the_registration_form_links_to_privacy(client):
    links = privacy_links(client.get("/account/registreren/").content.decode())
    assert [a["text"] for a in links] == ["Lees hoe we met je gegevens omgaan"]


def test_the_health_consent_page_links_to_privacy():
    browser = signed_in_browser(make_client_user("toestemming@example.org", consent=False))
    assert privacy_links(browser.get("/account/toestemming/").content.decode())


def test_the_practitioner_access_form_links_to_privacy():
    browser = signed_in_browser(make_client_user("toegang@example.org"))
    html = browser.get("/account/").content.decode()
    form = html[html.index('id="access-heading"') :]
    assert privacy_links(form)


def test_the_program_consent_panel_links_to_privacy():
    browser = signed_in_browser(make_client_user("programma@example.org", consent=False))
    html = browser.get("/programma/").content.decode()
    assert 'id="consent-heading"' in html
    assert privacy_links(html)


# --- the visitor's home page -----------------------------------------------------------------


def test_home_has_one_main_action_the_pijntest(client):
    html = client.get("/").content.decode()
    main = [
        a
        for a in anchors(html)
        if "button" in a.get("class", "").split()
        and not {"button-secondary", "button-quiet"} & set(a["class"].split())
    ]
    assert len(main) == 1
    assert route_name(main[0]["href"]) == "assessments:start"


def test_home_explains_the_approach_in_three_steps(client):
    html = client.get("/").content.decode()
    steps = html[html.index('class="how-steps"') : html.index("</ol>", html.index("how-steps"))]
    assert steps.count("<li") == 3
    for step in ("Doe de Pijntest", "Zie wat je systeem belast", "Oefen en volg je voortgang"):
        assert step in steps


def test_home_shows_what_lijfwijs_offers_and_who_is_behind_it(client, provider):
    html = client.get("/").content.decode()
    offer = html[html.index('class="offer-list"') :]
    offer = offer[: offer.index("</ul>")]
    names = [route_name(a["href"]) for a in anchors(f"<main>{offer}</main>")]
    assert names == [
        "assessments:start",
        "exercises:list",
        "program:overview",
        "accounts:register",
        "learn:list",
    ]
    assert offer.count("/static/core/illustrations/") == 5
    assert 'alt=""' in offer  # decorative: the card's heading says what it is
    behind = {route_name(a["href"]) for a in anchors(html)}
    assert {"about", "privacy"} <= behind
    assert "Fysiopraktijk Het Anker" in html


def test_a_signed_in_person_gets_their_own_start_page_not_the_visitors(client):
    browser = signed_in_browser(make_client_user("start@example.org"))
    assert 'class="how-steps"' not in browser.get("/").content.decode()
    assert 'class="how-steps"' in client.get("/").content.decode()


# --- the provider lookup --------------------------------------------------------------------


@pytest.mark.parametrize(
    "phone,link",
    [
        ("+31 20 000 0000", "+31200000000"),
        ("+31 (0)50 123 45 67", "+31501234567"),
        ("050-1234567", "0501234567"),
        ("", ""),
    ],
)
def test_phone_links_dial_only_digits(settings, phone, link):
    settings.PROVIDER_PHONE = phone
    assert trust.provider().phone_link == link


def test_contact_leaves_out_what_an_installation_did_not_fill_in(client, settings):
    settings.PROVIDER_PHONE = ""
    settings.PROVIDER_WEBSITE = ""
    html = client.get("/contact/").content.decode()
    assert 'href="tel:+' not in html and "Website" not in html


# --- the provider from the practice ---------------------------------------------------------

RUGWIJS = {
    "name": "Praktijk Rugwijs",
    "address": "Lange Nieuwstraat 7\n3512 PA Utrecht",
    "phone": "030 123 45 67",
    "email": "info@rugwijs.example",
    "website": "https://rugwijs.example/",
    "kvk_number": "90123456",
}


def test_the_demo_name_is_the_settings_default(settings):
    """Only while PROVIDER_NAME is the shipped default may a practice stand in for it."""
    assert settings.PROVIDER_NAME == trust.DEMO_PROVIDER_NAME


def test_one_practice_in_the_installation_is_the_provider(client):
    practice = Practice.objects.create(**RUGWIJS)
    assert trust.practice_is_provider(practice.pk)
    contact = client.get("/contact/").content.decode()
    assert "<address>Lange Nieuwstraat 7<br>3512 PA Utrecht</address>" in contact
    links = {a["href"]: a["text"].strip() for a in anchors(contact)}
    assert links["mailto:info@rugwijs.example"] == "info@rugwijs.example"
    assert links["tel:0301234567"] == "030 123 45 67"
    assert links["https://rugwijs.example/"] == "rugwijs.example"
    assert "90123456" in contact
    for path in ("/", "/privacy/", "/over-ons/", "/colofon/"):
        page = text(client.get(path).content.decode())
        assert "Praktijk Rugwijs" in page and "Demopraktijk" not in page, path
    assert "Praktijk Rugwijs is verantwoordelijk" in text(client.get("/privacy/").content.decode())


def test_a_practice_with_few_details_leaves_out_what_it_lacks(client):
    Practice.objects.create(name="Praktijk Kaal", address="Dorpsstraat 1")
    contact = client.get("/contact/").content.decode()
    assert "<address>Dorpsstraat 1</address>" in contact
    assert "mailto:" not in contact.split('id="provider-heading"')[1].split("</section>")[0]
    for path in ("/privacy/", "/colofon/"):
        page = client.get(path).content.decode()
        assert 'href="mailto:"' not in page and "de contactpagina" in text(page), path


def test_with_many_practices_the_settings_name_the_provider(client):
    first = Practice.objects.create(**RUGWIJS)
    Practice.objects.create(name="Praktijk Elders")
    assert not trust.practice_is_provider(first.pk)
    page = client.get("/contact/").content.decode()
    assert trust.DEMO_PROVIDER_NAME in page and "Praktijk Rugwijs" not in page


def test_the_operators_settings_win_over_the_practice(client, provider):
    practice = Practice.objects.create(**RUGWIJS)
    assert not trust.practice_is_provider(practice.pk)
    page = client.get("/contact/").content.decode()
    assert "Fysiopraktijk Het Anker" in page and "Praktijk Rugwijs" not in page


@pytest.mark.parametrize("path", ("/", *PAGES))
def test_new_practice_details_make_another_etag(client, path):
    practice = Practice.objects.create(**RUGWIJS)
    before = client.get(path)["ETag"]
    assert client.get(path, HTTP_IF_NONE_MATCH=before).status_code == 304
    practice.name = "Praktijk Rugwijs en Zo"
    practice.save()
    after = client.get(path, HTTP_IF_NONE_MATCH=before)
    assert after.status_code == 200 and "Praktijk Rugwijs en Zo" in after.content.decode()
    assert after["ETag"] != before
