"""RSS and Atom feeds of the knowledge base, one per language (the language comes from the URL:
/kennisbank/rss.xml in Dutch, /en/kennisbank/rss.xml in English; atom.xml beside each).

The newest `FEED_SIZE` published articles: title, summary, link, date and category. The same for
every visitor, so HTTP-cacheable like the pages (`core.httpcache`, wrapped in urls.py).
"""

from datetime import datetime
from typing import Any

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from lijfwijs.core import httpcache

from .models import Article

FEED_SIZE = 20


class ArticlesFeed(Feed):
    feed_type = Rss201rev2Feed

    def title(self) -> str:
        return gettext("Lijfwijs kennisbank")

    def description(self) -> str:
        return gettext(
            "Nieuwe artikelen over pijn, stress, ademhaling, beweging, voeding en slaap."
        )

    def subtitle(self) -> str:  # Atom's name for the description
        return self.description()

    def link(self) -> str:
        return reverse("learn:list")

    def feed_url(self) -> str:
        return reverse("learn:feed_atom" if self.feed_type is Atom1Feed else "learn:feed_rss")

    def items(self) -> Any:
        return (
            Article.objects.published()
            .only(
                "slug",
                "category",
                "title_nl",
                "title_en",
                "summary_nl",
                "summary_en",
                "published_at",
                "updated_at",
            )
            .order_by("-published_at", "slug")[:FEED_SIZE]
        )

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        return item.summary

    def item_pubdate(self, item: Article) -> datetime:
        return item.published_at

    def item_updateddate(self, item: Article) -> datetime:
        return item.updated_at

    def item_categories(self, item: Article) -> list[str]:
        return [str(item.get_category_display())]


class ArticlesAtomFeed(ArticlesFeed):
    feed_type = Atom1Feed


# the views: GET and HEAD only, shared and revalidated like the knowledge base's pages
rss = httpcache.public_for_visitors()(require_safe(ArticlesFeed()))
atom = httpcache.public_for_visitors()(require_safe(ArticlesAtomFeed()))
