"""With the real newsletter behind `outreach.audience`: a campaign to a list reaches its subscribed
subscribers only, each email's one-click unsubscribe (RFC 8058, a POST without cookies to the
List-Unsubscribe address) takes the reader off, and the campaign's figures count it."""

from urllib.parse import urlsplit

import pytest
from django.test import Client

from lijfwijs.outreach import audience
from lijfwijs.outreach.campaigns import sending, services
from lijfwijs.outreach.campaigns.models import Campaign
from lijfwijs.outreach.newsletter import services as newsletter
from lijfwijs.outreach.newsletter.models import Subscriber

from .conftest import draft

pytestmark = pytest.mark.django_db


def test_a_campaign_to_a_newsletter_list_and_unsubscribing_through_it(
    practice, pieter, mailoutbox, settings
):
    settings.SITE_URL = "https://lijfwijs.example"
    general = newsletter.default_lists(practice)["general"]
    for n, language in enumerate(("nl", "en", "nl")):
        newsletter.sign_up(
            practice,
            f"lezer{n}@example.org",
            language=language,
            list_ids=[general.pk],
            verified=True,
        )
    newsletter.sign_up(practice, "nog-niet@example.org", list_ids=[general.pk])  # not confirmed
    mailoutbox.clear()
    key = f"list:{general.pk}"
    assert {a.key: a.count for a in audience.audiences(practice)}[key] == 3

    campaign = draft(practice, pieter, key=key)
    assert services.send_now(campaign) == 3
    while sending.send_batch(campaign.pk).claimed:
        pass
    assert sorted(m.to[0] for m in mailoutbox) == [f"lezer{n}@example.org" for n in range(3)]
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENT and campaign.audience_label == general.name

    message = next(m for m in mailoutbox if m.to == ["lezer1@example.org"])
    target = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert target.startswith("https://lijfwijs.example/en/nieuwsbrief/afmelden/")
    assert target.endswith(f"/?campaign={campaign.pk}")
    url = urlsplit(target)
    response = Client().post(
        f"{url.path}?{url.query}", {"List-Unsubscribe": "One-Click"}, HTTP_HOST="testserver"
    )
    assert response.status_code == 200
    leaver = Subscriber.objects.get(email="lezer1@example.org")
    assert leaver.status == Subscriber.Status.UNSUBSCRIBED
    assert services.figures([Campaign.objects.get(pk=campaign.pk)])[
        campaign.pk
    ] == services.Figures(recipients=3, sent=3, failed=0, waiting=0, unsubscribed=1)
