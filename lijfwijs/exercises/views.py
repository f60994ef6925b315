"""Exercise pages: the catalog grouped by kind, and one exercise's instructions."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from .models import Exercise


@require_safe
def exercise_list(request: HttpRequest) -> HttpResponse:
    groups = Exercise.objects.active().grouped_by_kind()
    return render(request, "exercises/list.html", {"groups": groups})


@require_safe
def exercise_detail(request: HttpRequest, slug: str) -> HttpResponse:
    exercise = get_object_or_404(Exercise.objects.active(), slug=slug)
    return render(request, "exercises/detail.html", {"exercise": exercise})
