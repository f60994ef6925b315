"""Where a practice writes its articles (`/praktijk/artikelen/…`): the owner, and practitioners
the owner allowed (`Membership.may_write_articles`); everyone else 403. Another practice's
article is a 404. Every write goes through `services`.

The editor is the shared Markdown editor (core/_markdown_editor.html + core/editor.js) with this
app's preview URL; without JavaScript the "Voorbeeld" button shows the same preview.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lijfwijs.accounts.access import member_required
from lijfwijs.accounts.models import Practice
from lijfwijs.core import markdown

from . import services
from .forms import ACTIONS, MAX_BODY, ArticleForm, initial_for
from .models import Article, HiddenArticle

LIST_LIMIT = 300


def writer_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The practice's owner or a practitioner allowed to write articles, or 403."""

    @member_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not services.may_write(request.membership):  # type: ignore[attr-defined]
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _practice(request: HttpRequest) -> Any:
    return request.membership.practice  # type: ignore[attr-defined]


def _article(request: HttpRequest, article_id: int) -> Article:
    article = Article.objects.filter(practice=_practice(request), pk=article_id).first()
    if article is None:
        raise Http404("no such article")
    return article


@never_cache
@writer_required
@require_safe
def article_list(request: HttpRequest) -> HttpResponse:
    practice = _practice(request)
    own = list(
        Article.objects.filter(practice=practice)
        .select_related("author")
        .only("pk", "slug", "title_nl", "status", "published_at", "updated_at", "author__email")
        .order_by("-updated_at")[:LIST_LIMIT]
    )
    hidden = set(
        HiddenArticle.objects.filter(practice=practice).values_list("article_id", flat=True)
    )
    shipped = [
        (article, article.pk in hidden)
        for article in Article.objects.filter(practice=None, is_published=True).only(
            "pk", "slug", "title_nl", "category"
        )
    ]
    context = {
        "own": own,
        "shipped": shipped,
        "is_owner": request.membership.is_owner,  # type: ignore[attr-defined]
        # hiding reaches the public pages only while this is the installation's one practice
        "hiding_is_public": not Practice.objects.exclude(pk=practice.pk).exists(),
        "time_zone": practice.time_zone,
    }
    return render(request, "learn/workspace/list.html", context)


def _related_choices(practice: Any) -> Any:
    """What an article may point to: the shipped articles and the practice's own."""
    return (
        Article.objects.filter(Q(practice=None) | Q(practice=practice))
        .filter(is_published=True)
        .only("pk", "title_nl")
        .order_by("title_nl")
    )


def _form(request: HttpRequest, article: Article | None, **kwargs: Any) -> ArticleForm:
    practice = _practice(request)
    return ArticleForm(
        article=article,
        related_choices=_related_choices(practice),
        time_zone=practice.time_zone,
        **kwargs,
    )


def _editor(
    request: HttpRequest, form: ArticleForm, article: Article | None, status: int = 200
) -> HttpResponse:
    if form.is_bound:
        body = form.data.get("body_nl", "")
    else:
        body = form.initial.get("body_nl", "")
    context = {
        "form": form,
        "article": article,
        "preview": markdown.render(str(body)[:MAX_BODY]),
        "time_zone": _practice(request).time_zone,
    }
    return render(request, "learn/workspace/edit.html", context, status=status)


def _submit(request: HttpRequest, article: Article | None) -> HttpResponse:
    action = request.POST.get("action", "draft")
    if action not in ACTIONS:
        action = "draft"
    form = _form(request, article, data=request.POST, files=request.FILES, action=action)
    if action == "preview":
        form.is_valid()  # the errors show beside the fields; nothing is kept
        return _editor(request, form, article)
    if not form.is_valid():
        return _editor(request, form, article, status=422)
    data = form.cleaned_data
    saved = services.save_article(
        _practice(request),
        request.user,  # type: ignore[arg-type]
        article,
        form.texts(),
        action=action,
        publish_at=data.get("publish_at"),
        related=list(data["related"]),
        cover=form.cover,
        remove_cover=data.get("remove_cover", False),
        cover_alt_nl=data["cover_alt_nl"],
        cover_alt_en=data["cover_alt_en"],
    )
    messages.success(
        request,
        {
            "draft": _("Het artikel is bewaard als concept."),
            "schedule": _("Het artikel is ingepland."),
            "publish": _("Het artikel staat in de kennisbank."),
            "unpublish": _(
                "Het artikel staat niet meer in de kennisbank; het is weer een concept."
            ),
        }[action],
    )
    return redirect("articles_edit", article_id=saved.pk)


@never_cache
@writer_required
@require_http_methods(["GET", "HEAD", "POST"])
def article_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _submit(request, None)
    return _editor(request, _form(request, None), None)


@never_cache
@writer_required
@require_http_methods(["GET", "HEAD", "POST"])
def article_edit(request: HttpRequest, article_id: int) -> HttpResponse:
    article = _article(request, article_id)
    if request.method == "POST":
        return _submit(request, article)
    initial = initial_for(article, _practice(request).time_zone)
    return _editor(request, _form(request, article, initial=initial), article)


@never_cache
@writer_required
@require_POST
def article_preview(request: HttpRequest) -> HttpResponse:
    """The editor's live preview: the posted Markdown (`source`) as sanitised HTML."""
    source = request.POST.get("source", "")[:MAX_BODY]
    return HttpResponse(markdown.render(source), content_type="text/html; charset=utf-8")


@never_cache
@writer_required
@require_safe
def article_revisions(request: HttpRequest, article_id: int) -> HttpResponse:
    article = _article(request, article_id)
    revisions = list(
        article.revisions.select_related("author").only(
            "pk", "number", "title_nl", "created_at", "author__email", "article_id"
        )
    )
    context = {
        "article": article,
        "revisions": revisions,
        "time_zone": _practice(request).time_zone,
    }
    return render(request, "learn/workspace/revisions.html", context)


@never_cache
@writer_required
@require_POST
def article_restore(request: HttpRequest, article_id: int, number: int) -> HttpResponse:
    article = _article(request, article_id)
    revision = article.revisions.filter(number=number).first()
    if revision is None:
        raise Http404("no such revision")
    services.restore(article, revision, request.user)  # type: ignore[arg-type]
    messages.success(
        request,
        _("Versie %(number)s is teruggezet, als nieuwe versie.") % {"number": number},
    )
    return redirect("articles_edit", article_id=article.pk)


@never_cache
@member_required(owner=True)
@require_POST
def shipped_visibility(request: HttpRequest, article_id: int) -> HttpResponse:
    """Hide a shipped article from the knowledge base, or show it again (the owner)."""
    article = Article.objects.filter(practice=None, pk=article_id).first()
    if article is None:
        raise Http404("no such shipped article")
    if request.POST.get("action") == "show":
        services.show(_practice(request), article)
        messages.success(request, _("Het artikel staat weer in de kennisbank."))
    else:
        services.hide(_practice(request), article, request.user)  # type: ignore[arg-type]
        messages.success(request, _("Het artikel staat niet meer in de kennisbank."))
    return redirect("articles_list")


urlpatterns = [
    path("praktijk/artikelen/", article_list, name="articles_list"),
    path("praktijk/artikelen/nieuw/", article_new, name="articles_new"),
    path("praktijk/artikelen/voorbeeld/", article_preview, name="articles_preview"),
    path("praktijk/artikelen/<int:article_id>/", article_edit, name="articles_edit"),
    path(
        "praktijk/artikelen/<int:article_id>/versies/",
        article_revisions,
        name="articles_revisions",
    ),
    path(
        "praktijk/artikelen/<int:article_id>/versies/<int:number>/terugzetten/",
        article_restore,
        name="articles_restore",
    ),
    path(
        "praktijk/artikelen/meegeleverd/<int:article_id>/zichtbaarheid/",
        shipped_visibility,
        name="articles_visibility",
    ),
]
