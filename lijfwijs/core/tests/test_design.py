"""The design system and the navigation: the style guide's access, the contrast of every colour
pair the components use, the navigation each kind of person gets with the current section marked,
the footer's tap-to-call crisis lines, and the form fields' errors."""

import re

import pytest
from django import forms
from django.template.loader import render_to_string
from django.test import Client

from lijfwijs.accounts.models import User
from lijfwijs.accounts.tests.helpers import (
    PASSWORD,
    make_client_user,
    make_practitioner,
    signed_in_browser,
)
from lijfwijs.core import styleguide
from lijfwijs.core.context_processors import nav_section

pytestmark = pytest.mark.django_db


def make_staff(email: str = "beheer@example.org") -> User:
    return User.objects.create_user(email, PASSWORD, role=User.Role.STAFF, is_staff=True)


def page(browser: Client, path: str) -> str:
    response = browser.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.content.decode()


def part(html: str, start: str, end: str) -> str:
    """The markup from the first `start` to the `end` after it."""
    begin = html.index(start)
    return html[begin : html.index(end, begin)]


def site_nav(html: str) -> str:
    return part(html, "<nav class=", "</nav>")


def current_links(html: str) -> list[str]:
    """The hrefs of the navigation's links marked as the current page."""
    return re.findall(r'<a [^>]*href="([^"]+)"[^>]*aria-current="page"', site_nav(html))


# --- the style guide ---------------------------------------------------------------------


class TestStyleGuideAccess:
    def test_a_visitor_gets_a_404_whatever_the_method(self, client, content):
        assert client.get("/stijl/").status_code == 404
        assert client.get("/en/stijl/").status_code == 404
        assert client.post("/stijl/").status_code == 404

    def test_clients_and_practitioners_get_a_404(self, content):
        anna = make_client_user("anna-sg@example.org")
        pieter = make_practitioner("pieter-sg@example.org")
        assert signed_in_browser(anna).get("/stijl/").status_code == 404
        assert signed_in_browser(pieter).get("/stijl/").status_code == 404

    def test_staff_see_it_in_both_languages(self, content):
        browser = signed_in_browser(make_staff())
        nl = page(browser, "/stijl/")
        en = page(browser, "/en/stijl/")
        assert '<html lang="nl">' in nl and '<html lang="en">' in en
        assert browser.post("/stijl/").status_code == 405

    def test_with_debug_everyone_sees_it(self, client, content, settings):
        settings.DEBUG = True
        assert client.get("/stijl/").status_code == 200

    @pytest.mark.parametrize("path", ["/stijl/", "/en/stijl/"])
    def test_every_component_is_on_it(self, client, content, settings, path):
        settings.DEBUG = True
        html = page(client, path)
        for name in (
            "page-header",
            "card-link",
            'class="button"',
            "button-secondary",
            "button-quiet",
            "linklike",
            "field-hint",
            "field-error",
            "error-summary",
            "scale11",
            'class="chips',
            'class="chip"',
            "notice-info",
            "notice-success",
            "notice-warning",
            "notice-danger",
            "table-scroll",
            'class="stat"',
            "stat-value",
            "empty-state",
            'class="stepper"',
            'aria-current="step"',
            "grid-2",
            "grid-3",
            'details class="more"',
        ):
            assert name in html, f"{name} is missing from {path}"
        # the colour tokens are shown with their measured contrast
        assert "--color-primary" in html and html.count("<tr>") >= len(styleguide.PAIRS)


# --- contrast --------------------------------------------------------------------------------


def test_the_contrast_formula_gives_the_known_values():
    assert styleguide.contrast("#000", "#fff") == pytest.approx(21.0)
    assert styleguide.contrast("#fff", "#fff") == pytest.approx(1.0)
    assert styleguide.contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert styleguide.contrast("#1f6660", "#ffffff") == styleguide.contrast("#ffffff", "#1f6660")


def test_every_colour_pair_of_the_components_meets_wcag_aa():
    tokens, rows = styleguide.contrast_table()
    assert len(tokens) >= 20
    failing = [
        f"{r['fg']} on {r['bg']}: {r['ratio']:.2f} < {r['minimum']}"
        for r in rows
        if not r["passes"]
    ]
    assert not failing, failing


def test_site_css_stays_small():
    """The whole site's CSS and JS a page loads must stay under 40 KB gzip; site.css is the
    biggest part of it that this module owns."""
    import gzip

    assert len(gzip.compress(styleguide.SITE_CSS.read_bytes())) < 12_000


# --- the current section -------------------------------------------------------------------


@pytest.mark.parametrize(
    "path,language,section",
    [
        ("/", "nl", "home"),
        ("/en/", "en", "home"),
        ("/dagboek/", "nl", "diary"),
        ("/dagboek/inzichten/", "nl", "diary"),
        ("/en/dagboek/", "en", "diary"),
        ("/oefeningen/logboek/", "nl", "exercises"),
        ("/programma/stap/2/", "nl", "program"),
        ("/kennisbank/iets/", "nl", "learn"),
        ("/pijntest/vragen/pijn/", "nl", "pijntest"),
        ("/account/inloggen/", "nl", "account"),
        ("/praktijk/", "nl", "practice"),
        ("/privacy/", "nl", "privacy"),
        ("/bestaat-niet/", "nl", ""),
        ("/dagboekje/", "nl", ""),  # a prefix of the text, not of the path
    ],
)
def test_a_page_belongs_to_the_section_its_path_starts_with(path, language, section):
    from django.utils import translation

    with translation.override(language):
        assert nav_section(path, language, "/") == section


# --- the navigation per person ---------------------------------------------------------------


class TestNavigation:
    def test_a_client_gets_the_tab_bar(self, content):
        browser = signed_in_browser(make_client_user("anna-nav@example.org"))
        nav = site_nav(page(browser, "/"))
        assert 'class="site-nav"' in nav
        for href, label in (
            ("/", "Vandaag"),
            ("/dagboek/", "Dagboek"),
            ("/oefeningen/", "Oefeningen"),
            ("/programma/", "Programma"),
        ):
            assert re.search(rf'<a class="tab" href="{href}"[^>]*>.*?<span>{label}</span>', nav)
        assert "<span>Meer</span>" in nav
        # the "more" menu: the Pijntest, the knowledge base, the account, the language, sign out
        menu = part(nav, '<ul class="menu-list">', "</ul>")
        for needle in (
            'href="/pijntest/"',
            'href="/kennisbank/"',
            'href="/account/"',
            'href="/en/"',
        ):
            assert needle in menu
        assert '<form method="post" action="/account/uitloggen/" data-logout>' in menu
        assert "/praktijk/" not in nav

    def test_a_practitioner_gets_their_own_navigation(self, content):
        browser = signed_in_browser(make_practitioner("pieter-nav@example.org"))
        nav = site_nav(page(browser, "/praktijk/"))
        assert re.search(r'<a class="tab" href="/praktijk/" aria-current="page">', nav)
        for label in ("Cliënten", "Oefeningen", "Kennisbank", "Account", "Mijn account"):
            assert label in nav
        for label in ("Vandaag", "Dagboek", "Programma", 'href="/pijntest/"'):
            assert label not in nav
        assert 'action="/account/uitloggen/" data-logout' in nav

    def test_a_visitor_gets_a_compact_header_with_the_pijntest_as_the_action(self, client, content):
        html = page(client, "/")
        header = part(html, "<header", "</header>")
        assert 'class="site-nav"' not in header and "has-tabbar" not in html
        action = re.findall(r'<a class="button[^"]*header-action" href="([^"]+)"', header)
        assert action == ["/pijntest/"]
        # the menu works without JavaScript: a details element with the links
        menu = part(header, '<details class="menu', "</details>")
        for href in ("/oefeningen/", "/programma/", "/kennisbank/", "/account/inloggen/", "/en/"):
            assert f'href="{href}"' in menu
        assert "uitloggen" not in header

    def test_english_pages_link_to_english_pages(self, content):
        browser = signed_in_browser(make_client_user("anna-en@example.org"))
        nav = site_nav(page(browser, "/en/dagboek/"))
        assert current_links(page(browser, "/en/dagboek/")) == ["/en/dagboek/"]
        assert 'href="/en/oefeningen/"' in nav and 'href="/dagboek/"' in nav  # the other language

    @pytest.mark.parametrize(
        "path,current",
        [
            ("/", ["/"]),
            ("/dagboek/", ["/dagboek/"]),
            ("/dagboek/nieuw/", ["/dagboek/"]),
            ("/oefeningen/", ["/oefeningen/"]),
            ("/programma/", ["/programma/"]),
            ("/kennisbank/", ["/kennisbank/", "/kennisbank/"]),  # the wide and the narrow link
            ("/account/", ["/account/"]),
            ("/pijntest/", ["/pijntest/"]),
        ],
    )
    def test_the_current_section_is_marked_for_a_client(self, content, path, current):
        browser = signed_in_browser(make_client_user("anna-cur@example.org"))
        assert current_links(page(browser, path)) == current

    def test_the_current_section_is_marked_for_a_visitor(self, client, content):
        html = page(client, "/oefeningen/")
        # the wide list and the phone menu both mark it; nothing else is marked
        assert current_links(html) == ["/oefeningen/", "/oefeningen/"]
        assert current_links(page(client, "/")) == []

    def test_the_navigation_costs_no_query(
        self, client, content, settings, django_assert_num_queries
    ):
        """The current section comes from the path: a public page still reads nothing (with the
        provider named in the settings; the one practice of an installation costs one query)."""
        settings.PROVIDER_NAME = "Fysiopraktijk Het Anker"
        client.get("/oefeningen/")  # warm the per-process caches
        with django_assert_num_queries(0):
            html = page(client, "/privacy/")
        assert 'href="/privacy/"' in html


# --- the footer -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/oefeningen/", "/en/", "/bestaat-niet/"])
def test_the_footer_has_the_crisis_lines_as_tel_links_and_the_trust_pages(client, content, path):
    html = client.get(path).content.decode()
    footer = part(html, "<footer", "</footer>")
    prefix = "/en" if path.startswith("/en/") else ""
    for number in ("113", "08000113", "112"):
        assert f'href="tel:{number}"' in footer
    assert "113.nl" in footer and "0800-0113" in footer
    for trust in ("privacy", "over-ons", "contact", "colofon"):
        assert f'href="{prefix}/{trust}/"' in footer
    assert "vervangt je huisarts" in footer or "does not replace" in footer


def test_the_server_error_page_stands_alone_with_the_crisis_lines():
    html = render_to_string("core/500.html", {})
    for number in ("113", "08000113", "112"):
        assert f'href="tel:{number}"' in html


# --- form fields ------------------------------------------------------------------------------


class NameForm(forms.Form):
    name = forms.CharField(label="Naam", help_text="Een voornaam is genoeg.", max_length=3)
    email = forms.EmailField(label="E-mailadres")

    def clean_name(self):
        raise forms.ValidationError(["Te lang.", "Geen cijfers."])


def test_a_field_with_errors_is_described_by_them_and_listed_at_the_top():
    form = NameForm(data={"name": "Anna1", "email": "anna@"})
    assert not form.is_valid()
    html = render_to_string("core/_form_fields.html", {"form": form})
    summary = part(html, '<div class="error-summary"', "</div>")
    assert 'href="#id_name"' in summary and 'href="#id_email"' in summary
    # one element per field holds all its messages, so the id is used once
    assert html.count('id="id_name_error"') == 1
    assert 'aria-describedby="id_name_helptext id_name_error"' in html
    assert 'aria-invalid="true"' in html
    assert '<p class="field-hint" id="id_name_helptext">' in html


def test_a_form_without_errors_has_no_summary():
    html = render_to_string("core/_form_fields.html", {"form": NameForm()})
    assert "error-summary" not in html and "field-error" not in html
