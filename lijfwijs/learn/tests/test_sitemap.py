"""The sitemap (public pages, both languages, hreflang alternates) and the Open Graph tags of an
article page."""

import html
import re
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.urls import reverse

from lijfwijs.exercises.models import Exercise
from lijfwijs.learn.models import Article
from lijfwijs.learn.tests.test_search import make_unpublished

pytestmark = pytest.mark.django_db
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
SITE = settings.SITE_URL.rstrip("/")


@pytest.fixture
def articles(db):
    shown = Article.objects.create(
        slug="te-zien",
        category="sleep",
        title_nl='Slaap "goed" & <rustig>',
        summary_nl="Over 'slapen' & <rust>.",
        body_nl="Tekst.",
        title_en="Sleep well",
        summary_en="About sleep.",
    )
    make_unpublished()
    return shown


def _urls(response):
    root = ET.fromstring(response.content)  # noqa: S314 - our own sitemap, in a test
    found = {}
    for url in root.findall("s:url", NS):
        alternates = {link.get("hreflang"): link.get("href") for link in url.findall("x:link", NS)}
        found[url.findtext("s:loc", namespaces=NS)] = alternates
    return found


def test_sitemap_lists_the_public_pages_in_both_languages(client, articles):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert "public" in response["Cache-Control"] and response["ETag"]
    urls = _urls(response)
    for path in (
        "/",
        "/pijntest/",
        "/oefeningen/",
        "/programma/",
        "/kennisbank/",
        "/privacy/",
        "/over-ons/",
        "/contact/",
        "/colofon/",
        "/kennisbank/te-zien/",
    ):
        assert SITE + path in urls, path
        assert SITE + "/en" + path in urls, path
        assert urls[SITE + path] == {
            "nl": SITE + path,
            "en": SITE + "/en" + path,
            "x-default": SITE + path,
        }
    try:
        events = reverse("events_list")
    except Exception:  # noqa: BLE001 - the events app may not be mounted
        events = None
    if events:
        assert SITE + events in urls
    for exercise in Exercise.objects.active():
        assert SITE + exercise.get_absolute_url() in urls
    listed = " ".join(urls)
    for private in (
        "concept",
        "later",
        "/account/",
        "/dagboek/",
        "/praktijk/",
        "/stijl/",
        "mijn-uitslagen",
    ):
        assert private not in listed
    assert len(urls) == len(set(urls))


def test_an_inactive_exercise_is_left_out(client, articles):
    exercise = Exercise.objects.active().first()
    if exercise is None:
        pytest.skip("no exercises loaded")
    Exercise.objects.filter(pk=exercise.pk).update(is_active=False)
    assert SITE + exercise.get_absolute_url() not in _urls(client.get("/sitemap.xml"))


def test_sitemap_is_read_only(client, articles):
    assert client.post("/sitemap.xml").status_code == 405


def _og(page):
    return {
        name: html.unescape(value)
        for name, value in re.findall(r'<meta property="([a-z:_]+)" content="([^"]*)">', page)
    }


def test_open_graph_on_an_article_escaped_in_both_languages(client, articles):
    page = client.get("/kennisbank/te-zien/").content.decode()
    assert (
        '<meta property="og:title" content="Slaap &quot;goed&quot; &amp; &lt;rustig&gt;">' in page
    )
    og = _og(page)
    assert og["og:type"] == "article"
    assert og["og:title"] == 'Slaap "goed" & <rustig>'
    assert og["og:description"] == "Over 'slapen' & <rust>."
    assert og["og:url"] == SITE + "/kennisbank/te-zien/"
    assert og["og:locale"] == "nl_NL"
    assert og["article:section"] == "Slaap"
    assert "og:image" not in og  # no cover
    english = _og(client.get("/en/kennisbank/te-zien/").content.decode())
    assert english["og:title"] == "Sleep well"
    assert english["og:url"] == SITE + "/en/kennisbank/te-zien/"
    assert english["og:locale"] == "en_GB"


def test_open_graph_on_the_knowledge_base(client, articles):
    og = _og(client.get("/en/kennisbank/", {"q": "sleep"}).content.decode())
    assert og["og:type"] == "website"
    assert og["og:url"] == SITE + "/en/kennisbank/"
    assert og["og:locale"] == "en_GB"


def test_open_graph_image_when_the_article_has_a_cover(client, articles):
    if not hasattr(Article, "cover_fallback_url"):
        pytest.skip("covers are not there yet")
    Article.objects.filter(pk=articles.pk).update(
        cover="article-covers/test",
        cover_widths=[480, 960],
        cover_alt_nl="Een bed bij ochtendlicht",
    )
    og = _og(client.get("/kennisbank/te-zien/").content.decode())
    assert og["og:image"] == SITE + reverse(
        "learn:cover", kwargs={"pk": articles.pk, "width": 480, "fmt": "jpg"}
    )
    assert og["og:image:alt"] == "Een bed bij ochtendlicht"


def test_a_hidden_shipped_article_is_in_no_search_feed_or_sitemap(client, articles):
    from lijfwijs.accounts.models import Practice
    from lijfwijs.learn import services

    Article.objects.filter(pk=articles.pk).update(builtin=True)
    practice = Practice.objects.first() or Practice.objects.create(name="Praktijk Kaart")
    assert Practice.objects.count() == 1  # the installation's practice speaks for the public pages
    assert "te-zien" in client.get("/kennisbank/", {"q": "slaap"}).content.decode()
    services.hide(practice, articles, None)
    assert "te-zien" not in client.get("/kennisbank/", {"q": "slaap"}).content.decode()
    assert "te-zien" not in client.get("/kennisbank/rss.xml").content.decode()
    assert "te-zien" not in client.get("/sitemap.xml").content.decode()


def test_sitemap_and_feed_queries_do_not_grow(client, articles, django_assert_max_num_queries):
    for n in range(40):
        Article.objects.create(
            slug=f"meer-{n}", category="stress", title_nl=f"Meer {n}", summary_nl="x", body_nl="x"
        )
    with django_assert_max_num_queries(4):
        assert "meer-39" in client.get("/sitemap.xml").content.decode()
    with django_assert_max_num_queries(2):
        assert "meer-39" in client.get("/kennisbank/rss.xml").content.decode()
