"""The built-in articles: loading is idempotent and the texts follow the house rules."""

import json
import re

import pytest

from lijfwijs.learn import content
from lijfwijs.learn.models import Article, count_words, reading_minutes_for, render_markdown

REQUIRED_SLUGS = {
    "pijn-is-een-alarm",
    "zenuwstelsel-aan-en-uit",
    "stress-en-rugpijn",
    "ademhaling-en-spanning",
    "bewegen-zonder-angst",
    "voeding-en-je-zenuwstelsel",
    "slaap-en-pijn",
    "afweer-en-gevoeligheid",
    "neuroplastische-pijn",
    "veilig-voelen",
}

# Words the product never uses about itself (docs/clinical.md); "behandelaar" is allowed.
FORBIDDEN = re.compile(
    r"\b(diagnos\w*|genees\w*|genez\w*|cure[sd]?|curing|treat\w*|therapieresultaat\w*"
    r"|behandel(?!aar)\w*|predict\w*|voorspel\w*|detect\w*)",
    re.IGNORECASE,
)


@pytest.fixture
def articles(db):
    content.load()


def _snapshot():
    rows = sorted(Article.objects.values_list(), key=lambda row: row[0])
    related = sorted(Article.related.through.objects.values_list("from_article", "to_article"))
    return rows, related


def _texts(article, lang):
    return [
        getattr(article, f"title_{lang}"),
        getattr(article, f"summary_{lang}"),
        getattr(article, f"body_{lang}"),
    ]


@pytest.mark.django_db
def test_loading_twice_changes_nothing():
    first = content.load()
    before = _snapshot()
    second = content.load()
    assert first == second == len(REQUIRED_SLUGS)
    assert Article.objects.count() == len(REQUIRED_SLUGS)
    assert _snapshot() == before


def test_every_required_article_is_present_and_published(articles):
    published = set(Article.objects.published().filter(builtin=True).values_list("slug", flat=True))
    assert published == REQUIRED_SLUGS


def _without(directory, victim):
    """Copy the article files to `directory`, leaving out one article and every link to it."""
    for path in content.ARTICLES_DIR.glob("*.toml"):
        if path.stem == victim:
            continue
        lines = []
        for line in path.read_text().splitlines(keepends=True):
            if line.startswith("related = "):
                slugs = [s for s in json.loads(line.removeprefix("related = ")) if s != victim]
                line = f"related = {json.dumps(slugs)}\n"
            lines.append(line)
        (directory / path.name).write_text("".join(lines))


@pytest.mark.django_db
def test_article_removed_from_files_is_unpublished_not_deleted(tmp_path):
    content.load()
    _without(tmp_path, "slaap-en-pijn")
    assert content.load(tmp_path) == len(REQUIRED_SLUGS) - 1
    assert not Article.objects.get(slug="slaap-en-pijn").is_published
    assert Article.objects.count() == len(REQUIRED_SLUGS)
    breathing = Article.objects.get(slug="ademhaling-en-spanning")
    assert {a.slug for a in breathing.related.all()} == {
        "zenuwstelsel-aan-en-uit",
        "stress-en-rugpijn",
    }
    content.load()
    assert Article.objects.get(slug="slaap-en-pijn").is_published


def test_every_article_has_both_languages_of_the_right_length(articles):
    for article in Article.objects.all():
        for lang in ("nl", "en"):
            assert all(text.strip() for text in _texts(article, lang)), article.slug
            words = count_words(getattr(article, f"body_{lang}"))
            assert 350 <= words <= 700, (article.slug, lang, words)
            html = getattr(article, f"body_html_{lang}")
            assert "<h2>" in html and "<h1>" not in html, article.slug
        assert article.title_nl != article.title_en


def test_every_article_ends_by_saying_lijfwijs_does_not_replace_a_gp(articles):
    for article in Article.objects.all():
        assert article.body_nl.rstrip().endswith("Lijfwijs vervangt je huisarts niet."), (
            article.slug
        )
        assert article.body_en.rstrip().endswith("Lijfwijs does not replace your GP."), article.slug


def test_sources_and_related_articles(articles):
    slugs = set(Article.objects.values_list("slug", flat=True))
    for article in Article.objects.prefetch_related("related"):
        assert 1 <= len(article.sources) <= 4, article.slug
        for source in article.sources:
            assert source["text"].strip()
            assert source["url"] == "" or source["url"].startswith("https://doi.org/10.")
        related = {other.slug for other in article.related.all()}
        assert 2 <= len(related) <= 3, article.slug
        assert related <= slugs and article.slug not in related


def test_every_related_slug_in_the_files_exists():
    entries = content.read_articles()
    slugs = {entry["fields"]["slug"] for entry in entries}
    assert slugs == REQUIRED_SLUGS
    for entry in entries:
        assert set(entry["related"]) <= slugs, entry["fields"]["slug"]


def test_unknown_related_slug_is_refused(tmp_path):
    source = content.ARTICLES_DIR / "slaap-en-pijn.toml"
    broken = source.read_text().replace('"stress-en-rugpijn"', '"bestaat-niet"')
    (tmp_path / "slaap-en-pijn.toml").write_text(broken)
    with pytest.raises(Exception, match="bestaat-niet"):
        content.read_articles(tmp_path)


def test_trial_facts_in_the_neuroplastic_article(articles):
    article = Article.objects.get(slug="neuroplastische-pijn")
    for fact in ("151", "66%", "20%", "10%"):
        assert fact in article.body_nl and fact in article.body_en
    assert "herhaling" in article.body_nl and "replication" in article.body_en


def test_five_steps_in_the_safety_article(articles):
    body = Article.objects.get(slug="veilig-voelen").body_nl
    for step in ("Herkenning", "Regulatie", "Grenzen", "Verbinding", "Integratie"):
        assert step in body


def test_no_forbidden_words_in_articles(articles):
    for article in Article.objects.all():
        for lang in ("nl", "en"):
            for text in _texts(article, lang):
                match = FORBIDDEN.search(text)
                assert not match, (article.slug, lang, match and match.group())
        for source in article.sources:
            assert not FORBIDDEN.search(source["text"]), (article.slug, source["text"])


def test_reading_time_is_at_least_a_minute_at_200_words_a_minute():
    assert reading_minutes_for("") == 1
    assert reading_minutes_for("woord " * 200) == 1
    assert reading_minutes_for("woord " * 201) == 2
    assert reading_minutes_for("woord " * 600) == 3


def test_markdown_escapes_raw_html_and_unsafe_links():
    html = render_markdown("Tekst <script>alert(1)</script>\n\n[klik](javascript:alert(1))")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "javascript:" not in html


@pytest.mark.django_db
def test_saving_renders_html_and_reading_time():
    article = Article.objects.create(
        slug="proef",
        category="basics",
        title_nl="Proef",
        summary_nl="Kort.",
        body_nl="## Kop\n\nTekst.",
    )
    assert article.body_html_nl == "<h2>Kop</h2>\n<p>Tekst.</p>"
    assert article.reading_minutes == 1
    article.body_nl = "## Andere kop\n\n" + "woord " * 450
    article.save(update_fields=["body_nl"])
    article.refresh_from_db()
    assert article.body_html_nl.startswith("<h2>Andere kop</h2>")
    assert article.reading_minutes == 3


@pytest.mark.django_db
def test_phone_numbers_may_be_links_and_the_crisis_lines_are():
    html = render_markdown("Bel [112](tel:112) of [113](tel:113); [niet](vbscript:x)")
    assert '<a href="tel:112">112</a>' in html and '<a href="tel:113">113</a>' in html
    assert "<a>niet</a>" in html  # a scheme other than http(s), mailto and tel loses its href
    for slug, numbers in {
        "ademhaling-en-spanning": ["112"],
        "stress-en-rugpijn": ["113", "08000113", "112"],
    }.items():
        article = Article.objects.get(slug=slug)
        for body in (article.body_html_nl, article.body_html_en):
            for number in numbers:
                assert f'href="tel:{number}"' in body, (slug, number)
