"""Knowledge base pages: articles by category, and one article with its sources and related reads.

The same for every visitor, so shared: an ETag from the page's bytes and a public max-age
(`core.httpcache`); a signed-in person's pages are never stored.
"""

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from lijfwijs.core import httpcache

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
    groups = Article.objects.published().only(*LISTED_FIELDS).grouped_by_category()
    return render(request, "learn/list.html", {"groups": groups})


@require_safe
@httpcache.public_for_visitors()
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    related = Prefetch("related", queryset=Article.objects.published().only(*LISTED_FIELDS))
    article = get_object_or_404(Article.objects.published().prefetch_related(related), slug=slug)
    return render(request, "learn/detail.html", {"article": article})
