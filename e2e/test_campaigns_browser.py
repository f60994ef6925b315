"""A practitioner writes and sends a campaign in a real browser, on a phone (390 px).

Pieter, owner of Fysio De Brug, signs in with his password and second factor, opens the
campaigns (none yet), starts a new one, types its text and sees the live preview follow (rendered
by the server: the <script> he types stays text), chooses the newsletter (five readers), sends
himself a test, sends it after the confirmation and sees the figures: five sent, none failed.
Every page fits the phone and axe-core finds nothing serious or critical; a second tab with the
site's CSP switched on shows the live preview works under it (core/editor.js, no inline script).

The audience is a stand-in for the newsletter (the campaigns only know `outreach.audience`),
patched in this process, which the live server's thread shares; so is Django's locmem outbox.
Tasks run as they are queued (the immediate backend).
"""

import pytest
from django.core import mail
from playwright.sync_api import expect

from e2e.conftest import DESKTOP, PHONE
from e2e.helpers import check, click_to, signed_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "een rustige rug begint bij ademen"  # noqa: S105 - a test account
IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def pieter(content, settings, monkeypatch):
    from lijfwijs.accounts.models import Membership, Practice, User
    from lijfwijs.accounts.services import join_practice
    from lijfwijs.outreach import audience
    from lijfwijs.outreach.audience import Audience, Recipient

    settings.TASKS = IMMEDIATE_TASKS
    user = User.objects.create_user(
        "pieter@praktijk.example", PASSWORD, role=User.Role.PRACTITIONER, display_name="Pieter"
    )
    practice = Practice.objects.create(
        name="Fysio De Brug", address="Brugstraat 1\n1234 AB Utrecht", time_zone="Europe/Amsterdam"
    )
    join_practice(user, practice, Membership.Role.OWNER)
    readers = [
        Recipient(
            f"subscriber:{n}",
            f"lezer{n}@voorbeeld.example",
            f"Lezer {n}",
            "nl",
            f"https://lijfwijs.example/nieuwsbrief/afmelden/t{n}/",
        )
        for n in range(5)
    ]
    monkeypatch.setattr(
        audience, "audiences", lambda p: [Audience("list:1", "Nieuwsbrief", len(readers))]
    )
    monkeypatch.setattr(audience, "recipients", lambda p, key: readers if key == "list:1" else None)
    monkeypatch.setattr(audience, "unsubscribes", lambda ids: dict.fromkeys(ids, 0))
    return user


def test_a_practitioner_writes_previews_tests_and_sends_a_campaign(open_tab, pieter):
    from lijfwijs.outreach.campaigns.models import Campaign

    tab = open_tab(PHONE)
    signed_in(tab, pieter)
    page = tab.page
    assert page.goto(tab.url("/praktijk/campagnes/")).status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text("Campagnes")
    expect(page.locator(".empty-state")).to_be_visible()
    check(page, "the campaigns, none yet")

    click_to(page, page.get_by_role("link", name="Nieuwe campagne"))
    check(page, "a new campaign")
    page.get_by_label("Onderwerp").fill("Drie tips voor je rug")
    body = page.get_by_label("Tekst", exact=True)
    body.fill("Hallo,\n\nDeze week **drie tips**.\n\n<script>alert(1)</script>")
    preview = page.locator("[data-markdown-preview]")
    expect(preview.locator("strong")).to_have_text("drie tips")  # the live preview followed
    expect(preview).to_contain_text("<script>alert(1)</script>")  # shown as text
    expect(preview.locator("script")).to_have_count(0)
    page.get_by_label("Naar wie").select_option("list:1")
    check(page, "the campaign written, with its preview")

    click_to(page, page.get_by_role("button", name="Stuur mij een test"))
    campaign = Campaign.objects.get()
    assert page.url.endswith(f"/praktijk/campagnes/{campaign.pk}/")
    expect(page.locator(".messages")).to_contain_text("We sturen een test naar")
    (test,) = mail.outbox
    assert test.to == [pieter.email] and test.subject == "[Test] Drie tips voor je rug"
    check(page, "the campaign after the test")

    click_to(page, page.get_by_role("button", name="Verstuur nu"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Campagne versturen")
    expect(page.locator("main")).to_contain_text("Nieuwsbrief: 5 mensen")
    check(page, "the confirmation")
    click_to(page, page.get_by_role("button", name="Ja, verstuur nu"))
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENT
    assert sorted(m.to[0] for m in mail.outbox[1:]) == [
        f"lezer{n}@voorbeeld.example" for n in range(5)
    ]
    stats = page.locator(".stats")
    expect(stats.locator(".stat").first).to_contain_text("5")
    expect(stats.locator(".stat").first).to_contain_text("verstuurd")
    expect(page.locator("main")).not_to_contain_text("Bewaar")  # read-only now
    check(page, "the campaign sent, with its figures")

    click_to(page, page.get_by_role("link", name="Terug naar de campagnes"))
    row = page.locator("tbody tr").first
    expect(row).to_contain_text("Drie tips voor je rug")
    expect(row).to_contain_text("verstuurd")
    check(page, "the campaigns with their figures")

    # under the site's CSP (no axe in this tab) the live preview works too
    strict = open_tab(DESKTOP)
    signed_in(strict, pieter)
    assert strict.page.goto(strict.url("/praktijk/campagnes/nieuw/")).status == 200
    strict.page.get_by_label("Tekst", exact=True).fill("# Een kop")
    expect(strict.page.locator("[data-markdown-preview] h1")).to_have_text("Een kop")
    assert not strict.csp_violations(), strict.csp_violations()
