"""Bench URLs: the site's own, plus the reference page the pages are measured against."""

from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_safe

from lijfwijs.diary.models import Tag
from lijfwijs.urls import handler404, handler500
from lijfwijs.urls import urlpatterns as site_urlpatterns


@require_safe
def reference(request):
    """A plain Django page: 20 rows read with one query, rendered in a small template."""
    rows = list(Tag.objects.order_by("pk").values("pk", "name_nl", "name_en")[:20])
    return render(request, "bench_reference.html", {"rows": rows})


urlpatterns = [path("bench/reference/", reference, name="bench_reference"), *site_urlpatterns]
__all__ = ["handler404", "handler500", "urlpatterns"]
