"""The check-in page through HTTP: the body map beside the labelled region fields, a refused form
that keeps every region value, the web app's service worker and manifest, nothing inline."""

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from lijfwijs.accounts.models import User
from lijfwijs.accounts.services import give_health_consent
from lijfwijs.core.tests.test_security_headers import inline_things
from lijfwijs.diary import services
from lijfwijs.diary.forms import REGION_LABELS
from lijfwijs.diary.models import REGIONS, CheckIn

pytestmark = pytest.mark.django_db

DRAWN = [code for code in REGIONS if code != "other"]  # "other" is in the list only


@pytest.fixture
def mila():
    user = User.objects.create_user("mila-kaart@example.org", "a-long-password-1", role="client")
    give_health_consent(user)
    return user


@pytest.fixture
def browser(mila):
    client = Client()
    client.force_login(mila, backend="lijfwijs.accounts.backends.UserBackend")
    return client


def region_input(html: str, code: str) -> str:
    match = re.search(rf'<input[^>]*name="region_{code}"[^>]*>', html)
    assert match, f"no input for region {code}"
    return match.group(0)


def test_the_body_map_is_a_picture_beside_labelled_fields(browser):
    response = browser.get("/dagboek/nieuw/")
    assert response.status_code == 200
    html = response.content.decode()
    svg = re.search(r"<svg[^>]*>.*?</svg>", html[html.index("data-body-map") :], re.S).group(0)
    assert 'aria-hidden="true"' in svg.split(">", 1)[0]  # decorative for screen readers
    assert 'focusable="false"' in svg.split(">", 1)[0]
    zones = re.findall(r'<g class="zone" data-region="([a-z_]+)">', svg)
    assert sorted(zones) == sorted(DRAWN)
    assert "tabindex" not in svg and "<a " not in svg  # keyboard users never land in the picture
    for code in REGIONS:
        field = region_input(html, code)
        assert 'type="number"' in field and 'min="0"' in field and 'max="10"' in field
        assert f'<label for="id_region_{code}">{REGION_LABELS[code]}</label>' in html
        assert f'<li class="region field" data-region="{code}">' in html


def test_a_refused_check_in_keeps_every_region_value(browser, mila):
    data = {
        "day": services.local_today(mila).isoformat(),
        "time": "07:45",
        "pain": "",  # required: the form is refused
        "region_lower_back": "7",
        "region_neck": "0",
        "region_leg_below_knee": "10",
        "region_head": "12",  # out of range: kept as typed, with a message
        "client_key": "2b1f2d7e-1111-4a4a-8b8b-123456789abc",
    }
    response = browser.post("/dagboek/nieuw/", data)
    assert response.status_code == 422
    html = response.content.decode()
    assert 'value="7"' in region_input(html, "lower_back")
    assert 'value="0"' in region_input(html, "neck")
    assert 'value="10"' in region_input(html, "leg_below_knee")
    assert 'value="12"' in region_input(html, "head")
    assert 'value="' not in region_input(html, "upper_back")
    assert re.search(r'<li class="region field has-error" data-region="head">', html)
    assert '<details class="more regions" id="more" open>' in html  # "more" opens at the error
    # the same check-in when it is sent again: the key comes back
    assert 'name="client_key" value="2b1f2d7e-1111-4a4a-8b8b-123456789abc"' in html
    assert CheckIn.objects.count() == 0


def test_region_values_are_saved(browser, mila):
    data = {
        "day": services.local_today(mila).isoformat(),
        "time": "07:45",
        "pain": "5",
        "region_shoulders": "3",
        "region_buttock": "0",
    }
    assert browser.post("/dagboek/nieuw/", data).status_code == 302
    assert CheckIn.objects.get().region_pain == {"shoulders": 3, "buttock": 0}


def test_the_edit_page_has_the_map_but_no_offline_keeping(browser, mila):
    data = {"day": services.local_today(mila).isoformat(), "time": "07:45", "pain": "5"}
    browser.post("/dagboek/nieuw/", {**data, "region_neck": "4"})
    checkin = CheckIn.objects.get()
    html = browser.get(f"/dagboek/{checkin.pk}/").content.decode()
    assert "data-body-map" in html and 'value="4"' in region_input(html, "neck")
    form = re.search(r"<form[^>]*data-checkin-form[^>]*>", html).group(0)
    assert "data-offline" not in form  # an edit is no new check-in to keep for later
    new = browser.get("/dagboek/nieuw/").content.decode()
    form = re.search(r"<form[^>]*data-checkin-form[^>]*>", new).group(0)
    assert "data-offline" in form and 'data-done="/dagboek/"' in form
    assert 'role="status"' in new  # the live region is there before anything is announced


def test_the_page_loads_its_script_and_manifest_and_has_nothing_inline(browser):
    response = browser.get("/dagboek/nieuw/")
    html = response.content.decode()
    assert inline_things(html) == []
    script = re.search(r"<script[^>]*checkin\.js[^>]*>", html).group(0)
    assert "defer" in script and 'src="/static/core/checkin.js"' in script
    assert 'data-sw="/sw.js"' in script
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp


def test_english_pages_say_where_the_diary_is():
    user = User.objects.create_user("en-kaart@example.org", "a-long-password-1", role="client")
    give_health_consent(user)
    client = Client()
    client.force_login(user, backend="lijfwijs.accounts.backends.UserBackend")
    html = client.get("/en/dagboek/nieuw/").content.decode()
    assert 'data-diary="/en/dagboek/"' in html and 'data-done="/en/dagboek/"' in html


def test_anonymous_pages_have_the_script_but_no_account(client):
    html = client.get("/").content.decode()
    script = re.search(r"<script[^>]*checkin\.js[^>]*>", html).group(0)
    assert "data-account" not in script


def test_the_service_worker_is_served_from_the_root(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    body = response.content.decode()
    shell = json.loads(re.search(r"const SHELL = (\[.*?\]);", body).group(1))
    assert "/static/core/site.css" in shell and "/static/core/checkin.js" in shell
    assert all(url.startswith("/static/") for url in shell)  # no page: pages may hold health data
    for url in shell:
        assert finders.find(url.removeprefix("/static/")), f"{url} is not a static file"
    version = re.search(r'const VERSION = "([0-9a-f]+)";', body)
    assert version and len(version.group(1)) == 16
    assert client.post("/sw.js").status_code == 405


def test_the_manifest_makes_it_installable(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "Lijfwijs"
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == (
        "/",
        "/",
        "standalone",
    )
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        assert finders.find(icon["src"].removeprefix("/static/")), icon["src"]
    assert client.post("/manifest.webmanifest").status_code == 405
