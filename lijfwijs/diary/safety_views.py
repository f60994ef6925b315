"""The flare-up notice's safety questions: a small form, and the advice its answer routes to."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from lijfwijs.accounts.services import has_health_consent

from . import safety
from .models import SafetyCheck


def _result(request: HttpRequest, level: str, flags: list[str]) -> HttpResponse:
    context = {"safety": safety.advice(level, flags), "net": safety.safety_net_line()}
    return render(request, "diary/safety_result.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def safety_check(request: HttpRequest) -> HttpResponse:
    """Asked again from the flare-up notice. The advice never waits for a consent: without the
    health-data consent the answer is shown but not kept (and alerts nobody)."""
    form = safety.SafetyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        flags = form.flags()
        if not has_health_consent(request.user):
            return _result(request, safety.level_of(flags), flags)
        check = safety.record(request.user, flags)
        return redirect("diary:safety_result", check_id=check.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "diary/safety_check.html", {"form": form}, status=status)


@login_required
@require_safe
def safety_result(request: HttpRequest, check_id: int) -> HttpResponse:
    """One's own answer only (anyone else: 404)."""
    check = SafetyCheck.objects.filter(user=request.user, pk=check_id).first()
    if check is None:
        raise Http404("no such answer")
    return _result(request, check.level, check.flags)
