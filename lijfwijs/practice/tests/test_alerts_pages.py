"""The alerts page, acknowledging with a note, the alert settings and a client page's section:
only the practitioner the alert is for, while the client grants access."""

from datetime import timedelta

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lijfwijs.accounts.models import AccessLog, Membership, Practice, User
from lijfwijs.accounts.services import join_practice, revoke_access
from lijfwijs.accounts.tests.helpers import (
    PASSWORD,
    give_access,
    make_client_user,
    signed_in_browser,
)
from lijfwijs.practice import alert_views
from lijfwijs.practice.models import Alert

pytestmark = pytest.mark.django_db

PAGE = "/praktijk/meldingen/"
SETTINGS = "/praktijk/meldingen/instellingen/"
NOTE = "Gebeld, ze slaapt slecht door de pijn; afspraak donderdag."


def ack_url(alert: Alert) -> str:
    return f"/praktijk/meldingen/{alert.pk}/gezien/"


def alert_about(client: User, practitioner: User, kind: str = "silence", **extra) -> Alert:
    day = (timezone.localdate() - timedelta(days=9)).isoformat()
    cause = extra.pop("cause", f"{'flare' if kind == 'pain_rising' else kind}:{day}")
    return Alert.objects.create(
        client=client, practitioner=practitioner, kind=kind, cause=cause, **extra
    )


@pytest.fixture
def alert(anna, pieter) -> Alert:
    give_access(anna, pieter)
    return alert_about(anna, pieter)


# --- The alerts page ----------------------------------------------------------------------------


def test_open_alerts_first_then_the_acknowledged_ones_and_each_client_shown_is_logged(
    alert, anna, bram, pieter, pieter_browser
):
    give_access(bram, pieter)
    rising = alert_about(bram, pieter, "pain_rising")
    done = alert_about(anna, pieter, "crisis", cause="response:x")
    Alert.objects.filter(pk=done.pk).update(
        acknowledged_at=timezone.now(), acknowledged_by=pieter, acknowledged_note=NOTE
    )
    response = pieter_browser.get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    day = alert_views._day(timezone.localdate() - timedelta(days=9))
    assert html.index("Open meldingen") < html.index(f"Geen check-in sinds {day}")
    assert html.index(f"Pijn stijgt sinds {day}") < html.index("Gezien door Pieter")
    assert html.index("Gezien door Pieter") < html.index(NOTE)
    assert f'href="/praktijk/clienten/{anna.pk}/"' in html
    assert f'href="/praktijk/clienten/{bram.pk}/"' in html
    assert f'action="{ack_url(alert)}"' in html and f'action="{ack_url(rising)}"' in html
    assert f'action="{ack_url(done)}"' not in html  # seen: no form
    assert f'<input type="hidden" name="next" value="{PAGE}">' in html
    assert 'href="/praktijk/meldingen/instellingen/"' in html
    for client in (anna, bram):
        [row] = AccessLog.objects.about(client.pk)
        assert (row.kind, row.action) == ("alerts", "list")


def test_the_page_lists_only_the_practitioners_own_alerts_with_access_now(
    alert, anna, bram, pieter, rita, rita_browser
):
    give_access(anna, rita)
    give_access(bram, pieter)
    alert_about(bram, pieter)
    html = rita_browser.get(PAGE).content.decode()
    assert "Geen open meldingen." in html and "Anna" not in html and "Bram" not in html
    assert not AccessLog.objects.filter(actor_id=rita.pk).exists()
    pieter_browser = signed_in_browser(pieter)
    revoke_access(bram, bram.granted_access.get().pk)
    html = pieter_browser.get(PAGE).content.decode()
    assert "Anna" in html and "Bram" not in html


def test_the_queries_do_not_grow_with_the_alerts(alert, pieter, pieter_browser):
    pieter_browser.get(PAGE)
    with CaptureQueriesContext(connection) as one:
        pieter_browser.get(PAGE)
    for n in range(5):
        client = make_client_user(f"c{n}@example.org")
        give_access(client, pieter)
        alert_about(client, pieter)
        seen = alert_about(client, pieter, "crisis", cause=f"response:{n}")
        Alert.objects.filter(pk=seen.pk).update(acknowledged_at=timezone.now())
    with CaptureQueriesContext(connection) as many:
        html = pieter_browser.get(PAGE).content.decode()
    assert html.count("Markeer als gezien") == 6
    assert len(many) == len(one)


def test_who_may_open_the_page(alert, anna_browser, bram_browser, pieter):
    from django.test import Client

    assert Client().get(PAGE)["Location"].startswith("/account/inloggen/")
    assert anna_browser.get(PAGE).status_code == 403
    assert bram_browser.get(PAGE).status_code == 403
    assert assistant_of(pieter).get(PAGE).status_code == 403


def assistant_of(practitioner: User):
    user = User.objects.create_user(
        "assistent@example.org", PASSWORD, role=User.Role.ASSISTANT, display_name="Assistent"
    )
    join_practice(user, practitioner.practice, Membership.Role.ASSISTANT)
    return signed_in_browser(user)


# --- Acknowledging with a note -------------------------------------------------------------------


def test_acknowledging_with_a_note_keeps_it_encrypted_logs_it_and_goes_back(
    alert, anna, pieter, pieter_browser
):
    back = f"/praktijk/clienten/{anna.pk}/"
    response = pieter_browser.post(ack_url(alert), {f"ack-{alert.pk}-note": NOTE, "next": back})
    assert response.status_code == 302 and response["Location"] == back
    alert.refresh_from_db()
    assert alert.acknowledged_by == pieter and alert.acknowledged_note == NOTE
    with connection.cursor() as cursor:
        cursor.execute("SELECT acknowledged_note FROM practice_alert WHERE id = %s", [alert.pk])
        [raw] = cursor.fetchone()
    assert raw and "Gebeld" not in raw and "slaapt" not in raw
    [row] = AccessLog.objects.about(anna.pk)
    assert (row.kind, row.action, row.object_ref) == ("alerts", "change", f"alert:{alert.pk}")
    html = pieter_browser.get(PAGE).content.decode()
    assert NOTE in html and "Gezien door Pieter" in html
    # a second click changes nothing and logs nothing
    response = pieter_browser.post(ack_url(alert), {f"ack-{alert.pk}-note": "anders"})
    assert response["Location"] == PAGE
    alert.refresh_from_db()
    assert alert.acknowledged_note == NOTE
    assert AccessLog.objects.about(anna.pk).filter(action="change").count() == 1


@pytest.mark.parametrize(
    "target",
    [
        "https://elders.example/",
        "//elders.example/x",
        "/\\elders.example/x",
        "javascript:alert(1)",
        "",
        # not a path: Django's redirect() took these for view names (NoReverseMatch, a 500)
        "praktijk",
        "9223372036854775808",
        "' OR 1=1 --",
        "/praktijk/\nSet-Cookie: x=1",  # no control character goes into a Location header
    ],
)
def test_only_a_local_next_is_followed(alert, pieter_browser, target):
    response = pieter_browser.post(ack_url(alert), {"next": target})
    assert response.status_code == 302 and response["Location"] == PAGE


def test_a_note_too_long_is_shown_again_with_the_message_next_to_it(alert, anna, pieter_browser):
    typed = "x" * 2001
    back = f"/praktijk/clienten/{anna.pk}/"
    response = pieter_browser.post(ack_url(alert), {f"ack-{alert.pk}-note": typed, "next": back})
    assert response.status_code == 422
    html = response.content.decode()
    assert "Houd de notitie op hooguit 2000 tekens (nu 2001)." in html
    assert html.index(f'id="id_ack-{alert.pk}-note_error"') < html.index(typed)
    assert f'<input type="hidden" name="next" value="{back}">' in html  # still goes back there
    alert.refresh_from_db()
    assert alert.acknowledged_at is None
    assert not AccessLog.objects.about(anna.pk).filter(action="change").exists()


def test_nobody_else_acknowledges_it(alert, anna, pieter, rita_browser, anna_browser):
    data = {f"ack-{alert.pk}-note": NOTE}
    assert rita_browser.post(ack_url(alert), data).status_code == 404  # another practitioner
    assert anna_browser.post(ack_url(alert), data).status_code == 403  # the client
    assert assistant_of(pieter).post(ack_url(alert), data).status_code == 403
    revoke_access(anna, anna.granted_access.get().pk)
    assert signed_in_browser(pieter).post(ack_url(alert), data).status_code == 404  # revoked
    alert.refresh_from_db()
    assert alert.acknowledged_at is None and alert.acknowledged_note == ""


# --- Settings ------------------------------------------------------------------------------------


def test_the_practitioner_sets_their_own_silence_days_and_digest(pieter, pieter_browser):
    html = pieter_browser.get(SETTINGS).content.decode()
    assert 'name="silence_days"' in html and 'value="7"' in html
    assert 'name="alert_digest"' in html and "checked" in html
    response = pieter_browser.post(SETTINGS, {"silence_days": "14"})  # digest unticked: off
    assert response.status_code == 302 and response["Location"] == SETTINGS
    membership = Membership.objects.get(user=pieter)
    assert (membership.silence_days, membership.alert_digest) == (14, False)
    pieter_browser.post(SETTINGS, {"silence_days": "2", "alert_digest": "on"})
    membership.refresh_from_db()
    assert (membership.silence_days, membership.alert_digest) == (2, True)


@pytest.mark.parametrize("wrong", ["1", "61", "", "zeven", "3.5"])
def test_a_wrong_number_of_days_is_refused_next_to_the_field(pieter, pieter_browser, wrong):
    response = pieter_browser.post(SETTINGS, {"silence_days": wrong, "alert_digest": "on"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "Vul een aantal dagen in, van 2 tot en met 60." in html
    assert 'id="id_silence_days_error"' in html
    assert Membership.objects.get(user=pieter).silence_days == 7


def test_a_practitioner_without_a_practice_is_told_so(pieter, pieter_browser):
    Membership.objects.filter(user=pieter).delete()
    response = pieter_browser.get(SETTINGS)
    assert response.status_code == 200
    assert "Je hoort nog niet bij een praktijk" in response.content.decode()
    assert pieter_browser.post(SETTINGS, {"silence_days": "9"}).status_code == 409
    assert not Membership.objects.filter(user=pieter).exists()


def test_settings_are_for_practitioners_only(pieter, anna_browser):
    assert anna_browser.get(SETTINGS).status_code == 403
    assert assistant_of(pieter).post(SETTINGS, {"silence_days": "9"}).status_code == 403
    assert Membership.objects.get(user=pieter).silence_days == 7


def test_each_practitioner_changes_only_their_own(pieter, rita, rita_browser):
    rita_browser.post(SETTINGS, {"silence_days": "30", "alert_digest": "on"})
    assert Membership.objects.get(user=rita).silence_days == 30
    assert Membership.objects.get(user=pieter).silence_days == 7
    assert Practice.objects.count() == 2


# --- A client's page ----------------------------------------------------------------------------


def test_the_client_section_holds_this_clients_alerts_for_this_practitioner(
    alert, anna, bram, pieter, rita
):
    give_access(anna, rita)
    alert_about(anna, rita)  # Rita's, not Pieter's
    give_access(bram, pieter)
    alert_about(bram, pieter)  # another client
    seen = alert_about(anna, pieter, "crisis", cause="response:x")
    Alert.objects.filter(pk=seen.pk).update(
        acknowledged_at=timezone.now(), acknowledged_by=pieter, acknowledged_note=NOTE
    )
    request = RequestFactory().get(f"/praktijk/clienten/{anna.pk}/")
    request.user = pieter
    context = alert_views.client_section(request, anna)
    section = context["client_alerts"]
    assert [e.alert for e in section["open"]] == [alert]
    assert [e.alert for e in section["done"]] == [seen]
    assert section["open"][0].form is not None and section["done"][0].form is None
    assert not AccessLog.objects.exists()  # the client's page writes its own row
    html = render_to_string("practice/_client_alerts.html", context, request=request)
    assert "<section" in html and "<h2" in html and "Meldingen" in html
    assert f'action="{ack_url(alert)}"' in html and NOTE in html
    assert f'value="/praktijk/clienten/{anna.pk}/"' in html
    assert "/praktijk/clienten/" + str(bram.pk) not in html


def test_the_client_pages_alerts_are_the_open_the_last_seen_and_those_of_the_timeline(
    anna, pieter, rita
):
    """client_alerts (one query for the client's page) gives what the section and the timeline
    show, and nothing of another practitioner's."""
    give_access(anna, pieter)
    give_access(anna, rita)
    now = timezone.now()
    old = now - timedelta(days=200)
    open_old = alert_about(anna, pieter, cause="silence:open-old")
    Alert.objects.filter(pk=open_old.pk).update(created_at=old)
    seen = []
    for n in range(7):  # seen long ago, the last five shown
        a = alert_about(anna, pieter, cause=f"silence:seen-{n}")
        Alert.objects.filter(pk=a.pk).update(
            created_at=old, acknowledged_at=old + timedelta(days=n), acknowledged_by=rita
        )
        seen.append(a)
    recent = alert_about(anna, pieter, cause="silence:recent")
    Alert.objects.filter(pk=recent.pk).update(acknowledged_at=old, acknowledged_by=pieter)
    alert_about(anna, rita, cause="silence:ritas")
    since = now - timedelta(days=84)

    found = alert_views.client_alerts(pieter, anna, since)

    last_five = {a.pk for a in seen[2:]}
    assert {a.pk for a in found} == {open_old.pk, recent.pk} | last_five
    mine = alert_views.alerts_of(pieter).filter(client=anna)
    assert {a.pk for a in found} <= set(mine.values_list("pk", flat=True))
    by_pk = {a.pk: a for a in found}
    assert str(by_pk[recent.pk].acknowledged_by) == str(pieter)
    assert str(by_pk[seen[6].pk].acknowledged_by) == str(rita)
    assert by_pk[open_old.pk].created_at == old
    with CaptureQueriesContext(connection) as queries:
        alert_views.client_alerts(pieter, anna, since)
    assert len(queries) == 1  # the alerts with who acknowledged them
