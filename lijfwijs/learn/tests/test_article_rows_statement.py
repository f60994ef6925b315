"""`services.article_rows_for` reads its rows with a statement compiled once per process, language
and number of slugs: the same rows as the queryset it comes from, with the request's slugs and
moment in its slots."""

import datetime

import pytest
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from lijfwijs.learn import content, services
from lijfwijs.learn.models import Article, HiddenArticle


@pytest.fixture
def articles(db):
    content.load()


def _by_the_orm(slugs, lang, now):
    named = Article.objects.filter(slug__in=slugs).values("category")
    shown = Article.objects.published(now).filter(pk=OuterRef("pk"))
    return [
        (slug, category, bool(is_shown), *texts)
        for slug, category, is_shown, *texts in Article.objects.filter(
            Q(slug__in=slugs) | Q(practice=None, category__in=named)
        )
        .annotate(shown=Exists(shown))
        .order_by("sort_order", "slug")
        .values_list(
            "slug",
            "category",
            "shown",
            "title_nl",
            f"title_{lang}",
            "summary_nl",
            f"summary_{lang}",
        )
    ]


def test_the_statement_reads_what_the_queryset_reads(articles, pieter):
    later = timezone.now() + datetime.timedelta(days=7)
    Article.objects.filter(slug="veilig-voelen").update(published_at=later)
    Article.objects.filter(slug="slaap-en-pijn").update(is_published=False)
    HiddenArticle.objects.create(
        practice=pieter.membership.practice, article=Article.objects.get(slug="stress-en-rugpijn")
    )
    every = list(Article.objects.order_by("slug").values_list("slug", flat=True))
    now = timezone.now()
    for lang in ("nl", "en"):
        for count in (1, 2, 3):
            for start in range(0, len(every), count):
                slugs = every[start : start + count]
                rows = services._article_rows_statement(lang, len(slugs)).rows(
                    now=now,
                    **{f"{kind}{n}": s for kind in ("slug", "named") for n, s in enumerate(slugs)},
                )
                assert [(r[0], r[1], bool(r[2]), *r[3:]) for r in rows] == _by_the_orm(
                    slugs, lang, now
                ), slugs


def test_the_choice_is_made_from_one_query(articles, django_assert_num_queries):
    slugs = ["stress-en-rugpijn", "ademhaling-en-spanning", "pijn-is-een-alarm"]
    with django_assert_num_queries(1):
        rows = services.article_rows_for(slugs, "nl")
    assert [row[0] for row in rows] == slugs
