"""The knowledge base's RSS and Atom feeds, in Dutch and in English, parsed as XML."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from lijfwijs.learn.feeds import FEED_SIZE
from lijfwijs.learn.models import Article
from lijfwijs.learn.tests.test_search import make_unpublished

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def parse(response):
    return ET.fromstring(response.content)  # noqa: S314 - our own feed, in a test


@pytest.fixture
def articles(db):
    Article.objects.all().delete()
    now = timezone.now()
    for n in range(FEED_SIZE + 3):
        Article.objects.create(
            slug=f"artikel-{n}",
            category="sleep" if n % 2 else "stress",
            title_nl=f"Artikel {n} <over> slaap & rust",
            title_en=f"Article {n}" if n % 3 else "",
            summary_nl=f"Samenvatting {n}.",
            summary_en=f"Summary {n}." if n % 3 else "",
            body_nl="Tekst.",
            published_at=now - datetime.timedelta(days=n + 1),
        )
    make_unpublished()


def test_rss_in_dutch_newest_twenty_published(client, articles):
    response = client.get("/kennisbank/rss.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = parse(response).find("channel")
    assert channel.findtext("title") == "Lijfwijs kennisbank"
    assert channel.findtext("language") == "nl"
    assert channel.findtext("link") == "http://testserver/kennisbank/"
    items = channel.findall("item")
    assert len(items) == FEED_SIZE
    first = items[0]
    assert first.findtext("title") == "Artikel 0 <over> slaap & rust"  # escaped, read back whole
    assert first.findtext("link") == "http://testserver/kennisbank/artikel-0/"
    assert first.findtext("description") == "Samenvatting 0."
    assert first.findtext("category") == "Stress"
    assert first.findtext("pubDate")
    links = [item.findtext("link") for item in items]
    assert "http://testserver/kennisbank/artikel-19/" in links
    assert not any(
        ("artikel-20/" in link or "concept" in link or "later" in link) for link in links
    )
    assert "public" in response["Cache-Control"] and response["ETag"]


def test_atom_in_english(client, articles):
    response = client.get("/en/kennisbank/atom.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = parse(response)
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert feed.find(f"{ATOM}link").get("href") == "http://testserver/en/kennisbank/"
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == FEED_SIZE
    titles = [entry.findtext(f"{ATOM}title") for entry in entries]
    assert titles[:2] == ["Artikel 0 <over> slaap & rust", "Article 1"]  # no English: Dutch
    second = entries[1]
    assert second.find(f"{ATOM}link").get("href") == "http://testserver/en/kennisbank/artikel-1/"
    assert second.findtext(f"{ATOM}summary") == "Summary 1."
    assert second.find(f"{ATOM}category").get("term") == "Sleep"
    assert second.findtext(f"{ATOM}published") and second.findtext(f"{ATOM}updated")


@pytest.mark.parametrize("path", ["/kennisbank/rss.xml", "/en/kennisbank/atom.xml"])
def test_feeds_are_read_only(client, articles, path):
    assert client.post(path).status_code == 405


@pytest.mark.parametrize("path", ["/kennisbank/", "/kennisbank/?q=slaap", "/kennisbank/artikel-1/"])
def test_the_pages_point_to_the_feed(client, articles, path):
    html = client.get(path).content.decode()
    assert (
        '<link rel="alternate" type="application/atom+xml" title="Lijfwijs kennisbank" '
        'href="/kennisbank/atom.xml">' in html
    )
    english = client.get("/en" + path).content.decode()
    assert 'href="/en/kennisbank/atom.xml"' in english
