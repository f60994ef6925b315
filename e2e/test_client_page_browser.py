"""A client's page and a report as the practitioner's view, in a real browser on a phone.

Pieter opens Anna's page (eight weeks of check-ins with tags and notes she shares with him,
practice sessions, two Pijntests): it fits 390 px without sideways scrolling and axe finds nothing
serious. From the timeline he opens a result: the report names Anna, leads back to her page, and
printing shows the report alone (the site's header, navigation and buttons left out, the folded
parts opened), with no script blocked by the content security policy.
"""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from e2e.conftest import PHONE
from e2e.helpers import (
    assert_accessible,
    assert_fits_the_screen,
    assert_styled,
    signed_in,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "een rustige rug begint bij ademen"  # noqa: S105 - a test account
PIETER = "pieter@praktijk.example"
NOTE = "Lange dag op kantoor, daarna een wandeling langs het water gemaakt en dat hielp wel."


@pytest.fixture
def people(content):
    from lijfwijs.accounts.localtime import local_today
    from lijfwijs.accounts.models import Membership, Practice, PractitionerAccess, User
    from lijfwijs.accounts.services import give_health_consent, grant_access, join_practice
    from lijfwijs.accounts.tests.helpers import pijntest_result
    from lijfwijs.diary.models import CheckIn, Tag
    from lijfwijs.exercises.tests.log_factories import practise

    pieter = User.objects.create_user(
        PIETER, PASSWORD, role=User.Role.PRACTITIONER, display_name="Pieter de Vries"
    )
    join_practice(pieter, Practice.objects.create(name="Fysio De Brug"), Membership.Role.OWNER)
    anna = User.objects.create_user(
        "anna@voorbeeld.example", PASSWORD, display_name="Anna Jansen-Verhoeven"
    )
    give_health_consent(anna)
    grant_access(anna, pieter)
    PractitionerAccess.objects.filter(client=anna).update(share_notes=True)
    tags = list(Tag.objects.filter(user__isnull=True)[:4])
    today = local_today(anna)
    for n in range(56):
        checkin = CheckIn.objects.create(
            user=anna, day=today - timedelta(days=n), pain=3 + n % 5, note=NOTE if n % 3 else ""
        )
        checkin.tags.add(*tags[: n % 4])
    for n in range(6):
        practise(anna, "schudden", 7, 4, seconds=300, ago=timedelta(days=n * 4, hours=1))
    pijntest_result(anna, peg=6)
    latest = pijntest_result(anna, peg=4, **{"redflag.morning_stiffness": "yes"})
    User.objects.data_changed(anna)
    return {"pieter": pieter, "anna": anna, "latest": latest}


def test_the_client_page_and_the_printed_report_on_a_phone(open_tab, people):
    anna, latest = people["anna"], people["latest"]
    tab = open_tab(PHONE)
    signed_in(tab, people["pieter"])
    page = tab.page

    assert page.goto(tab.url(f"/praktijk/clienten/{anna.pk}/")).status == 200
    assert_styled(page)
    assert_fits_the_screen(page)
    expect(page.get_by_role("heading", name="Anna Jansen-Verhoeven", level=1)).to_be_visible()
    tabs = page.get_by_role("navigation", name="Dossier van de cliënt")
    expect(tabs.get_by_role("link", name="Overzicht")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("heading", name="In het kort")).to_be_visible()
    assert_accessible(page, "a client's record: the overview")

    # each tab is a page of its own, reached from the tabs, marked as the one shown
    for name, path, what in [
        ("Tijdlijn", "tijdlijn/", "the timeline"),
        ("Inzichten", "inzichten/", "the insights"),
        ("Notities en opdrachten", "notities-en-opdrachten/", "the notes and assignments"),
    ]:
        with page.expect_navigation():
            page.get_by_role("navigation", name="Dossier van de cliënt").get_by_role(
                "link", name=name
            ).click()
        assert page.url.endswith(f"/praktijk/clienten/{anna.pk}/{path}"), page.url
        current = page.get_by_role("navigation", name="Dossier van de cliënt").get_by_role(
            "link", name=name
        )
        expect(current).to_have_attribute("aria-current", "page")
        expect(page.get_by_role("heading", name="Anna Jansen-Verhoeven", level=1)).to_be_visible()
        assert_styled(page)
        assert_fits_the_screen(page)
        if name == "Inzichten":
            expect(
                page.get_by_role("heading", name="Inzichten, zoals je cliënt ze ziet")
            ).to_be_visible()
        elif name == "Notities en opdrachten":
            expect(page.get_by_role("heading", name="Notities", exact=True)).to_be_visible()
            expect(page.get_by_role("heading", name="Opdrachten", exact=True)).to_be_visible()
        assert_accessible(page, f"a client's record: {what}")

    with page.expect_navigation():
        page.get_by_role("navigation", name="Dossier van de cliënt").get_by_role(
            "link", name="Tijdlijn"
        ).click()
    expect(page.locator(".timeline-week").first).to_contain_text("gedeelde notitie")

    link = page.locator(".timeline-pijntest a").first
    with page.expect_navigation():
        link.click()
    assert page.url.endswith(f"/praktijk/clienten/{anna.pk}/uitslagen/{latest.pk}/")
    expect(page.locator("main h1")).to_contain_text("Pijntest-uitslag van Anna Jansen-Verhoeven")
    assert_styled(page)
    assert_fits_the_screen(page)
    assert_accessible(page, "a report as the practitioner's view")
    expect(page.get_by_role("button", name="Afdrukken / PDF bewaren")).to_be_visible()

    page.emulate_media(media="print")
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".report-tools")).to_be_hidden()
    expect(page.locator(".print-only")).to_contain_text("Anna Jansen-Verhoeven")
    expect(page.locator("main details:not([open])")).to_have_count(0)
    page.evaluate("() => window.dispatchEvent(new Event('afterprint'))")
    page.emulate_media(media="screen")
    expect(page.locator("main details[open]")).to_have_count(0)

    with page.expect_navigation():
        page.get_by_role("link", name="Terug naar Anna Jansen-Verhoeven").click()
    assert page.url.endswith(f"/praktijk/clienten/{anna.pk}/")


def test_the_print_button_runs_under_the_content_security_policy(open_tab, people):
    anna, latest = people["anna"], people["latest"]
    tab = open_tab(PHONE)  # the site's own CSP (no axe)
    signed_in(tab, people["pieter"])
    page = tab.page
    assert page.goto(tab.url(f"/praktijk/clienten/{anna.pk}/uitslagen/{latest.pk}/")).status == 200
    page.evaluate("() => { window.print = () => { window.printed = true; }; }")
    page.get_by_role("button", name="Afdrukken / PDF bewaren").click()
    assert page.evaluate("() => window.printed === true")
    assert tab.csp_violations() == []
