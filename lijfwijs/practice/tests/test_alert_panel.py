"""The practitioner's start page shows open alerts (who, what kind, when, a link) until they are
acknowledged; only the practitioner the alert is for, and only while the client grants access."""

import pytest
from django.test import Client

from lijfwijs.accounts.models import AccessLog
from lijfwijs.accounts.services import revoke_access
from lijfwijs.accounts.tests.helpers import give_access, pijntest_result
from lijfwijs.diary.models import SafetyCheck
from lijfwijs.practice import alerts
from lijfwijs.practice.models import Alert

pytestmark = pytest.mark.django_db


@pytest.fixture
def alert(anna, pieter, rita) -> Alert:
    """Anna gave Pieter access and answered the crisis question; Rita is nothing to Anna."""
    give_access(anna, pieter)
    response = pijntest_result(anna, **{"crisis.thoughts": "yes"})
    alerts.raise_alerts.call(source=alerts.RESPONSE, source_id=response.pk)
    return Alert.objects.get()


def ack_url(alert: Alert) -> str:
    return f"/praktijk/meldingen/{alert.pk}/gezien/"


def start_page(browser: Client) -> str:
    response = browser.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_practitioner_sees_the_open_alert_first_and_the_look_is_logged(
    alert, anna, pieter_browser
):
    html = start_page(pieter_browser)
    assert "Meldingen over je cliënten" in html
    assert html.index("Meldingen over je cliënten") < html.index("Je praktijk")
    assert f'href="/praktijk/clienten/{anna.pk}/"' in html and "Anna" in html
    assert "crisisantwoord" in html and "in een vragenlijst" in html.lower()
    assert f'action="{ack_url(alert)}"' in html and "csrfmiddlewaretoken" in html
    assert f'name="ack-{alert.pk}-note"' in html  # a note with the acknowledgement
    assert '<input type="hidden" name="next" value="/">' in html  # back to the start page
    assert 'href="/praktijk/meldingen/"' in html
    [row] = AccessLog.objects.about(anna.pk)
    assert (row.kind, row.action, row.object_ref) == ("client_list", "list", "alerts")


def test_acknowledging_takes_it_off_the_start_page_once(alert, pieter, pieter_browser):
    response = pieter_browser.post(ack_url(alert), {"next": "/"})  # as the panel's form sends
    assert response.status_code == 302 and response["Location"] == "/"
    alert.refresh_from_db()
    assert alert.acknowledged_by == pieter and alert.acknowledged_at is not None
    first = alert.acknowledged_at
    html = start_page(pieter_browser)
    assert "De melding is gemarkeerd als gezien." in html
    assert "Meldingen over je cliënten" not in html
    assert pieter_browser.post(ack_url(alert)).status_code == 302  # again: no change
    alert.refresh_from_db()
    assert alert.acknowledged_at == first


def test_nobody_else_sees_or_acknowledges_it(alert, anna_browser, bram_browser, rita_browser):
    assert Client().post(ack_url(alert))["Location"].startswith("/account/inloggen/")
    assert anna_browser.post(ack_url(alert)).status_code == 403  # the client herself
    assert bram_browser.post(ack_url(alert)).status_code == 403  # another client
    assert rita_browser.post(ack_url(alert)).status_code == 404  # another practitioner
    assert "Meldingen over je cliënten" not in start_page(rita_browser)
    assert "Meldingen over je cliënten" not in start_page(anna_browser)
    assert pieter_get_method_not_allowed(alert)
    assert Alert.objects.get().acknowledged_at is None


def pieter_get_method_not_allowed(alert: Alert) -> bool:
    from lijfwijs.accounts.tests.helpers import signed_in_browser

    return signed_in_browser(alert.practitioner).get(ack_url(alert)).status_code == 405


def test_after_the_client_revokes_access_the_alert_is_gone(alert, anna, pieter_browser):
    revoke_access(anna, anna.granted_access.get().pk)
    assert "Meldingen over je cliënten" not in start_page(pieter_browser)
    assert pieter_browser.post(ack_url(alert)).status_code == 404
    assert not AccessLog.objects.about(anna.pk).filter(object_ref="alerts").exists()


def test_an_alert_from_the_flare_up_safety_questions(anna, pieter, pieter_browser):
    give_access(anna, pieter)
    check = SafetyCheck.objects.create(user=anna, flags=["bladder"], level="urgent")
    alerts.raise_alerts.call(source=alerts.SAFETY_CHECK, source_id=str(check.pk))
    html = start_page(pieter_browser)
    assert "rode vlag: nu naar een arts" in html
    assert "bij de veiligheidsvragen van een opvlamming" in html.lower()


def test_the_panel_shows_the_diary_alerts_in_words(anna, pieter, pieter_browser):
    from django.utils import timezone

    give_access(anna, pieter)
    year = timezone.localdate().year
    for kind, cause in (
        ("silence", f"silence:{year}-01-03"),
        ("pain_rising", f"flare:{year}-01-28"),
        ("silence", f"silence:{year - 1}-11-03"),  # another year: with the year
    ):
        Alert.objects.create(client=anna, practitioner=pieter, kind=kind, cause=cause)
    html = start_page(pieter_browser)
    assert "geen check-in" in html and "Geen check-in sinds 3 jan." in html
    assert "pijn neemt toe" in html and "Pijn stijgt sinds 28 jan." in html
    assert f"Geen check-in sinds 3 nov. {year - 1}" in html


def test_the_start_page_queries_do_not_grow_with_the_alerts(anna, pieter, pieter_browser):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lijfwijs.accounts.tests.helpers import make_client_user

    def raise_for(client_user):
        give_access(client_user, pieter)
        response = pijntest_result(client_user, **{"crisis.thoughts": "yes"})
        alerts.raise_alerts.call(source=alerts.RESPONSE, source_id=response.pk)

    raise_for(anna)
    start_page(pieter_browser)
    with CaptureQueriesContext(connection) as one:
        start_page(pieter_browser)
    for n in range(4):
        raise_for(make_client_user(f"c{n}@example.org"))
    with CaptureQueriesContext(connection) as five:
        html = start_page(pieter_browser)
    assert html.count("Markeer als gezien") == 5
    assert len(five) == len(one)
