"""The insights page and the flare-up panel through HTTP, on a diary with a planted pattern."""

import random
import re
from dataclasses import replace
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lijfwijs.accounts.models import User
from lijfwijs.accounts.services import give_health_consent
from lijfwijs.diary import computed, services
from lijfwijs.diary.models import CheckIn, Tag
from lijfwijs.diary.tests.test_presenting import JARGON, correlation, effect

pytestmark = pytest.mark.django_db


def person(email):
    user = User.objects.create_user(email, "a-long-password-1", role="client")
    give_health_consent(user)
    return user


def seed(user, days, *, flare=False, seed_value=1):
    """`days` days of check-ins; 'Werkdruk' on about a third of them adds 2.5 points of pain."""
    rng = random.Random(seed_value)
    werkdruk = Tag.objects.get(key="werkdruk")
    today = services.local_today(user)
    for n in range(days, 0, -1):
        day = today - timedelta(days=n - 1)
        busy = rng.random() < 0.35
        pain = 3 + (2.5 if busy else 0) + rng.gauss(0, 0.8)
        if flare and n <= 3:
            pain += 4
        checkin = CheckIn.objects.create(
            user=user,
            day=day,
            pain=max(0, min(10, round(pain))),
            sleep=rng.randint(3, 9),
            stress=rng.randint(1, 8),
        )
        if busy:
            checkin.tags.add(werkdruk)


@pytest.fixture
def anna():
    return person("anna-inzicht@example.org")


def browser_for(user):
    client = Client()
    client.force_login(user, backend="lijfwijs.accounts.backends.UserBackend")
    return client


def test_a_planted_pattern_is_said_plainly_with_its_numbers(anna):
    seed(anna, 90)
    html = browser_for(anna).get("/dagboek/inzichten/").content.decode()
    assert (
        "Op de " in html
        and "dagen met ‘Werkdruk’ was je pijn gemiddeld" in html
        and "punt hoger" in html
    )
    assert "95%-interval" in html and "Een patroon, geen bewijs van een oorzaak." in html
    assert html.count('<svg class="chart-plot"') == 1 and "<table" in html
    # the interval and the method are one tap away: inside a disclosure, not in the sentence
    assert "95%-interval" not in main_text(html)


def test_english(anna):
    seed(anna, 90)
    html = browser_for(anna).get("/en/dagboek/inzichten/").content.decode()
    assert '<html lang="en">' in html and "A pattern, not proof of a cause." in html


def test_a_new_check_in_updates_the_page(anna):
    browser = browser_for(anna)
    assert "0 dagen met check-ins" in browser.get("/dagboek/inzichten/").content.decode()
    day = services.local_today(anna).isoformat()
    browser.post("/dagboek/nieuw/", {"day": day, "time": "09:00", "pain": "4"})
    assert "1 dag met check-ins" in browser.get("/dagboek/inzichten/").content.decode()


def test_everyone_sees_only_their_own(anna):
    seed(anna, 60)
    bram = person("bram-inzicht@example.org")
    html = browser_for(bram).get("/dagboek/inzichten/").content.decode()
    assert "0 dagen met check-ins" in html and "Werkdruk" not in html
    assert Client().get("/dagboek/inzichten/").status_code == 302


def test_queries_do_not_grow_with_the_history(anna):
    counts = []
    for user, days in ((anna, 10), (person("bram-lang@example.org"), 200)):
        seed(user, days)
        page = browser_for(user)
        page.get("/")  # the session is stored
        with CaptureQueriesContext(connection) as cold:
            page.get("/dagboek/inzichten/")
        with CaptureQueriesContext(connection) as warm:
            page.get("/dagboek/inzichten/")
        counts.append((len(cold), len(warm)))
    assert counts[0] == counts[1], counts
    cold, warm = counts[0]
    # two to load the diary, kept for the warm view; one for the menu's unread messages
    assert cold <= 7 and warm <= 4, counts


def test_a_flare_up_is_offered_help_on_the_start_page(anna):
    seed(anna, 40, flare=True)
    html = browser_for(anna).get("/").content.decode()
    assert "Een opvlamming" in html and "/oefeningen/" in html
    calm = person("rustig@example.org")
    seed(calm, 40)
    assert "Een opvlamming" not in browser_for(calm).get("/").content.decode()


def test_pain_against_sleep_and_stress_has_a_chart_and_a_table(anna):
    seed(anna, 60)
    html = browser_for(anna).get("/dagboek/inzichten/").content.decode()
    assert "Gemiddelde pijn per score voor Slaap vannacht" in html
    assert "Gemiddelde pijn per score voor Stress" in html


def main_text(html: str) -> str:
    """The words of the page's main part that show without opening anything: the <details>
    disclosures and every tag left out."""
    main = html[html.index("<main") : html.index("</main>")]
    shown = re.sub(r"<details\b.*?</details>", " ", main, flags=re.S)
    return re.sub(r"<[^>]+>", " ", shown)


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_no_statistical_terms_outside_the_disclosures(anna, prefix):
    seed(anna, 90)
    html = browser_for(anna).get(f"{prefix}/dagboek/inzichten/").content.decode()
    text = main_text(html)
    werkdruk = Tag.objects.get(key="werkdruk")
    assert f"‘{werkdruk.name_en if prefix else werkdruk.name_nl}’" in text  # the finding is shown
    assert not JARGON.search(text), JARGON.search(text)
    assert "Benjamini-Hochberg" in html and "Spearman" in html  # one tap away


def test_the_trend_chart_has_axis_titles_labelled_ends_and_a_legend(anna):
    seed(anna, 90)
    today = services.local_today(anna)
    html = browser_for(anna).get("/dagboek/inzichten/").content.decode()
    start = html.index('id="trend-heading"')
    chart = html[
        html.index('<figure class="chart-figure">', start) : html.index("</figure>", start)
    ]
    assert "Pijn (0 = geen, 10 = ergste)" in chart and '<p class="chart-axis-title' in chart
    assert ">Dag</p>" in chart  # the x-axis title
    legend = re.findall(r"<li><span class=\"chart-key[^\"]*\"[^>]*></span>([^<]+)</li>", chart)
    assert legend == ["Je pijn die dag", "Gemiddelde over 7 dagen"]
    first, last = today - timedelta(days=89), today
    assert re.search(
        r'<div class="chart-x" aria-hidden="true"><span>(.*?)</span><span>(.*?)</span>', chart
    ).groups() == (
        f"{first.day} {_month(first)}",
        f"{last.day} {_month(last)}",
    )
    assert (
        '<span class="chart-y-top">10</span>' in chart
        and '<span class="chart-y-bottom">0</span>' in chart
    )
    # no text inside the SVG: every word is HTML, at the page's own size
    svg = chart[chart.index("<svg") : chart.index("</svg>")]
    assert "<text" not in svg
    # and the data as a table beside it, in a scroll region
    assert 'class="table-scroll" tabindex="0" role="region"' in html[start:]


def _month(day):
    from lijfwijs.core.paging import day_words

    return day_words({day})[day][1].split(" ", 1)[1]


def test_the_patterns_chart_has_its_labels_in_html_an_axis_title_and_a_legend(anna):
    seed(anna, 90)
    html = browser_for(anna).get("/dagboek/inzichten/").content.decode()
    overview = html[html.index('class="card insight-overview"') :]
    overview = overview[: overview.index("</figure>")]
    assert '<span class="chart-row-label">‘Werkdruk’, dezelfde dag</span>' in overview
    assert "Verschil in pijn, in punten (schaal 0 tot 10)" in overview
    assert (
        "Het verschil in je pijn" in overview
        and "Waar het verschil waarschijnlijk ligt" in overview
    )
    assert "minder pijn" in overview and "meer pijn" in overview
    assert "<text" not in overview


def fake_insights(monkeypatch, user, *, tag_effects, correlations):
    """The page shows these findings (the rest of the summary from the person's own diary)."""
    real = computed.insights

    def insights(who, today):
        return replace(real(who, today), tag_effects=tag_effects, correlations=correlations)

    monkeypatch.setattr(computed, "insights", insights)


def cards(html: str, section: str) -> list[str]:
    start = html.index(f'id="{section}"')
    part = html[start : html.index("</section>", start)]
    return re.findall(r"<h3>(.*?)</h3>", part)


def test_findings_strongest_first_and_unclear_ones_below_with_what_helps(anna, monkeypatch):
    seed(anna, 30)
    werkdruk = str(Tag.objects.get(key="werkdruk").pk)
    wandelen = str(Tag.objects.get(key="wandelen").pk)
    zorgen = str(Tag.objects.get(key="zorgen").pk)
    fake_insights(
        monkeypatch,
        anna,
        tag_effects=(
            replace(effect(difference=1.2), tag=werkdruk),
            replace(effect(lag=1, difference=-2.4), tag=wandelen),
            replace(effect(clear=False), tag=wandelen),
            replace(effect(clear=False, n_with=12, n_without=18), tag=zorgen),
            effect("low_sleep", difference=1.8),
        ),
        correlations=(correlation("sleep", -0.5), correlation("stress", 0.1, clear=False)),
    )
    html = browser_for(anna).get("/dagboek/inzichten/").content.decode()
    assert cards(html, "patterns-heading") == [
        "‘Gewandeld’, de dag erna",
        "Na een slechte nacht",
        "‘Werkdruk’, dezelfde dag",
        "Slaap en pijn",
    ]
    assert cards(html, "unclear-heading") == ["Stress en pijn", "Tags zonder duidelijk verschil"]
    unclear = html[html.index('id="unclear-heading"') :]
    assert "Wat het duidelijker maakt: meer dagen in je dagboek" in unclear
    # a tag clear on the day after is not listed again as unclear on the same day
    assert "<strong>Gewandeld</strong>" not in unclear
    assert (
        "<strong>Zorgen of piekeren</strong>: nog geen duidelijk verschil in je pijn (12 dagen met, 18 zonder)"
        in unclear
    )


def test_poor_nights_beside_no_clear_sleep_link_get_one_sentence_why(anna, monkeypatch):
    seed(anna, 30)
    fake_insights(
        monkeypatch,
        anna,
        tag_effects=(effect("low_sleep", difference=1.3),),
        correlations=(correlation("sleep", -0.02, clear=False), correlation("stress", 0.3)),
    )
    html = browser_for(anna).get("/dagboek/inzichten/").content.decode()
    why = re.findall(r'<p class="insight-why">(.*?)</p>', html)
    assert len(why) == 1 and "beide kunnen kloppen" in why[0]
    card = html[html.index("<h3>Na een slechte nacht</h3>") :]
    assert card.index('class="insight-why"') < card.index("</li>")


def test_no_sentence_why_when_the_findings_agree(anna, monkeypatch):
    seed(anna, 30)
    fake_insights(
        monkeypatch,
        anna,
        tag_effects=(effect("low_sleep", difference=1.3),),
        correlations=(correlation("sleep", -0.4), correlation("stress", 0.3)),
    )
    html = browser_for(anna).get("/dagboek/inzichten/").content.decode()
    assert 'class="insight-why"' not in html


def test_an_empty_diary_offers_the_first_check_in(anna):
    html = browser_for(anna).get("/dagboek/inzichten/").content.decode()
    assert 'class="empty-state"' in html and 'href="/dagboek/nieuw/"' in html
    assert '<svg class="chart-plot"' not in html
