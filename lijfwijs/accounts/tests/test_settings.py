"""The settings page: profile, consents, and what it shows to whom."""

import pytest
from django.test import Client

from lijfwijs.accounts.models import Consent, ConsentText, User

pytestmark = pytest.mark.django_db


def test_settings_needs_a_login(client, content):
    response = client.get("/account/")
    assert (
        response.status_code == 302 and response["Location"] == "/account/inloggen/?next=/account/"
    )


def test_the_settings_page_of_a_client(anna, anna_browser):
    assert Consent.objects.filter(
        user=anna, kind="health_data"
    ).exists()  # given as at registration
    html = anna_browser.get("/account/").content.decode()
    assert "anna@example.org" in html and "nog niet bevestigd" in html
    assert "Toegang voor behandelaars" in html and "Niemand." in html
    assert ConsentText.current("practitioner_access").text_nl.split("\n")[0] in html
    assert "verwerking van gezondheidsgegevens" in html  # her consent, with its version
    assert f"versie {ConsentText.current('health_data').version}" in html
    for link in ["/account/inzage/", "/account/export/", "/account/verwijderen/"]:
        assert f'href="{link}"' in html


def test_a_practitioner_has_no_client_access_section(pieter_browser):
    html = pieter_browser.get("/account/").content.decode()
    assert "Toegang voor behandelaars" not in html
    assert "Nieuwe herstelcodes maken" in html


def test_the_profile_is_saved(anna, anna_browser):
    response = anna_browser.post(
        "/account/", {"profile-display_name": "Anna B.", "profile-language": "en"}
    )
    assert response.status_code == 302 and response["Location"] == "/account/"
    anna.refresh_from_db()
    assert anna.display_name == "Anna B." and anna.language == "en"


def test_a_rejected_profile_is_422_and_keeps_what_was_typed(anna, anna_browser):
    response = anna_browser.post(
        "/account/", {"profile-display_name": "Anna B.", "profile-language": "fr"}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="id_profile-language_error"' in html and 'value="Anna B."' in html
    assert User.objects.get(pk=anna.pk).language == "nl"


def test_the_home_page_asks_to_confirm_the_address_until_it_is(anna, anna_browser):
    assert "Bevestig je e-mailadres" in anna_browser.get("/").content.decode()
    from django.core import signing

    from lijfwijs.accounts import services

    token = signing.dumps({"u": anna.pk, "e": anna.email}, salt=services.VERIFY_SALT)
    assert anna_browser.get(f"/account/bevestigen/{token}/").status_code == 200  # the real link
    assert "Bevestig je e-mailadres" not in anna_browser.get("/").content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/en/account/registreren/",
        "/en/account/inloggen/",
        "/en/account/wachtwoord-vergeten/",
    ],
)
def test_the_english_pages_exist(content, path):
    response = Client().get(path)
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


def test_the_time_zone_can_be_changed_and_is_checked(anna, anna_browser):
    response = anna_browser.post(
        "/account/",
        {
            "profile-display_name": "Anna",
            "profile-language": "nl",
            "profile-time_zone": "Mars/Olympus",
        },
    )
    assert (
        response.status_code == 422 and "Deze tijdzone kennen we niet" in response.content.decode()
    )
    response = anna_browser.post(
        "/account/",
        {
            "profile-display_name": "Anna",
            "profile-language": "nl",
            "profile-time_zone": "America/New_York",
        },
    )
    assert response.status_code == 302
    anna.refresh_from_db()
    assert anna.time_zone == "America/New_York"
