"""The Pijntest through HTTP: pages, validation, resuming, completion and the report."""

import re
from urllib.parse import quote

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lijfwijs.accounts.services import give_health_consent
from lijfwijs.assessments import labels, registry
from lijfwijs.assessments.models import Response
from lijfwijs.assessments.tests.factories import form_data, pijntest_answers

pytestmark = pytest.mark.django_db


def begin(client, prefix=""):
    response = client.post(f"{prefix}/pijntest/begin/")
    assert response.status_code == 302
    return response["Location"]


def page_url(section_id, prefix=""):
    return f"{prefix}/pijntest/vragen/{section_id}/"


def take_test(client, answers, prefix=""):
    """Walk every page with `answers`; returns the last response (the redirect to the report)."""
    begin(client, prefix)
    last = None
    for section in registry.get("pijntest").sections:
        last = client.post(
            page_url(section.id, prefix), {**form_data(section, answers), "action": "next"}
        )
        assert last.status_code == 302, (section.id, last.content.decode()[:2000])
    return last


def test_start_page_works_without_account(client):
    response = client.get("/pijntest/")
    assert response.status_code == 200
    assert "Start de Pijntest" in response.content.decode()


def test_begin_goes_to_the_safety_page_first(client):
    assert begin(client) == page_url("veiligheid")
    html = client.get(page_url("veiligheid")).content.decode()
    assert 'name="redflag.bladder"' in html and "Pagina 1 van 14" in html


def test_pages_without_a_draft_send_you_to_the_start(client):
    response = client.get(page_url("pijn"))
    assert response.status_code == 302 and response["Location"] == "/pijntest/"


def test_unknown_page_is_404(client):
    begin(client)
    assert client.get(page_url("bestaat-niet")).status_code == 404


def test_missing_answers_rerender_with_what_was_entered_and_a_message_per_field(client):
    begin(client)
    response = client.post(
        page_url("pijn"), {"pain.duration": "gt1y", "peg.pain": "7", "peg.activity": "11"}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'value="gt1y" checked' in html
    assert 'id="q-peg-pain-7" name="peg.pain" value="7" checked' in html
    assert 'id="q-peg-enjoyment-error"' in html  # missing
    assert 'id="q-peg-activity-error"' in html  # out of range
    assert "Kies een getal van 0 tot en met 10." in html
    assert "Kies een antwoord." in html
    assert "error-summary" in html
    # nothing was stored from the rejected page
    draft = Response.objects.get()
    assert "pain.duration" not in draft.answers


def test_error_messages_in_english(client):
    begin(client, "/en")
    response = client.post(page_url("pijn", "/en"), {"pain.duration": "gt1y"})
    html = response.content.decode()
    assert response.status_code == 422
    assert "Choose an answer." in html
    assert "How long have you had back pain?" in html


def test_junk_values_are_rejected_cleanly(client):
    begin(client)
    junk = {
        "pain.duration": "<script>",
        "peg.pain": "-1",
        "peg.enjoyment": "abc",
        "peg.activity": "9" * 40,
        "pain.regions": ["lower_back", "nose"],
    }
    response = client.post(page_url("pijn"), junk)
    assert response.status_code == 422
    assert "<script>" not in response.content.decode()


def test_back_keeps_answers_and_forward_shows_them_again(client):
    begin(client)
    answers = pijntest_answers()
    instrument = registry.get("pijntest")
    safety, wellbeing, pain = instrument.sections[:3]
    client.post(page_url("veiligheid"), {**form_data(safety, answers), "action": "next"})
    client.post(page_url("welzijn"), {**form_data(wellbeing, answers), "action": "next"})
    # half-filled pain page, then back: the valid answer is kept, nothing complains
    response = client.post(
        page_url("pijn"), {"pain.duration": "3to12m", "peg.pain": "x", "action": "back"}
    )
    assert response.status_code == 302 and response["Location"] == page_url("welzijn")
    html = client.get(page_url("pijn")).content.decode()
    assert 'value="3to12m" checked' in html
    html = client.get(page_url("veiligheid")).content.decode()
    assert html.count('value="no" checked') == 13


def test_resume_after_closing_the_tab(client):
    begin(client)
    answers = pijntest_answers()
    for section in registry.get("pijntest").sections[:3]:
        client.post(page_url(section.id), {**form_data(section, answers), "action": "next"})
    # same browser session comes back later: the start page offers to continue at the next open page
    html = client.get("/pijntest/").content.decode()
    assert "Ga verder waar je was" in html and page_url("toestand") in html
    # starting again without restart continues the draft
    assert begin(client) == page_url("toestand")
    assert Response.objects.count() == 1


def test_restart_makes_a_new_draft(client):
    begin(client)
    response = client.post("/pijntest/begin/", {"restart": "1"})
    assert response["Location"] == page_url("veiligheid")
    assert Response.objects.count() == 2


def test_skippable_page_can_be_skipped(client):
    begin(client)
    response = client.post(page_url("patronen"), {"neuro.1": "yes", "action": "skip"})
    assert response.status_code == 302 and response["Location"] == page_url("klachten")
    assert not any(k.startswith("neuro.") for k in Response.objects.get().answers)


def test_full_test_gives_a_report(client, content):
    response = take_test(
        client, pijntest_answers(**{"peg.pain": 6, "peg.enjoyment": 7, "peg.activity": 6})
    )
    stored = Response.objects.get()
    assert stored.is_completed and stored.completed_at
    assert response["Location"] == f"/pijntest/uitslag/{stored.pk}/"
    assert stored.result["pain"]["peg"] == 6.3
    assert stored.rescore() == stored.result
    report = client.get(response["Location"])
    assert report.status_code == 200
    # Health data, even without an account: never stored by a browser or a proxy.
    assert "private" in report["Cache-Control"] and "no-store" in report["Cache-Control"]
    assert not report.has_header("ETag")
    html = report.content.decode()
    for text in (
        "Wat je zenuwstelsel belast",
        "<svg",
        "Hier begin je",
        '<span class="stat-value">6,3</span>',  # the PEG, with a decimal comma in Dutch
        "Drie oefeningen om mee te beginnen",
        "Waarom je dit ziet",
        "niet wetenschappelijk gevalideerd",
        "vervangt je huisarts of een medisch onderzoek niet",
    ):
        assert text in html, text
    for code, value in stored.result["domains"].items():  # a card per domain, beside the chart
        card = f'<span class="stat-value">{value}%</span><strong class="domain-name">'
        assert card + str(labels.DOMAINS[code]) in html, code
    for slug in stored.result["recommendations"]["exercises"]:
        assert f"/oefeningen/{slug}/" in html
    for slug in stored.result["recommendations"]["articles"]:
        assert f"/kennisbank/{slug}/" in html
    assert (
        "panel-crisis" not in html and "panel-urgent" not in html
    )  # no safety panel on a normal result


def positions(html, *marks):
    return [html.index(mark) for mark in marks]


def test_the_report_says_what_matters_most_first(client, content):
    """Safety first, then the main message, then "keep this result", then the details."""
    answers = pijntest_answers(**{"crisis.thoughts": "yes", "redflag.weight_loss": "yes"})
    response = take_test(client, answers)
    stored = Response.objects.get()
    html = client.get(response["Location"]).content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    first, second = (labels.DOMAINS[c].lower() for c in stored.result["priority_domains"])
    message = f"Wat je zenuwstelsel nu het meest belast: {first} en {second}."
    order = positions(
        main,
        "panel-crisis",
        'href="tel:113"',
        "panel-days",  # a red flag that leaves the rest of the report in place
        "<h1",
        message,
        'id="keep-heading"',
        "Hier begin je",
        "Wat je zenuwstelsel belast",
        "Over deze uitslag",
    )
    assert order == sorted(order), order
    # keeping it: sign in and come back to this result, or register
    login = "/account/inloggen/?next=" + quote(response["Location"], safe="/")
    assert f'href="{login}"' in main and 'href="/account/registreren/"' in main
    # the PEG and the PHQ-4, each explained in one plain line where they appear
    assert "De PEG is een korte, onderzochte vragenlijst" in main
    assert "De PHQ-4 is een korte, onderzochte vragenlijst" in main


def test_the_owner_is_not_offered_to_keep_the_result(client, content, django_user_model):
    owner = django_user_model.objects.create_user("o@example.org", "a-long-password-1")
    give_health_consent(owner)
    client.force_login(owner)
    response = take_test(client, pijntest_answers())
    html = client.get(response["Location"]).content.decode()
    assert "Jouw Pijntest-uitslag" in html and 'id="keep-heading"' not in html


def test_an_inactive_exercise_or_unpublished_article_is_never_recommended_on_the_report(
    client, content
):
    from django.utils import timezone

    from lijfwijs.exercises.models import Exercise
    from lijfwijs.learn.models import Article

    response = take_test(client, pijntest_answers())
    reco = Response.objects.get().result["recommendations"]
    html = client.get(response["Location"]).content.decode()
    assert all(f"/oefeningen/{s}/" in html for s in reco["exercises"])
    assert all(f"/kennisbank/{s}/" in html for s in reco["articles"])
    Exercise.objects.filter(slug=reco["exercises"][0]).update(is_active=False)
    Article.objects.filter(slug=reco["articles"][0]).update(is_published=False)
    Article.objects.filter(slug=reco["articles"][1]).update(
        published_at=timezone.now() + timezone.timedelta(days=1)
    )
    html = client.get(response["Location"]).content.decode()
    assert f"/oefeningen/{reco['exercises'][0]}/" not in html
    assert f"/oefeningen/{reco['exercises'][1]}/" in html
    assert f"/kennisbank/{reco['articles'][0]}/" not in html
    assert f"/kennisbank/{reco['articles'][1]}/" not in html
    assert f"/kennisbank/{reco['articles'][2]}/" in html


def test_the_report_in_english_has_english_numbers_and_links(client, content):
    response = take_test(
        client, pijntest_answers(**{"peg.pain": 6, "peg.enjoyment": 7, "peg.activity": 6}), "/en"
    )
    html = client.get(response["Location"]).content.decode()
    assert '<span class="stat-value">6.3</span>' in html
    assert "/en/oefeningen/" in html and "/en/account/inloggen/?next=/en/pijntest/" in html


def test_double_submit_of_the_last_page_has_one_effect(client, content):
    take_test(client, pijntest_answers())
    last = registry.get("pijntest").sections[-1]
    first = Response.objects.get()
    again = client.post(
        page_url(last.id),
        {**form_data(last, pijntest_answers(**{"time.per_day": "5"})), "action": "next"},
    )
    assert again.status_code == 302
    assert Response.objects.count() == 1
    assert Response.objects.get().result == first.result


def test_urgent_flag_and_crisis_put_the_safety_panel_above_everything(client, content):
    answers = pijntest_answers(**{"redflag.saddle": "yes", "crisis.thoughts": "yes"})
    response = take_test(client, answers)
    html = client.get(response["Location"]).content.decode()
    main = html.split('<main id="main"')[1]
    crisis, urgent, heading = (
        main.index("panel-crisis"),
        main.index("panel-urgent"),
        main.index("<h1>"),
    )
    assert crisis < urgent < heading
    for text in ("tel:113", "0800-0113", "113.nl", "112", "huisartsenpost"):
        assert text in main, text
    # the urgent flag overrides the rest, which stays one link away
    assert "Hier begin je" not in main and "Drie oefeningen om mee te beginnen" not in main
    rest = client.get(response["Location"] + "?deel=rest").content.decode()
    assert "Wat je zenuwstelsel belast" in rest and "panel-crisis" in rest


def test_crisis_panel_appears_on_the_pages_right_after_the_answer(client):
    begin(client)
    answers = pijntest_answers(**{"crisis.thoughts": "yes"})
    instrument = registry.get("pijntest")
    for section in instrument.sections[:2]:
        client.post(page_url(section.id), {**form_data(section, answers), "action": "next"})
    html = client.get(page_url("pijn")).content.decode()
    assert "panel-crisis" in html and "0800-0113" in html


@pytest.mark.parametrize(
    "level,text",
    [("same_day", "vandaag"), ("days", "binnen een paar dagen"), ("routine", "gewone afspraak")],
)
def test_lower_levels_get_their_fixed_advice(client, content, level, text):
    flag = {
        "same_day": "redflag.fever",
        "days": "redflag.weight_loss",
        "routine": "redflag.morning_stiffness",
    }[level]
    response = take_test(client, pijntest_answers(**{flag: "yes"}))
    html = client.get(response["Location"]).content.decode()
    assert f"panel-{level}" in html and text in html


def test_report_in_english(client, content):
    response = take_test(client, pijntest_answers(), prefix="/en")
    assert response["Location"].startswith("/en/pijntest/uitslag/")
    html = client.get(response["Location"]).content.decode()
    assert '<html lang="en">' in html
    assert "What puts strain on your nervous system" in html
    assert Response.objects.get().language == "en"


def to_login(url):
    return "/account/inloggen/?next=" + quote(url, safe="/")


def test_report_of_an_unknown_id(client, django_user_model):
    """A signed-out visitor is asked to sign in (as for a result kept in an account, so the
    answer never tells which); signed in, there is nothing: 404."""
    response = client.get("/pijntest/uitslag/not-a-real-id/")
    assert response.status_code == 302
    assert response["Location"] == to_login("/pijntest/uitslag/not-a-real-id/")
    client.force_login(django_user_model.objects.create_user("x@example.org", "pw-long-enough-1"))
    assert client.get("/pijntest/uitslag/not-a-real-id/").status_code == 404


def test_report_of_an_unfinished_draft_is_404_for_others(client):
    begin(client)
    draft = Response.objects.get()
    assert Client().get(f"/pijntest/uitslag/{draft.pk}/").status_code == 404


def test_report_queries_are_constant(client, content):
    """The same few queries for every report, whoever looks (nothing of it is cached): the
    session, the result, and what the booking button offers."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for peg in (2, 8):
        url = take_test(Client(), pijntest_answers(**{"peg.pain": peg}))["Location"]
        for browser in (client, Client()):
            with CaptureQueriesContext(connection) as queries:
                assert browser.get(url).status_code == 200
            counts.append(len(queries))
    assert len(set(counts)) == 1 and counts[0] <= 4, counts


CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def test_a_claimed_results_old_address_leads_through_sign_in_to_the_result(
    client, content, django_user_model
):
    """The address of a result taken without an account, bookmarked, then kept in an account:
    signed out, sign in and land on it; another account gets the 404 of an unknown id."""
    take_test(client, pijntest_answers())
    stored = Response.objects.get()
    url = f"/pijntest/uitslag/{stored.pk}/"
    owner = django_user_model.objects.create_user("owner@example.org", "a-long-password-1")
    give_health_consent(owner)  # a result is kept in an account only with this consent
    assert client.post(to_login(url), {"username": owner.email, "password": "a-long-password-1"})
    stored.refresh_from_db()
    assert stored.user == owner  # signing in in this browser kept it in the account

    later = Client()  # the bookmark, another day, signed out
    response = later.get(url)
    assert response.status_code == 302 and response["Location"] == to_login(url)
    login_page = later.get(response["Location"])
    assert login_page.status_code == 200
    assert "Log in om deze uitslag te bekijken." in login_page.content.decode()
    signed_in = later.post(
        response["Location"],
        {"username": owner.email, "password": "a-long-password-1", "next": url},
    )
    assert signed_in.status_code == 302 and signed_in["Location"] == url
    report = later.get(url)
    assert report.status_code == 200
    html = report.content.decode()
    assert "Jouw Pijntest-uitslag" in html and "Bewaar deze uitslag" not in html

    # the same answer for a claimed result as for one that never existed, signed out or not
    unknown = "/pijntest/uitslag/Zz9nEverExisted0/"
    assert Client().get(unknown)["Location"] == to_login(unknown)
    stranger = Client()
    stranger.force_login(django_user_model.objects.create_user("s@example.org", "pw-long-1234"))
    claimed, never = stranger.get(url), stranger.get(unknown)
    assert claimed.status_code == never.status_code == 404

    def page(response, address):  # the page without its own address and CSRF token
        return CSRF.sub("", response.content.decode()).replace(address, "")

    assert page(claimed, url) == page(never, unknown)


def test_deleted_report_is_gone_at_once(client, content):
    take_test(client, pijntest_answers())
    stored = Response.objects.get()
    url = f"/pijntest/uitslag/{stored.pk}/"
    assert client.get(url).status_code == 200
    stored.delete()
    gone = client.get(url)
    assert gone.status_code == 302 and gone["Location"] == to_login(url)


def test_report_ids_with_odd_characters_are_404(client):
    assert client.get("/pijntest/uitslag/a%20b/").status_code == 404
    assert client.get("/pijntest/uitslag/" + "a" * 40 + "/").status_code == 404


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_other_methods_are_refused(client, method):
    begin(client)
    assert getattr(client, method)(page_url("pijn")).status_code == 405
    assert getattr(client, method)("/pijntest/begin/").status_code == 405


form_values = st.lists(st.text(max_size=30) | st.integers().map(str), max_size=3)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    section_id=st.sampled_from([s.id for s in registry.get("pijntest").sections]),
    data=st.dictionaries(
        st.sampled_from(
            [
                "pain.duration",
                "peg.pain",
                "pain.regions",
                "redflag.bladder",
                "state.dorsal.1",
                "action",
            ]
        )
        | st.text(max_size=20),
        form_values,
        max_size=6,
    ),
)
def test_fuzzed_pages_never_give_a_server_error(client, section_id, data):
    if "pijntest_draft" not in client.session:
        begin(client)
    response = client.post(page_url(section_id), data)
    assert response.status_code in (200, 302, 422)


def test_answers_are_encrypted_at_rest(client, content):
    from django.db import connection

    take_test(client, pijntest_answers(**{"pain.duration": "3to12m"}))
    with connection.cursor() as cursor:
        cursor.execute("SELECT answers FROM assessments_response")
        (raw,) = cursor.fetchone()
    assert "3to12m" not in raw and "redflag" not in raw
    assert Response.objects.get().answers["pain.duration"] == "3to12m"


def test_home_shows_the_latest_result_as_soon_as_it_is_finished(client, content, django_user_model):
    user = django_user_model.objects.create_user(
        "home@example.org", "a-long-password-1", role="client"
    )
    give_health_consent(user)
    client.force_login(user, backend="lijfwijs.accounts.backends.UserBackend")
    assert "nog geen Pijntest gedaan" in client.get("/").content.decode()
    take_test(client, pijntest_answers(**{"peg.pain": 6, "peg.enjoyment": 7, "peg.activity": 6}))
    html = client.get("/").content.decode()
    assert "PEG-score van 6,3" in html
    stored = Response.objects.get()
    assert stored.user == user
    client.post("/account/toestemming/", {"action": "withdraw"})  # her results are erased
    assert not Response.objects.exists()
    assert "nog geen Pijntest gedaan" in client.get("/").content.decode()


def test_the_options_are_escaped_whatever_an_instrument_says():
    from lijfwijs.assessments import engine, pages

    item = engine.Item(
        id='x"><script>',
        type="choice",
        text={"nl": "Vraag"},
        options=(engine.Option(code='a"b', score=0, label={"nl": "<b>één</b> & zo"}),),
    )
    html = str(pages.present_item(item, 'a"b', "", "nl")["choices"])
    assert "<script>" not in html and "<b>" not in html
    assert 'name="x&quot;&gt;&lt;script&gt;"' in html and 'value="a&quot;b" checked' in html
    assert "&lt;b&gt;één&lt;/b&gt; &amp; zo" in html
