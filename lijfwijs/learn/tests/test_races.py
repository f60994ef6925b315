"""Writing at the same moment on parallel database connections (PostgreSQL with DATABASE_URL;
SQLite serialises the writes): the constraints decide, not a check first.

- two new articles with the same title: two articles, two slugs (`unique` on the slug, a retry);
- two saves of one article: revisions 1, 2, 3 (the row lock; `article_revision_number`);
- two hides of one shipped article: one row (`hidden_article_once`).
"""

import pytest

from lijfwijs.accounts.tests.helpers import make_practitioner
from lijfwijs.core.tests.parallel import in_threads
from lijfwijs.learn import services
from lijfwijs.learn.models import Article, ArticleRevision, HiddenArticle

pytestmark = pytest.mark.django_db(transaction=True)


def texts(title: str = "Samen tegelijk", body: str = "Tekst.") -> dict:
    return {
        "category": "stress",
        "title_nl": title,
        "title_en": "",
        "summary_nl": "Kort.",
        "summary_en": "",
        "body_nl": body,
        "body_en": "",
        "sources": [],
    }


@pytest.fixture
def owner():
    return make_practitioner("eigenaar@example.org", practice_name="Praktijk Tegelijk")


def test_two_new_articles_with_one_title_get_two_slugs(owner):
    practice = owner.membership.practice
    made = in_threads(
        lambda: (
            services.save_article(practice, owner, None, texts(), action=services.Action.DRAFT).slug
        ),
        count=3,
    )
    assert sorted(made) == ["samen-tegelijk", "samen-tegelijk-2", "samen-tegelijk-3"]
    assert Article.objects.filter(practice=practice).count() == 3


def test_two_saves_of_one_article_number_their_revisions_in_turn(owner):
    practice = owner.membership.practice
    article = services.save_article(practice, owner, None, texts(), action=services.Action.DRAFT)
    bodies = iter(["Eerste wijziging.", "Tweede wijziging."])
    chosen = [next(bodies), next(bodies)]
    in_threads(
        lambda: services.save_article(
            practice, owner, article, texts(body=chosen.pop()), action=services.Action.DRAFT
        ),
        count=2,
    )
    numbers = list(
        ArticleRevision.objects.filter(article=article)
        .order_by("number")
        .values_list("number", flat=True)
    )
    assert numbers == [1, 2, 3]


def test_two_hides_at_once_keep_one_row(owner):
    shipped = Article.objects.create(
        slug="meegeleverd-tegelijk",
        category="sleep",
        title_nl="Meegeleverd",
        summary_nl="Kort.",
        body_nl="Tekst.",
        builtin=True,
    )
    practice = owner.membership.practice
    in_threads(lambda: services.hide(practice, shipped, owner), count=3)
    assert HiddenArticle.objects.filter(article=shipped).count() == 1
