"""Messages in a real browser, on a phone: a client writes her practitioner from her list of
messages (an empty message first comes back with the message next to the field), the
practitioner, signed in with the second factor, reads it from his list of conversations and
answers, and each sees "Gelezen" under their own message once the other has read it. A long
unbroken word wraps; axe finds no serious or critical violation on any of the pages."""

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

PASSWORD = "een lange zin voor de berichten"  # noqa: S105 - a test account


@pytest.fixture
def people(content):
    from lijfwijs.accounts.models import Membership, Practice, User
    from lijfwijs.accounts.services import give_health_consent, grant_access, join_practice

    pieter = User.objects.create_user(
        "pieter@praktijk.example", PASSWORD, role=User.Role.PRACTITIONER, display_name="Pieter"
    )
    join_practice(pieter, Practice.objects.create(name="Fysio De Brug"), Membership.Role.OWNER)
    anna = User.objects.create_user("anna@voorbeeld.nl", PASSWORD, display_name="Anna")
    give_health_consent(anna)
    grant_access(anna, pieter)
    return pieter, anna


def _send(page, text: str) -> int:
    field = page.get_by_label("Je bericht", exact=True)
    field.fill(text)
    with page.expect_navigation() as nav:
        page.get_by_role("button", name="Versturen").click()
    return nav.value.status


def test_a_client_and_her_practitioner_exchange_messages_and_see_them_read(open_tab, people):
    from lijfwijs.outreach.messaging.models import Conversation

    pieter, anna = people
    long_word = "doorlopendwoordzonderspaties" * 4

    # Anna, on her phone: her messages, then Pieter's page from there
    client = open_tab(PHONE)
    signed_in(client, anna)
    page = client.page
    assert page.goto(client.url("/berichten/")).status == 200
    assert_styled(page)
    assert_fits_the_screen(page)
    assert_accessible(page, "the client's messages")
    with page.expect_navigation():
        page.get_by_role("link", name="Schrijf Pieter").click()
    assert page.get_by_role("heading", name="Berichten met Pieter", level=1).is_visible()
    assert _send(page, "   ") == 422
    assert (
        page.locator("#id_message-text_error").inner_text().strip() == "Schrijf eerst je bericht."
    )
    assert_fits_the_screen(page)
    assert_accessible(page, "a refused message")
    assert _send(page, f"Mag ik de ademhaling vaker doen? {long_word}") == 200
    conversation = Conversation.objects.get()
    assert f"/berichten/{conversation.pk}/" in page.url
    mine = page.locator("ol.thread li").last
    assert "Nog niet gelezen" in mine.inner_text()
    assert_fits_the_screen(page)  # the long word wraps
    assert_accessible(page, "the client's conversation")

    # Pieter, on his phone: his list marks one new, he reads and answers
    practitioner = open_tab(PHONE)
    signed_in(practitioner, pieter)
    desk = practitioner.page
    assert desk.goto(practitioner.url("/praktijk/berichten/")).status == 200
    assert_fits_the_screen(desk)
    assert_accessible(desk, "the practitioner's conversations")
    row = desk.locator("tbody tr").filter(has_text="Anna")
    assert row.locator("td.num").inner_text().startswith("1")
    with desk.expect_navigation():
        row.get_by_role("link", name="Anna").click()
    assert desk.get_by_role("heading", name="Berichten met Anna", level=1).is_visible()
    assert desk.get_by_text("Mag ik de ademhaling vaker doen?").is_visible()
    assert _send(desk, "Ja, gerust twee keer per dag.") == 200
    assert "Nog niet gelezen" in desk.locator("ol.thread li").last.inner_text()
    assert_fits_the_screen(desk)
    assert_accessible(desk, "the practitioner's conversation")

    # Anna sees her message read and his answer; then he sees his read
    page.reload()
    first, answer = page.locator("ol.thread li").first, page.locator("ol.thread li").last
    assert "Gelezen op" in first.inner_text()
    assert "twee keer per dag" in answer.inner_text()
    desk.reload()
    assert "Gelezen op" in desk.locator("ol.thread li").last.inner_text()
    assert_stays_on_the_server(client)
    assert_stays_on_the_server(practitioner)
