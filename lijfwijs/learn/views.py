"""Knowledge base pages: articles by category, and one article with its sources and related reads.

The same for every visitor, so shared: an ETag from the page's bytes and a public max-age
(`core.httpcache`); a signed-in person's pages are never stored.
"""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from lijfwijs.core import hooks, httpcache
from lijfwijs.core.i18n import current_language

from . import search
from .models import Article, Category


@require_safe
@httpcache.public_for_visitors()
def article_list(request: HttpRequest) -> HttpResponse:
    """Articles by category, or with `?q=` the published articles that match, best first (the page
    per query is as public as the list; `learn.search`)."""
    published = Article.objects.published()
    site_url = settings.SITE_URL.rstrip("/")  # Open Graph's absolute og:url
    if "q" not in request.GET:
        context = {"groups": _groups(published), "site_url": site_url}
        return render(request, "learn/list.html", context)
    query = request.GET.get("q", "")[: search.MAX_QUERY_CHARS]
    context = {
        "site_url": site_url,
        "query": query,
        "searched": bool(search.words(query)),
        # the hits are model rows, shown as cards: their bodies stay in the database
        "hits": search.search(query, published.defer(*BODIES)),
        "groups": [],
    }
    if not context["searched"]:  # empty or only punctuation: the list as it is, with a hint
        context["groups"] = _groups(published)
    return render(request, "learn/list.html", context)


@require_safe
@httpcache.public_for_visitors()
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    article = get_object_or_404(Article.objects.published(), slug=slug)
    context = {
        "article": article,
        "related": _related(article),
        "site_url": settings.SITE_URL.rstrip("/"),  # Open Graph's absolute og:url (kb)
        # what other apps offer under an article (the newsletter's sign-up); the page is the same
        # for every visitor (HTTP-cached), so a panel holds nothing per person or session
        "panels": hooks.panels("article_panel", request, article),
    }
    return render(request, "learn/detail.html", context)


_SLUG = "slug-of-the-article"


BODIES = ("body_nl", "body_en", "body_html_nl", "body_html_en")
CARD_FIELDS = ("slug", "title_nl", "title_en", "summary_nl", "summary_en", "reading_minutes")


def _cards(rows: Iterable[tuple[Any, ...]]) -> list[dict[str, str]]:
    """Article cards (url, title, summary, reading time) from rows of CARD_FIELDS: plain values,
    one reverse for all, and the reading time's words translated once per length."""
    english = current_language() == "en"
    url = reverse("learn:detail", kwargs={"slug": _SLUG})
    reading: dict[int, str] = {}
    cards = []
    for slug, title_nl, title_en, summary_nl, summary_en, minutes in rows:
        if minutes not in reading:
            reading[minutes] = ngettext(
                "%(minutes)s minuut lezen", "%(minutes)s minuten lezen", minutes
            ) % {"minutes": minutes}
        cards.append(
            {
                "url": url.replace(_SLUG, slug),
                "title": (english and title_en) or title_nl,
                "summary": (english and summary_en) or summary_nl,
                "reading": reading[minutes],
            }
        )
    return cards


def _groups(published: Any) -> list[tuple[str, str, list[dict[str, str]]]]:
    """(category, label, cards) in the order of Category, leaving out empty categories: one
    query of plain values."""
    by_category: dict[str, list[tuple[Any, ...]]] = {}
    for category, *row in published.values_list("category", *CARD_FIELDS):
        by_category.setdefault(category, []).append(tuple(row))
    return [
        (category.value, category.label, _cards(by_category[category.value]))
        for category in Category
        if category.value in by_category
    ]


def _related(article: Article) -> list[dict[str, str]]:
    """The published articles this one links to, as the "read also" cards show them."""
    return _cards(article.related.published().values_list(*CARD_FIELDS))
