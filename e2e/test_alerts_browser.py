"""Alerts in a real browser, on a phone: a practitioner signs in with the second factor, sees a
client's silence and rising pain on the start page and the alerts page, acknowledges one with a
note typed with the keyboard, finds it under "Gezien", and sets their own days of silence (a
wrong number is refused next to the field). Nothing scrolls sideways, not even with the client's
long name, and axe finds no serious or critical violation."""

from datetime import timedelta

import pytest

from e2e.conftest import PHONE
from e2e.helpers import (
    assert_accessible,
    assert_fits_the_screen,
    assert_stays_on_the_server,
    assert_styled,
    signed_in,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "een lange zin voor de praktijk"  # noqa: S105 - a test account
NOTE = "Gebeld: ze was op vakantie, gaat morgen weer inchecken."


@pytest.fixture
def people(content):
    from django.utils import timezone

    from lijfwijs.accounts.models import Membership, Practice, User
    from lijfwijs.accounts.services import give_health_consent, grant_access, join_practice
    from lijfwijs.practice.models import Alert

    pieter = User.objects.create_user(
        "pieter@praktijk.example", PASSWORD, role=User.Role.PRACTITIONER, display_name="Pieter"
    )
    join_practice(pieter, Practice.objects.create(name="Fysio De Brug"), Membership.Role.OWNER)
    anna = User.objects.create_user(
        "anna@voorbeeld.nl", PASSWORD, display_name="Anna Jansen-van Oosterhout-Wijnbergen"
    )
    give_health_consent(anna)
    grant_access(anna, pieter)
    day = timezone.localdate() - timedelta(days=9)
    silence = Alert.objects.create(
        client=anna, practitioner=pieter, kind="silence", cause=f"silence:{day.isoformat()}"
    )
    rising = Alert.objects.create(
        client=anna, practitioner=pieter, kind="pain_rising", cause=f"flare:{day.isoformat()}"
    )
    return pieter, anna, silence, rising


def test_a_practitioner_acknowledges_an_alert_with_a_note_and_sets_the_silence_on_a_phone(
    open_tab, people
):
    from lijfwijs.accounts.models import Membership
    from lijfwijs.practice.models import Alert

    pieter, _anna, silence, rising = people
    tab = open_tab(PHONE)
    signed_in(tab, pieter)
    page = tab.page

    # The start page: both alerts in words, each with its form.
    assert page.goto(tab.url("/")).status == 200
    assert_styled(page)
    assert_fits_the_screen(page)
    panel = page.locator("section[aria-labelledby=home-alerts]")
    assert panel.get_by_text("Geen check-in sinds").is_visible()
    assert panel.get_by_text("Pijn stijgt sinds").is_visible()
    assert_accessible(page, "the start page with alerts")

    # The alerts page.
    with page.expect_navigation():
        panel.get_by_role("link", name="Alle meldingen en je instellingen").click()
    assert page.get_by_role("heading", name="Meldingen", level=1).is_visible()
    assert_fits_the_screen(page)
    assert_accessible(page, "the alerts page")

    # (A note over 2000 characters cannot be typed: the field's maxlength stops it; the server's
    # 422 for one sent anyway is tested through HTTP in practice/tests/test_alerts_pages.py.)
    assert page.locator(f"#id_ack-{silence.pk}-note").get_attribute("maxlength") == "2000"

    # The note typed with the keyboard, sent with Enter on the button.
    field = page.locator(f"#id_ack-{silence.pk}-note")
    field.focus()
    page.keyboard.type(NOTE)
    page.keyboard.press("Tab")
    with page.expect_navigation() as nav:
        page.keyboard.press("Enter")
    assert nav.value.status == 200
    silence.refresh_from_db()
    assert silence.acknowledged_by_id == pieter.pk and silence.acknowledged_note == NOTE
    assert Alert.objects.get(pk=rising.pk).acknowledged_at is None
    done = page.locator("section[aria-labelledby=alerts-done]")
    assert done.get_by_text(NOTE).is_visible()
    assert done.get_by_text("Gezien door Pieter").is_visible()
    assert_fits_the_screen(page)
    page.reload()  # (axe without the message list of the base template; see test_notes_browser)
    assert_accessible(page, "the alerts page with a seen alert")

    # The settings: a wrong number is refused next to the field, then 14 days without digest.
    with page.expect_navigation():
        page.get_by_role("link", name="Instellingen voor meldingen").click()
    days = page.get_by_label("Melding bij stilte na")
    days.fill("1")
    with page.expect_navigation() as nav:
        page.get_by_role("button", name="Bewaar").click()
    assert nav.value.status == 422
    assert "van 2 tot en met 60" in page.locator("#id_silence_days_error").inner_text()
    assert_fits_the_screen(page)
    assert_accessible(page, "the alert settings with a rejected number")
    page.get_by_label("Melding bij stilte na").fill("14")
    page.get_by_label("Stuur me één keer per dag een samenvatting").uncheck()
    with page.expect_navigation():
        page.get_by_role("button", name="Bewaar").click()
    membership = Membership.objects.get(user=pieter)
    assert (membership.silence_days, membership.alert_digest) == (14, False)
    page.reload()
    assert_accessible(page, "the alert settings")
    assert_stays_on_the_server(tab)
