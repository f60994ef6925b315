"""The sitemap (`/sitemap.xml`, outside the language prefix): the public pages in Dutch and English,
each with its hreflang alternates and an x-default (the Dutch page).

Absolute URLs from `SITE_URL` (as og:url), not from the request's Host. Only what a visitor without
an account can open: the home page, the Pijntest's start, the exercises and each active exercise,
the program's overview, the knowledge base and each published article, the trust pages and the
events list. Shared and revalidated like the pages (`core.httpcache`).
"""

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from lijfwijs.core import httpcache
from lijfwijs.exercises.models import Exercise

from .models import Article

_SLUG = "slug-of-the-item"
PAGES = (
    "home",
    "assessments:start",
    "exercises:list",
    "program:overview",
    "learn:list",
    "about",
    "privacy",
    "contact",
    "colofon",
    "events_list",  # when the events app's public list is mounted
)


class _BothLanguages(Sitemap):
    i18n = True
    alternates = True
    x_default = True
    detail = ""  # the URL name of an item's page (by slug), reversed once per language

    def location(self, item: Any) -> str:
        # Each URL is asked for three times (itself, its alternates): one reverse per language
        # (the view makes a new sitemap per request, so this cache lives for one request).
        reversed_ = self.__dict__.setdefault("reversed", {})
        language = get_language()
        if language not in reversed_:
            reversed_[language] = reverse(self.detail, kwargs={"slug": _SLUG})
        return reversed_[language].replace(_SLUG, item.slug)

    def get_domain(self, site: Any = None) -> str:
        return urlsplit(settings.SITE_URL).netloc

    def get_protocol(self, protocol: str | None = None) -> str:
        return urlsplit(settings.SITE_URL).scheme or "https"


class PageSitemap(_BothLanguages):
    changefreq = "weekly"

    def items(self) -> list[str]:
        found = []
        for name in PAGES:
            try:
                reverse(name)
            except NoReverseMatch:
                continue
            found.append(name)
        return found

    def location(self, item: str) -> str:
        return reverse(item)


class ExerciseSitemap(_BothLanguages):
    detail = "exercises:detail"

    def items(self) -> Any:
        return Exercise.objects.active().only("slug", "updated_at")

    def lastmod(self, item: Exercise) -> Any:
        return item.updated_at


class ArticleSitemap(_BothLanguages):
    detail = "learn:detail"

    def items(self) -> Any:
        return Article.objects.published().only("slug", "updated_at")

    def lastmod(self, item: Article) -> Any:
        return item.updated_at


SITEMAPS = {"pages": PageSitemap, "exercises": ExerciseSitemap, "articles": ArticleSitemap}


@require_safe
@httpcache.public_for_visitors()
def sitemap(request: HttpRequest) -> HttpResponse:
    response = sitemap_views.sitemap(request, sitemaps=SITEMAPS)
    response.render()  # the ETag is a hash of the bytes
    return response
