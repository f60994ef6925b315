"""Knowledge base pages: articles by category, and one article with its sources and related reads.

The same for every visitor, so shared: an ETag from the page's bytes and a public max-age
(`core.httpcache`); a signed-in person's pages are never stored.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from lijfwijs.core import hooks, httpcache
from lijfwijs.core.i18n import current_language

from . import search
from .models import Article

# What a list of articles shows; the bodies stay in the database.
LISTED_FIELDS = (
    "slug",
    "category",
    "title_nl",
    "title_en",
    "summary_nl",
    "summary_en",
    "reading_minutes",
    "sort_order",
)


@require_safe
@httpcache.public_for_visitors()
def article_list(request: HttpRequest) -> HttpResponse:
    """Articles by category, or with `?q=` the published articles that match, best first (the page
    per query is as public as the list; `learn.search`)."""
    published = Article.objects.published().only(*LISTED_FIELDS)
    site_url = settings.SITE_URL.rstrip("/")  # Open Graph's absolute og:url
    if "q" not in request.GET:
        context = {"groups": published.grouped_by_category(), "site_url": site_url}
        return render(request, "learn/list.html", context)
    query = request.GET.get("q", "")[: search.MAX_QUERY_CHARS]
    context = {
        "site_url": site_url,
        "query": query,
        "searched": bool(search.words(query)),
        "hits": search.search(query, published),
        "groups": [],
    }
    if not context["searched"]:  # empty or only punctuation: the list as it is, with a hint
        context["groups"] = published.grouped_by_category()
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


def _related(article: Article) -> list[dict[str, str]]:
    """The published articles this one links to, as the "read also" cards show them: plain values
    in one query (no model instances, no prefetch), with one reverse for the page and the
    reading time's words translated once per length."""
    english = current_language() == "en"
    url = reverse("learn:detail", kwargs={"slug": _SLUG})
    reading: dict[int, str] = {}
    cards = []
    rows = article.related.published().values_list(
        "slug", "title_nl", "title_en", "summary_nl", "summary_en", "reading_minutes"
    )
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
