"""Knowledge base pages: articles by category, and one article with its sources and related reads.

The same for every visitor, so shared: an ETag from the page's bytes and a public max-age
(`core.httpcache`); a signed-in person's pages are never stored.
"""

import functools
from collections.abc import Iterable, Sequence
from html import escape
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext
from django.views.decorators.http import require_safe

from lijfwijs.core import hooks, httpcache
from lijfwijs.core.i18n import current_language

from . import search, statements
from .models import Article, Category


@require_safe
@httpcache.public_for_visitors()
def article_list(request: HttpRequest) -> HttpResponse:
    """Articles by category, or with `?q=` the published articles that match, best first (the page
    per query is as public as the list; `learn.search`). One statement compiled once per process
    either way, read as plain values."""
    context: dict[str, Any] = {
        "links": _links(get_language(), get_script_prefix()),
        "site_url": settings.SITE_URL.rstrip("/"),  # Open Graph's absolute og:url
        "groups": [],
    }
    if "q" not in request.GET:
        context["groups"] = _groups()
        return render(request, "learn/list.html", context)
    query = request.GET.get("q", "")[: search.MAX_QUERY_CHARS]
    context["query"] = query
    context["searched"] = bool(search.words(query))
    if context["searched"]:
        hits = search.search(query)
        context["hits"], context["hit_count"] = _hits(hits), len(hits)
    else:  # empty or only punctuation: the list as it is, with a hint
        context["groups"] = _groups()
    return render(request, "learn/list.html", context)


@require_safe
@httpcache.public_for_visitors()
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """One article with its sources and related reads: two statements compiled once per process
    (`learn.statements`), read as plain values, the words put together here."""
    now = timezone.now()
    found = ARTICLE.rows(now=now, slug=slug)
    if not found:
        raise Http404
    (pk, category, title_nl, title_en, summary_nl, summary_en, html_nl, html_en, minutes,
     sources, practice_name, published_at, cover, widths, alt_nl, alt_en) = found[0]  # fmt: skip
    english = current_language() == "en"
    links = _links(get_language(), get_script_prefix())
    article = {
        "slug": slug,
        "title": (english and title_en) or title_nl,
        "summary": (english and summary_en) or summary_nl,
        "body_html": mark_safe((english and html_en) or html_nl),  # noqa: S308 - nh3-cleaned at save
        "category": Category(category).label,
        "reading": _reading(minutes),
        "practice_name": practice_name,
        "sources": sources,
        "url": links["detail"].replace(_SLUG, slug),
        "published_at": timezone.localtime(published_at).isoformat(),
        "cover": _cover(pk, cover, widths, (english and alt_en) or alt_nl),
    }
    related = RELATED.rows(now=now, pk=pk)
    context = {
        "article": article,
        "related": _cards(related),
        "links": links,
        "site_url": settings.SITE_URL.rstrip("/"),  # Open Graph's absolute og:url (kb)
        # what other apps offer under an article (the newsletter's sign-up); the page is the same
        # for every visitor (HTTP-cached), so a panel holds nothing per person or session. A
        # panel gets the article as the page's plain values (slug, title, summary, category, …).
        "panels": hooks.panels("article_panel", request, article),
    }
    return render(request, "learn/detail.html", context)


ARTICLE_FIELDS = (
    "id",
    "category",
    "title_nl",
    "title_en",
    "summary_nl",
    "summary_en",
    "body_html_nl",
    "body_html_en",
    "reading_minutes",
    "sources",
    "practice__name",
    "published_at",
    "cover",
    "cover_widths",
    "cover_alt_nl",
    "cover_alt_en",
)


def _article_query() -> Any:
    """The published article of a slug, and its practice's name (None for a shipped one)."""
    return (
        Article.objects.published(statements.NOW)
        .filter(slug=statements.SLUG)
        .order_by()
        .values_list(*ARTICLE_FIELDS)
    )


def _related_query() -> Any:
    """The published articles an article links to, as its "read also" cards show them."""
    return Article(pk=statements.PK).related.published(statements.NOW).values_list(*CARD_FIELDS)


ARTICLE = statements.Compiled(
    "article", _article_query, now=statements.MOMENT, slug=statements.A_SLUG
)
RELATED = statements.Compiled("related", _related_query, now=statements.MOMENT, pk=statements.AN_ID)


def _cover(pk: int, cover: str, widths: list[int], alt: str) -> dict[str, Any] | None:
    """The cover's `<picture>`: its `<source>`s (WebP first, then JPEG, each with its srcset),
    the fallback image and its description; None without a cover."""
    if not cover or not widths:
        return None

    def url(width: int, fmt: str) -> str:
        return reverse("learn:cover", kwargs={"pk": pk, "width": width, "fmt": fmt})

    return {
        "sources": [
            {"type": content_type, "srcset": ", ".join(f"{url(w, fmt)} {w}w" for w in widths)}
            for fmt, content_type in (("webp", "image/webp"), ("jpg", "image/jpeg"))
        ],
        "fallback": url(widths[0], "jpg"),
        "alt": alt,
    }


@functools.cache
def _links(language: str, script_prefix: str) -> dict[str, str]:
    """The knowledge base's fixed addresses, reversed once per process, language and script
    prefix (as the layout's `LINKS`); "detail" has _SLUG for the slug."""
    return {
        "list": reverse("learn:list"),
        "feed_atom": reverse("learn:feed_atom"),
        "detail": reverse("learn:detail", kwargs={"slug": _SLUG}),
    }


_SLUG = "slug-of-the-article"


CARD_FIELDS = ("slug", "title_nl", "title_en", "summary_nl", "summary_en", "reading_minutes")


def _reading(minutes: int) -> str:
    return ngettext("%(minutes)s minuut lezen", "%(minutes)s minuten lezen", minutes) % {
        "minutes": minutes
    }


def _cards(rows: Iterable[Sequence[Any]]) -> SafeString:
    """The `<li>` cards (title with its link, summary, reading time) of rows of CARD_FIELDS,
    written here as escaped markup in one pass (as the practice log's rows): one template node
    per list instead of four per card; one reverse for all, and the reading time's words
    translated once per length."""
    return _card_lists([rows])[0]


def _card_lists(lists: list[Iterable[Sequence[Any]]]) -> list[SafeString]:
    """`_cards` of several lists of rows, with the language, the address and the reading times'
    words looked up once for all."""
    english = current_language() == "en"
    url = _links(get_language(), get_script_prefix())["detail"]
    reading: dict[int, str] = {}
    return [_card_items(rows, english, url, reading) for rows in lists]


def _card_items(
    rows: Iterable[Sequence[Any]], english: bool, url: str, reading: dict[int, str]
) -> SafeString:
    items = []
    for slug, title_nl, title_en, summary_nl, summary_en, minutes in rows:
        if minutes not in reading:
            reading[minutes] = escape(_reading(minutes))
        items.append(
            f'<li class="card card-link"><h3><a href="{escape(url.replace(_SLUG, slug))}">'
            f"{escape((english and title_en) or title_nl)}</a></h3>"
            f"<p>{escape((english and summary_en) or summary_nl)}</p>"
            f'<p class="muted">{reading[minutes]}</p></li>'
        )
    return mark_safe("\n".join(items))  # noqa: S308 - every value escaped above


def _groups() -> list[tuple[str, str, SafeString]]:
    """(category, label, cards) of the published articles in the order of Category, leaving out
    empty categories: one statement of plain values."""
    by_category: dict[str, list[Sequence[Any]]] = {}
    for category, *row in LIST.rows(now=timezone.now()):
        by_category.setdefault(category, []).append(row)
    shown = [category for category in Category if category.value in by_category]
    cards = _card_lists([by_category[category.value] for category in shown])
    return [
        (category.value, category.label, markup)
        for category, markup in zip(shown, cards, strict=True)
    ]


def _list_query() -> Any:
    return Article.objects.published(statements.NOW).values_list("category", *CARD_FIELDS)


LIST = statements.Compiled("list", _list_query, now=statements.MOMENT)


def _hits(hits: list[search.Hit]) -> SafeString:
    """The search's hits as `<li>` cards (title with its link, the summary's matching part,
    category and reading time), escaped markup as `_cards`; the words translated once per
    length and category."""
    url = _links(get_language(), get_script_prefix())["detail"]
    reading: dict[int, str] = {}
    labels: dict[str, str] = {}
    items = []
    for hit in hits:
        if hit.reading_minutes not in reading:
            reading[hit.reading_minutes] = escape(_reading(hit.reading_minutes))
        if hit.category not in labels:
            labels[hit.category] = escape(str(Category(hit.category).label))
        items.append(
            f'<li class="card card-link"><h3><a href="{escape(url.replace(_SLUG, hit.slug))}">'
            f"{escape(hit.title)}</a></h3><p>{hit.summary}</p>"  # the summary is escaped markup
            f'<p class="muted"><span class="tag">{labels[hit.category]}</span>'
            f" {reading[hit.reading_minutes]}</p></li>"
        )
    return mark_safe("\n".join(items))  # noqa: S308 - every value escaped (search._marked)
