"""Knowledge base pages through HTTP, in Dutch and in English."""

import datetime
from unittest import mock

import pytest
from django.utils import timezone

from lijfwijs.accounts.models import User
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
    # One query for the list, whatever the number of articles (the ETag is the page's hash).
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


# --- shared with every visitor: HTTP caching ------------------------------------------------


@pytest.mark.parametrize("path", ["/kennisbank/", "/kennisbank/pijn-is-een-alarm/"])
def test_a_visitor_revalidates_and_gets_a_304_until_an_article_changes(client, articles, path):
    first = client.get(path)
    assert first.status_code == 200
    assert "public" in first["Cache-Control"] and "max-age=300" in first["Cache-Control"]
    again = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    article = Article.objects.get(slug="pijn-is-een-alarm")
    article.title_nl = "Pijn is een alarm, en dat kan zakken"
    article.save()
    changed = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]
    assert "Pijn is een alarm, en dat kan zakken" in _html(changed)


def test_unpublishing_or_deleting_an_article_changes_the_list(client, articles):
    etag = client.get("/kennisbank/")["ETag"]
    Article.objects.filter(slug="slaap-en-pijn").update(is_published=False)  # as a bulk edit does
    Article.objects.get(slug="slaap-en-pijn").save()  # and then the admin
    unpublished = client.get("/kennisbank/", HTTP_IF_NONE_MATCH=etag)
    assert unpublished.status_code == 200 and "/kennisbank/slaap-en-pijn/" not in _html(unpublished)
    etag = unpublished["ETag"]
    listed = Article.objects.published().first()
    listed.delete()
    deleted = client.get("/kennisbank/", HTTP_IF_NONE_MATCH=etag)
    assert deleted.status_code == 200 and f"/kennisbank/{listed.slug}/" not in _html(deleted)
    # Deleting the unpublished one changes nothing a visitor sees: the same page, so a 304.
    Article.objects.filter(slug="slaap-en-pijn").delete()
    assert client.get("/kennisbank/", HTTP_IF_NONE_MATCH=deleted["ETag"]).status_code == 304


def freeze_later(minutes: int):
    """The clock `minutes` from now, for the queries that compare with it."""
    later = timezone.now() + datetime.timedelta(minutes=minutes)
    return mock.patch("django.utils.timezone.now", return_value=later)


def test_a_scheduled_article_comes_out_without_a_write(client, articles):
    soon = timezone.now() + datetime.timedelta(minutes=5)
    Article.objects.create(
        slug="straks",
        category="sleep",
        title_nl="Straks",
        summary_nl="Kort.",
        body_nl="Tekst.",
        published_at=soon,
    )
    etag = client.get("/kennisbank/")["ETag"]
    with freeze_later(minutes=10):
        later = client.get("/kennisbank/", HTTP_IF_NONE_MATCH=etag)
    assert later.status_code == 200 and "Straks" in _html(later)


def test_an_unknown_article_is_still_404_for_a_visitor(client, articles):
    assert client.get("/kennisbank/bestaat-niet/", HTTP_IF_NONE_MATCH='"x"').status_code == 404


@pytest.mark.parametrize("path", ["/kennisbank/", "/kennisbank/pijn-is-een-alarm/"])
def test_a_signed_in_person_gets_private_no_store_and_never_a_304(client, articles, path):
    etag = client.get(path)["ETag"]
    anna = User.objects.create_user("anna-learn@example.org", "a-long-password-1")
    client.force_login(anna, backend="lijfwijs.accounts.backends.UserBackend")
    response = client.get(path, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and not response.has_header("ETag")
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_cards_escape_what_was_written(client, articles):
    # the cards are written as markup in Python: every text is escaped there
    article = Article.objects.create(
        slug="tekens",
        category="sleep",
        title_nl='Slaap <script>alert("x")</script> & rust',
        summary_nl="Kort 'maar' <b>krachtig</b>.",
        body_nl="Slaaptekens.",
    )
    Article.objects.get(slug="slaap-en-pijn").related.add(article)
    escaped = "Slaap &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; rust"
    for path in ("/kennisbank/", "/kennisbank/slaap-en-pijn/", "/kennisbank/?q=slaaptekens"):
        html = _html(client.get(path))
        assert f'<h3><a href="/kennisbank/tekens/">{escaped}</a></h3>' in html
        assert "<script>alert" not in html and "<b>krachtig" not in html
    assert "Kort &#x27;maar&#x27; &lt;b&gt;krachtig&lt;/b&gt;." in _html(client.get("/kennisbank/"))
