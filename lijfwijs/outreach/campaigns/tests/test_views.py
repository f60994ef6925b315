"""The campaign editor: who may use it, the list with its figures, writing with the preview (with
and without JavaScript), bad input answered next to the field, test, schedule, send, read-only
once sent, and another practice's campaigns out of reach."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lijfwijs.outreach.campaigns import sending, services
from lijfwijs.outreach.campaigns.models import Campaign, Send

from .conftest import BODY, draft

pytestmark = pytest.mark.django_db

LIST = "/praktijk/campagnes/"
NEW = "/praktijk/campagnes/nieuw/"
PREVIEW = "/praktijk/campagnes/voorbeeld/"


def form(**changes: str) -> dict[str, str]:
    return {
        "subject": "Nieuws van De Brug",
        "preheader": "",
        "body": BODY,
        "language": "nl",
        "audience": "list:1",
        "send_at": "",
        "action": "save",
        **changes,
    }


@pytest.fixture
def newsletter(fake_audience, practice):
    fake_audience.add(practice, "list:1", "Nieuwsbrief", 5)
    fake_audience.add(practice, "event:7", "Masterclass 12 december", 2, start=50)
    return fake_audience


def test_writers_reach_the_editor_assistants_and_clients_do_not(
    newsletter, pieter_browser, lotte_browser, assistant_browser, anna_browser, client
):
    for browser in (pieter_browser, lotte_browser):
        response = browser.get(LIST)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    for browser in (assistant_browser, anna_browser):
        assert browser.get(LIST).status_code == 403
        assert browser.post(NEW, form()).status_code == 403
    assert client.get(LIST).status_code == 302


def test_another_practices_campaigns_are_not_found(newsletter, practice, pieter, rita_browser):
    campaign = draft(practice, pieter)
    for url in (
        f"{LIST}{campaign.pk}/",
        f"{LIST}{campaign.pk}/versturen/",
    ):
        assert rita_browser.get(url).status_code == 404
        assert rita_browser.post(url, form()).status_code == 404
    assert rita_browser.post(f"{LIST}{campaign.pk}/niet-inplannen/").status_code == 404
    assert "Nieuws van De Brug" not in rita_browser.get(LIST).content.decode()


def test_the_list_shows_each_campaigns_figures_with_a_constant_number_of_queries(
    newsletter, practice, pieter, pieter_browser, django_assert_max_num_queries
):
    for n in range(12):
        campaign = draft(practice, pieter, subject=f"Campagne {n}")
        if n % 2:
            services.send_now(campaign)
            while sending.send_batch(campaign.pk).claimed:
                pass
    newsletter.unsubscribed[campaign.pk] = 2
    with django_assert_max_num_queries(12):
        response = pieter_browser.get(LIST)
    page = response.content.decode()
    assert page.count("<tr>") == 13  # the header and twelve campaigns
    assert "Campagne 11" in page and "Nieuwsbrief" in page
    row = page[page.index("Campagne 11") :].split("</tr>")[0]
    assert [cell.split("<")[0] for cell in row.split('<td class="num">')[1:]] == ["5", "0", "2"]


def test_a_new_campaign_can_start_with_an_audience_chosen_elsewhere(newsletter, pieter_browser):
    page = pieter_browser.get(NEW + "?audience=event:7").content.decode()
    assert '<option value="event:7" selected>' in page
    page = pieter_browser.get(NEW + "?audience=event:999").content.decode()
    assert '<option value="" selected>' in page and "event:999" not in page


def test_writing_saving_and_previewing_without_javascript(newsletter, practice, pieter_browser):
    evil = "Hoi <script>alert(1)</script> [klik](javascript:alert(2)) **vet**"
    response = pieter_browser.post(NEW, form(body=evil, action="preview"))
    assert response.status_code == 200 and not Campaign.objects.exists()  # nothing saved
    page = response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<strong>vet</strong>" in page
    assert "javascript:alert(2)</textarea>" not in page  # typed text kept, escaped
    assert "<script>alert(1)" not in page and 'href="javascript' not in page

    response = pieter_browser.post(NEW, form(body=evil))
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{LIST}{campaign.pk}/"
    assert campaign.body == evil  # stored as written, rendered harmless
    page = pieter_browser.get(response["Location"]).content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page


def test_the_live_preview_endpoint_renders_with_the_same_sanitiser(newsletter, pieter_browser):
    response = pieter_browser.post(
        PREVIEW, {"source": "# Kop\n\n<img src=x onerror=alert(1)> [a](javascript:x)"}
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert html.startswith("<h1>Kop</h1>") and "<img" not in html and "javascript" not in html
    assert "no-store" in response["Cache-Control"]
    assert pieter_browser.get(PREVIEW).status_code == 405


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"subject": ""}, "subject", "Geef je campagne een onderwerp."),
        ({"subject": "x" * 151}, "subject", "Houd het onderwerp korter dan 150 tekens."),
        ({"body": "  "}, "body", "Schrijf de tekst van je campagne."),
        ({"body": "x" * 50_001}, "body", "De tekst is te lang"),
        ({"language": "de"}, "language", "Kies Nederlands of Engels."),
        ({"audience": "list:2"}, "audience", "Kies een groep ontvangers uit de lijst."),
        ({"audience": "", "action": "send"}, "audience", "Kies naar wie de campagne gaat."),
        ({"send_at": "", "action": "schedule"}, "send_at", "Kies wanneer de campagne"),
        ({"send_at": "morgen", "action": "schedule"}, "send_at", "Vul een datum en tijd in"),
        ({"send_at": "2020-01-01T09:00", "action": "schedule"}, "send_at", "in de toekomst"),
    ],
)
def test_bad_input_is_answered_next_to_the_field_keeping_what_was_typed(
    newsletter, pieter_browser, changes, field, message
):
    data = {**form(subject="Mijn onderwerp <b>"), **changes}
    response = pieter_browser.post(NEW, data)
    assert response.status_code == 422
    page = response.content.decode()
    error = page.split(f'id="id_{field}_error"')[1].split("</div>")[0]
    assert message in error
    if "subject" not in changes:
        assert 'value="Mijn onderwerp &lt;b&gt;"' in page
    assert not Campaign.objects.exists()


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.dictionaries(
        st.sampled_from(
            ["subject", "preheader", "body", "language", "audience", "send_at", "action"]
        ),
        st.text(max_size=60),
    )
)
def test_any_input_gets_an_answer_and_never_a_server_error(newsletter, pieter_browser, data):
    response = pieter_browser.post(NEW, data)
    assert response.status_code in (200, 302, 422)


def test_a_test_send_goes_to_the_writer(
    newsletter, practice, pieter, pieter_browser, outbox, committed
):
    with committed():
        response = pieter_browser.post(NEW, form(action="test"))
    assert response.status_code == 302
    (message,) = outbox
    assert message.to == [pieter.email] and message.subject.startswith("[Test]")
    assert not Send.objects.exists()


def test_scheduling_in_the_practices_time_and_taking_it_back(newsletter, practice, pieter_browser):
    tomorrow = (timezone.now() + timedelta(days=1)).astimezone(ZoneInfo(practice.time_zone))
    wall = tomorrow.strftime("%Y-%m-%dT09:30")
    response = pieter_browser.post(NEW, form(action="schedule", send_at=wall))
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and campaign.status == "scheduled"
    local = campaign.scheduled_at.astimezone(ZoneInfo(practice.time_zone))
    assert (local.date(), local.hour, local.minute) == (tomorrow.date(), 9, 30)

    page = pieter_browser.get(f"{LIST}{campaign.pk}/").content.decode()
    assert "Ingepland voor" in page and "09:30" in page and 'name="subject"' not in page
    # read-only: a POST changes nothing
    assert pieter_browser.post(f"{LIST}{campaign.pk}/", form(subject="Anders")).status_code == 409
    assert Campaign.objects.get().subject == "Nieuws van De Brug"

    assert pieter_browser.post(f"{LIST}{campaign.pk}/niet-inplannen/").status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == "draft" and campaign.scheduled_at is None
    assert 'name="subject"' in pieter_browser.get(f"{LIST}{campaign.pk}/").content.decode()


def test_send_now_asks_first_then_sends_to_everyone_and_shows_the_figures(
    newsletter, practice, pieter, lotte_browser, outbox, committed
):
    campaign = draft(practice, pieter)
    response = lotte_browser.post(f"{LIST}{campaign.pk}/", form(action="send"))
    assert response["Location"] == f"{LIST}{campaign.pk}/versturen/"
    page = lotte_browser.get(response["Location"]).content.decode()
    assert "Nieuwsbrief: 5 mensen" in page
    assert not outbox

    with committed():
        response = lotte_browser.post(f"{LIST}{campaign.pk}/versturen/")
    assert response.status_code == 302
    assert len(outbox) == 5
    campaign.refresh_from_db()
    assert campaign.status == "sent"
    page = lotte_browser.get(f"{LIST}{campaign.pk}/").content.decode()
    assert '<span class="stat-value">5</span> <span class="stat-label">verstuurd' in page
    # sending again: the confirmation page only leads back, a POST sends nothing
    assert lotte_browser.get(f"{LIST}{campaign.pk}/versturen/").status_code == 302
    with committed():
        lotte_browser.post(f"{LIST}{campaign.pk}/versturen/")
    assert len(outbox) == 5


def test_sending_without_an_audience_is_refused_on_the_confirmation(
    newsletter, practice, pieter, pieter_browser
):
    campaign = draft(practice, pieter, key="")
    page = pieter_browser.get(f"{LIST}{campaign.pk}/versturen/").content.decode()
    assert "Kies eerst naar wie de campagne gaat." in page
    response = pieter_browser.post(f"{LIST}{campaign.pk}/versturen/")
    assert response.status_code == 422 and not Send.objects.exists()


def test_a_campaign_whose_audience_was_gone_says_so(newsletter, practice, pieter, pieter_browser):
    campaign = draft(practice, pieter)
    services.schedule(campaign, timezone.now() + timedelta(minutes=1))
    newsletter.lists.clear()
    services.queue_due(timezone.now() + timedelta(minutes=2))
    page = pieter_browser.get(f"{LIST}{campaign.pk}/").content.decode()
    assert "Niet verstuurd. De groep ontvangers bestaat niet meer." in page
