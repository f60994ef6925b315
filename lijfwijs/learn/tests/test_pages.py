"""Knowledge base pages through HTTP, in Dutch and in English."""

import datetime

import pytest
from django.utils import timezone

from lijfwijs.learn import content
from lijfwijs.learn.models import Article


@pytest.fixture
def articles(db):
    content.load()


def _html(response):
    return response.content.decode()


def test_list_in_dutch_grouped_by_category_with_reading_time(client, articles):
    response = client.get("/kennisbank/")
    assert response.status_code == 200
    html = _html(response)
    assert '<html lang="nl">' in html
    for article in Article.objects.all():
        assert article.title_nl in html
        assert f'href="/kennisbank/{article.slug}/"' in html
    assert "3 minuten lezen" in html
    assert html.index('id="onderwerp-basics"') < html.index('id="onderwerp-immune"')
    assert "Pain is an alarm, not a damage meter" not in html


def test_list_in_english(client, articles):
    response = client.get("/en/kennisbank/")
    assert response.status_code == 200
    html = _html(response)
    assert '<html lang="en">' in html
    assert "Pain is an alarm, not a damage meter" in html
    assert "Pijn is een alarm, geen schademeter" not in html
    assert 'href="/en/kennisbank/pijn-is-een-alarm/"' in html


def test_detail_in_dutch(client, articles):
    response = client.get("/kennisbank/neuroplastische-pijn/")
    assert response.status_code == 200
    html = _html(response)
    assert "Neuroplastische pijn: wat de signalen wel en niet zeggen</h1>" in html
    assert "<h2>Alarmsignalen gaan altijd voor</h2>" in html
    assert "minuten lezen" in html
    assert "Ashar YK, Gordon A, Schubiner H" in html
    assert 'href="https://doi.org/10.1001/jamapsychiatry.2021.2669"' in html
    # Related articles, in the page's language.
    assert 'href="/kennisbank/pijn-is-een-alarm/"' in html
    assert "Pijn is een alarm, geen schademeter" in html
    assert "Lijfwijs vervangt je huisarts niet." in html
    assert "What research showed" not in html


def test_detail_in_english(client, articles):
    response = client.get("/en/kennisbank/neuroplastische-pijn/")
    assert response.status_code == 200
    html = _html(response)
    assert '<html lang="en">' in html
    assert "Neuroplastic pain: what the signs do and do not tell you</h1>" in html
    assert "<h2>What research showed</h2>" in html
    assert 'href="/en/kennisbank/pijn-is-een-alarm/"' in html
    assert "Pain is an alarm, not a damage meter" in html
    assert "Lijfwijs does not replace your GP." in html
    assert "Wat onderzoek liet zien" not in html


@pytest.mark.parametrize("path", ["/kennisbank/bestaat-niet/", "/en/kennisbank/bestaat-niet/"])
def test_unknown_article_is_404(client, articles, path):
    assert client.get(path).status_code == 404


def test_unpublished_or_future_article_is_404_and_hidden(client, articles):
    Article.objects.filter(slug="slaap-en-pijn").update(is_published=False)
    later = timezone.now() + datetime.timedelta(days=7)
    Article.objects.filter(slug="veilig-voelen").update(published_at=later)
    for slug in ("slaap-en-pijn", "veilig-voelen"):
        assert client.get(f"/kennisbank/{slug}/").status_code == 404
    html = _html(client.get("/kennisbank/"))
    assert 'href="/kennisbank/slaap-en-pijn/"' not in html
    assert 'href="/kennisbank/veilig-voelen/"' not in html
    # Related links leave out what is not published.
    related_page = _html(client.get("/kennisbank/stress-en-rugpijn/"))
    assert 'href="/kennisbank/veilig-voelen/"' not in related_page


def test_list_queries_do_not_grow_with_the_articles(client, articles, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert client.get("/kennisbank/").status_code == 200
    Article.objects.create(
        slug="extra", category="sleep", title_nl="Extra", summary_nl="Kort.", body_nl="Tekst."
    )
    with django_assert_num_queries(1):
        assert client.get("/kennisbank/").status_code == 200


@pytest.mark.parametrize("slug", ["pijn-is-een-alarm", "neuroplastische-pijn", "slaap-en-pijn"])
def test_detail_queries_are_constant(client, articles, django_assert_num_queries, slug):
    with django_assert_num_queries(2):
        assert client.get(f"/kennisbank/{slug}/").status_code == 200
