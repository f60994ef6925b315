"""An article's cover image, at one of its widths as WebP or JPEG (`/kennisbank/beeld/…`).

A published article's cover is as public as its page; a draft's or a scheduled article's only for
the writers of its practice (the editor shows it), and then never stored by a cache.
"""

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from . import services
from .models import Article

PUBLIC_MAX_AGE = 60 * 60 * 24 * 30  # the file's name changes with every new image


@require_safe
def cover(request: HttpRequest, pk: int, width: int, fmt: str) -> HttpResponse:
    article = Article.objects.filter(pk=pk).only("pk", "practice_id", "cover", "cover_widths")
    article = article.first()
    if article is None:
        raise Http404("no such article")
    public = Article.objects.published().filter(pk=pk).exists()
    if not public and not _writer_of(request, article):
        raise Http404("no such article")
    found = services.cover_file(article, width, fmt)
    if found is None:
        raise Http404("no such image")
    file, content_type = found
    response = FileResponse(file, content_type=content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    if public and not request.user.is_authenticated:
        response["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}"
    return response


def _writer_of(request: HttpRequest, article: Article) -> bool:
    user = request.user
    if not user.is_authenticated or not (user.is_practitioner or user.is_assistant):
        return False
    membership = user.membership
    return (
        membership is not None
        and membership.practice_id == article.practice_id
        and services.may_write(membership)
    )
