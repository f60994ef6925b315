"""Search in the knowledge base (`learn.search`), on SQLite (FTS5) and PostgreSQL (full-text search)."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lijfwijs.core.middleware import unstorable
from lijfwijs.learn import search
from lijfwijs.learn.models import Article

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="stemming is PostgreSQL's"
)


def make(slug, *, title, summary="Een korte samenvatting.", body="Tekst.", **fields):
    fields.setdefault("category", "basics")
    return Article.objects.create(
        slug=slug, title_nl=title, summary_nl=summary, body_nl=body, **fields
    )


def make_unpublished():
    """A draft and an article scheduled for tomorrow, both about breathing: never public."""
    make("concept", title="Ademhaling voor later", is_published=False, status="draft")
    make(
        "later",
        title="Ademhaling in de toekomst",
        published_at=timezone.now() + datetime.timedelta(days=2),
        status="scheduled",
    )


@pytest.fixture
def library(db):
    Article.objects.all().delete()  # the shipped articles: these tests use their own words
    make_unpublished()
    return {
        "breath": make(
            "adem",
            title="Rustig ademhalen",
            summary="Waarom een trage ademhaling je zenuwstelsel kalmeert & <echt> ontspant.",
            body="Adem in door je neus en uit door je mond.",
            title_en="Calm breathing",
            summary_en="Why slow breathing settles your nervous system.",
            body_en="Breathe in through your nose.",
            category="breathing",
        ),
        "sleep": make(
            "slaap",
            title="Slaap en pijn",
            summary="Hoe slaap en pijn elkaar beïnvloeden.",
            body="Wie slecht slaapt, voelt pijn sterker. Ook ademhaling speelt mee.",
            category="sleep",
        ),
    }


def slugs(query, language="nl"):
    return [hit.slug for hit in search.search(query, language)]


def test_title_before_text_and_only_published(library):
    assert slugs("ademhaling") == ["adem", "slaap"]
    assert slugs("ADEMHALING slaap") == ["slaap"]  # every word, any case
    assert slugs("ademhaling", "nl") == slugs("adem")[:2]  # a word's start is enough


def test_words_of_a_query():
    assert search.words('  "Slaap*" NEAR(pijn) slaap : -x_y ') == [
        "slaap",
        "near",
        "pijn",
        "x",
        "y",
    ]
    assert search.words("a " * 500) == ["a"]
    assert len(search.words(" ".join(f"w{n}" for n in range(50)))) == search.MAX_WORDS
    assert search.words("!!! ??? ***") == []


def test_the_summarys_matching_part_is_marked_and_escaped(library):
    [hit] = search.search("kalmeert", "nl")
    assert "<mark>kalmeert</mark>" in hit.summary
    assert "&amp;" in hit.summary
    # SQLite shows "<echt>" as text; PostgreSQL's parser takes it for a tag and leaves it out
    assert "&lt;echt&gt;" in hit.summary or connection.vendor == "postgresql"
    assert "<echt>" not in hit.summary


def test_english_searches_the_english_text_or_the_dutch_where_there_is_none(library):
    assert slugs("breathing", "en") == ["adem"]
    assert slugs("ademhaling", "en") == ["slaap"]  # "adem" has English: its Dutch is not searched
    assert slugs("breathing", "nl") == []


def test_the_index_follows_every_write(library):
    article = library["sleep"]
    Article.objects.filter(pk=article.pk).update(title_nl="Nachtrust en pijn")  # no save()
    assert slugs("nachtrust") == ["slaap"]
    article.refresh_from_db()
    article.summary_nl = "Over dromen."
    article.save()
    assert slugs("dromen") == ["slaap"]
    assert slugs("beïnvloeden") == []
    article.delete()
    assert slugs("nachtrust") == []
    make("nieuw", title="Nachtrust voor iedereen")
    assert slugs("nachtrust") == ["nieuw"]


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_sqlite_triggers_are_there_after_every_migration(db):
    """A migration that rebuilds learn_article on SQLite drops its triggers: run search.install."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
            ["learn_article"],
        )
        found = {name for (name,) in cursor.fetchall()}
    assert found >= {f"learn_article_fts_{when}" for when in search.SQLITE_TRIGGERS}


@postgres_only
def test_dutch_stemming_on_postgresql(library):
    assert slugs("ademhalen") == ["adem", "slaap"]  # ademhaling, ademhalen: "ademhal"
    assert slugs("slapen") == ["slaap"]  # slaap, slapen: "slap"
    assert slugs("breathe", "en") == ["adem"]  # breathing, breathe: "breath"
    assert slugs("de het een") == []  # only stop words: nothing to look for


@postgres_only
def test_postgresql_uses_the_gin_index(library):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM learn_article WHERE search_nl @@ to_tsquery('dutch', 'adem:*')"
        )
        plan = " ".join(row[0] for row in cursor.fetchall())
    assert "learn_article_search_nl" in plan


JUNK = [
    '"',
    '"unclosed',
    "*",
    "pijn*",
    "NEAR",
    "NEAR(a b)",
    "a OR b",
    "AND",
    "NOT pijn",
    "title_nl:pijn",
    "{title_nl}: x",
    "^pijn",
    "-",
    "'",
    "':*",
    "!",
    "(",
    "\\",
    "%",
    "_",
    "\x00",
    "ü" * 300,
    "x" * 5000,
    "😀 pijn",
    "pijn & | ! <->",
]


@pytest.mark.parametrize("query", JUNK)
def test_junk_queries_never_fail(library, query):
    for language in ("nl", "en"):
        assert isinstance(slugs(query, language), list)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.text(max_size=300))
def test_any_text_is_a_query(library, query):
    for language in ("nl", "en"):
        hits = search.search(query, language)
        assert all(hit.slug in ("adem", "slaap") for hit in hits)


# --- the page ---------------------------------------------------------------------------------


def test_search_page_in_both_languages_is_public_and_cacheable(client, library):
    response = client.get("/kennisbank/", {"q": "ademhaling"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "2 artikelen gevonden voor ‘ademhaling’" in html
    assert html.index("/kennisbank/adem/") < html.index("/kennisbank/slaap/")
    assert "/kennisbank/concept/" not in html and "/kennisbank/later/" not in html
    assert 'value="ademhaling"' in html
    assert "public" in response["Cache-Control"] and response["ETag"]
    again = client.get("/kennisbank/", {"q": "ademhaling"}, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    with translation.override("en"):
        english = client.get("/en/kennisbank/", {"q": "breathing"}).content.decode()
    assert "/en/kennisbank/adem/" in english and "Calm breathing" in english


def test_no_results_is_a_kind_empty_state(client, library):
    html = client.get("/kennisbank/", {"q": "zwemmen"}).content.decode()
    assert "0 artikelen gevonden voor ‘zwemmen’" in html
    assert 'class="empty-state"' in html and "Probeer een ander" in html


@pytest.mark.parametrize("query", ['"', "***", "x" * 5000, "<script>alert(1)</script>"])
def test_junk_on_the_page_keeps_what_was_typed_escaped(client, library, query):
    response = client.get("/kennisbank/", {"q": query})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert" not in html
    if not search.words(query):
        assert 'aria-invalid="true"' in html and "Zoek met een of meer woorden" in html
        assert 'id="onderwerp-' in html  # the list is still there


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.text(max_size=250))
def test_any_text_on_the_page(client, library, query):
    # a NUL or lone surrogate is refused at the boundary (core.middleware), like everywhere
    expected = 400 if unstorable(query) else 200
    for prefix in ("", "/en"):
        assert client.get(prefix + "/kennisbank/", {"q": query}).status_code == expected


def test_an_empty_query_is_the_list(client, library):
    html = client.get("/kennisbank/", {"q": ""}).content.decode()
    assert 'id="onderwerp-breathing"' in html and "aria-invalid" not in html


def test_search_page_queries_do_not_grow(client, library, django_assert_max_num_queries):
    for n in range(30):
        make(f"extra-{n}", title=f"Ademhaling {n}", category="stress")
    with django_assert_max_num_queries(1):  # the published articles joined with the index
        response = client.get("/kennisbank/", {"q": "ademhaling"})
    assert response.content.decode().count('class="card card-link"') == 32


def test_unpublished_matches_never_push_a_published_one_out(library):
    # the published condition is part of the ranked statement, not applied to its first rows
    Article.objects.bulk_create(
        Article(
            slug=f"concept-{n}",
            category="breathing",
            title_nl="Ademhaling ademhaling",
            summary_nl="Ademhaling.",
            body_nl="Ademhaling ademhaling ademhaling.",
            status="draft",
        )
        for n in range(search.MAX_RESULTS * 5)
    )
    found = slugs("ademhaling")
    assert "adem" in found and not [slug for slug in found if slug.startswith("concept")]
