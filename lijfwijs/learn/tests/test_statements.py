"""The knowledge base's statements compiled once per process (learn.statements): the same rows
as the querysets they come from, with each request's values in their slots."""

import datetime

import pytest
from django.utils import timezone

from lijfwijs.learn import content, services, statements, views
from lijfwijs.learn.models import Article, HiddenArticle


@pytest.fixture
def articles(db):
    content.load()


def _article_rows(slug, now):
    return views.ARTICLE.rows(now=now, slug=slug)


def test_the_article_statement_reads_what_the_queryset_reads(articles, pieter):
    later = timezone.now() + datetime.timedelta(days=7)
    Article.objects.filter(slug="veilig-voelen").update(published_at=later)
    Article.objects.filter(slug="slaap-en-pijn").update(is_published=False)
    HiddenArticle.objects.create(
        practice=pieter.membership.practice, article=Article.objects.get(slug="stress-en-rugpijn")
    )
    now = timezone.now()
    for article in Article.objects.all():
        expected = list(
            Article.objects.published(now)
            .filter(slug=article.slug)
            .values_list(*views.ARTICLE_FIELDS)
        )
        assert [tuple(row) for row in _article_rows(article.slug, now)] == expected
    assert _article_rows("veilig-voelen", later) != []  # the moment is the request's
    assert _article_rows("veilig-voelen", now) == []
    assert (
        _article_rows("slaap-en-pijn", now) == [] and _article_rows("stress-en-rugpijn", now) == []
    )


def test_the_list_and_related_statements_read_what_their_querysets_read(articles, pieter):
    Article.objects.filter(slug="slaap-en-pijn").update(is_published=False)
    HiddenArticle.objects.create(
        practice=pieter.membership.practice, article=Article.objects.get(slug="veilig-voelen")
    )
    now = timezone.now()
    published = Article.objects.published(now)
    listed = published.values_list("category", *views.CARD_FIELDS)
    assert [tuple(row) for row in views.LIST.rows(now=now)] == list(listed)
    for article in Article.objects.all():
        related = article.related.published(now).values_list(*views.CARD_FIELDS)
        assert [tuple(row) for row in views.RELATED.rows(now=now, pk=article.pk)] == list(related)


def test_a_stand_in_must_be_among_the_parameters_once(db):
    with pytest.raises(ValueError, match="slug"):
        statements.Compiled(
            "no slug here",
            lambda: Article.objects.published(statements.NOW).values_list("slug"),
            slug=statements.A_SLUG,
        ).rows(slug="pijn-is-een-alarm")


def test_a_practices_article_with_its_cover_in_two_queries(
    articles, pieter, client, django_assert_num_queries, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from lijfwijs.learn.tests.conftest import image_bytes

    settings.MEDIA_ROOT = str(tmp_path)
    photo = SimpleUploadedFile("foto.jpg", image_bytes("JPEG", (1000, 600)), "image/jpeg")
    article = services.save_article(
        pieter.membership.practice,
        pieter,
        None,
        {
            "category": "sleep",
            "title_nl": "Slapen <met> pijn",
            "title_en": "",
            "summary_nl": "Over slaap.",
            "summary_en": "",
            "body_nl": "Tekst.",
            "body_en": "",
            "sources": [{"text": "Een bron", "url": "https://example.org/?a=1&b=2"}],
        },
        action=services.Action.PUBLISH,
        cover=services.check_cover(photo),
        cover_alt_nl='Een "bos"',
        related=list(Article.objects.filter(slug="slaap-en-pijn")),
    )
    with django_assert_num_queries(2):  # the article with its practice's name, the related
        response = client.get(f"/en/kennisbank/{article.slug}/")
    html = response.content.decode()
    assert '<h1 id="article-title">Slapen &lt;met&gt; pijn</h1>' in html
    assert '<p class="muted">Written by Fysio De Brug</p>' in html
    assert f'srcset="/en/kennisbank/beeld/{article.pk}/480.webp 480w, ' in html
    assert f'<img src="/en/kennisbank/beeld/{article.pk}/480.jpg" alt="Een &quot;bos&quot;"' in html
    assert 'href="https://example.org/?a=1&amp;b=2"' in html
    assert 'href="/en/kennisbank/slaap-en-pijn/"' in html
