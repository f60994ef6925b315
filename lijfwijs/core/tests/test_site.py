from io import StringIO

import pytest
from django.core.management import call_command


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


@pytest.mark.django_db
def test_no_pending_migrations():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)


@pytest.mark.django_db
@pytest.mark.parametrize("path,lang", [("/", "nl"), ("/en/", "en")])
def test_home_language_and_layout(client, path, lang):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    assert 'href="#main"' in html
    assert "<main" in html and "<nav" in html and "<footer" in html


@pytest.mark.django_db
def test_footer_says_not_a_replacement_for_gp(client):
    assert "vervangt je huisarts of een medisch onderzoek niet" in client.get("/").content.decode()


@pytest.mark.django_db
def test_no_third_party_urls_in_pages(client):
    html = client.get("/").content.decode()
    for marker in ("http://", "https://", "//cdn", "googleapis"):
        assert marker not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")


@pytest.mark.django_db
def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    assert "bestaat niet" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path,switch",
    [
        ("/", 'href="/en/"'),
        ("/en/", 'href="/"'),
        ("/pijntest/", 'href="/en/pijntest/"'),
        ("/en/pijntest/", 'href="/pijntest/"'),
    ],
)
def test_language_switch_links_to_the_same_page(client, path, switch):
    assert switch in client.get(path).content.decode()


@pytest.mark.django_db
def test_the_cached_start_page_follows_each_change():
    """The start page's panels are cached per person; every change they show drops the cache."""
    from datetime import date

    from django.test import Client

    from lijfwijs.accounts.models import Invitation, User
    from lijfwijs.accounts.services import give_health_consent
    from lijfwijs.diary.models import CheckIn
    from lijfwijs.diary.services import local_today

    call_command("load_content", verbosity=0)
    anna = User.objects.create_user("start@example.org", "a-long-password-1", role="client")
    give_health_consent(anna)
    practitioner = User.objects.create_user(
        "p-start@example.org", "a-long-password-2", role="practitioner"
    )
    browser = Client()
    browser.force_login(anna, backend="django.contrib.auth.backends.ModelBackend")
    assert "minder dan een minuut" in browser.get("/").content.decode()
    CheckIn.objects.create(user=anna, day=local_today(anna), pain=3)
    assert "Je hebt vandaag één check-in gedaan." in browser.get("/").content.decode()
    Invitation.objects.create(practitioner=practitioner, email=anna.email)
    assert "uitnodiging van een behandelaar" in browser.get("/").content.decode()
    assert isinstance(local_today(anna), date)
