"""The Pijntest in the browser: start, one page per topic, and the report."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lijfwijs.core.i18n import current_language
from lijfwijs.core.ratelimit import client_address, hit

from . import access, pages, services
from .models import TOKEN, Response

DRAFT_KEY = "pijntest_draft"
LAST_KEY = "pijntest_last"
REST = "rest"  # ?deel=rest: the rest of a report that a red flag overrides


def _draft(request: HttpRequest) -> Response | None:
    draft_id = request.session.get(DRAFT_KEY)
    if not draft_id:
        return None
    try:
        return Response.objects.get(pk=draft_id, instrument=services.PIJNTEST)
    except Response.DoesNotExist:
        return None


def _report_url(response_id: str) -> str:
    return reverse("assessments:report", kwargs={"response_id": response_id})


@never_cache
@require_safe
def start(request: HttpRequest) -> HttpResponse:
    draft = _draft(request)
    resume = None
    if draft and not draft.is_completed:
        resume = services.first_open_section(draft.definition(), draft.answers)
    return render(
        request, "assessments/start.html", {"resume": resume, "last": request.session.get(LAST_KEY)}
    )


@require_POST
def begin(request: HttpRequest) -> HttpResponse:
    draft = _draft(request)
    if draft and not draft.is_completed and request.POST.get("restart") != "1":
        section = services.first_open_section(draft.definition(), draft.answers)
        return redirect("assessments:page", section_id=section.id)
    if not hit(
        "pijntest-start",
        client_address(request),
        settings.PIJNTEST_RATE_LIMIT,
        settings.PIJNTEST_RATE_WINDOW,
    ):
        return render(request, "assessments/too_many.html", status=429)
    draft = services.start_draft(services.PIJNTEST, current_language(), request.user)
    request.session[DRAFT_KEY] = draft.pk
    return redirect("assessments:page", section_id=draft.definition().sections[0].id)


@never_cache
@require_http_methods(["GET", "POST"])
def page(request: HttpRequest, section_id: str) -> HttpResponse:
    draft = _draft(request)
    if draft is None:
        return redirect("assessments:start")
    if draft.is_completed:
        return redirect(_report_url(draft.pk))
    instrument = draft.definition()
    section = services.section_by_id(instrument, section_id)
    if section is None:
        raise Http404("no such page")
    previous, following = services.neighbours(instrument, section)
    values, errors, status = dict(draft.answers), {}, 200

    if request.method == "POST":
        action = request.POST.get("action", "next")
        if action == "back":
            services.save_page(draft, section, request.POST, strict=False)
            return redirect("assessments:page", section_id=previous or section.id)
        if action == "skip" and section.skippable:
            services.skip_page(draft, section)
            return _forward(request, draft, following)
        outcome = services.save_page(draft, section, request.POST, strict=True)
        if outcome.ok:
            return _forward(request, draft, following)
        values, errors, status = outcome.entered, outcome.errors, 422

    context = pages.page_context(instrument, section, values, errors)
    context["safety"] = pages.safety_context(services.safety_preview(draft), instrument)
    return render(request, "assessments/page.html", context, status=status)


def _forward(request: HttpRequest, draft: Response, following: str | None) -> HttpResponseRedirect:
    if following:
        return redirect("assessments:page", section_id=following)
    done, _problems = services.complete(draft)
    if not done:
        section = services.first_open_section(draft.definition(), draft.answers)
        return redirect("assessments:page", section_id=section.id)
    request.session.pop(DRAFT_KEY, None)
    request.session[LAST_KEY] = draft.pk
    return redirect(_report_url(draft.pk))


@never_cache
@require_safe
def report(request: HttpRequest, response_id: str) -> HttpResponse:
    """A result, to whoever holds its id (anonymous) or to its owner. It is health data: never
    stored by a browser or proxy (`never_cache` says private, no-store)."""
    if not TOKEN.fullmatch(response_id):
        raise Http404("no such response")
    response = access.response_for(request, response_id)
    if not response.is_completed:
        if request.session.get(DRAFT_KEY) == response.pk:
            return redirect("assessments:start")
        raise Http404("not finished")
    if response.instrument != services.PIJNTEST:
        return render(request, "assessments/result.html", pages.result_context(response))
    context = pages.report_context(response.result)
    context["owned"] = response.user_id is not None
    context["worse"] = pages.worse_context(response)
    if context["overridden"] and request.GET.get("deel") != REST:
        # A red flag comes first and alone: the advice, what to do now, one link to the rest.
        context["rest_url"] = f"{_report_url(response.pk)}?deel={REST}"
        return render(request, "assessments/report_override.html", context)
    return render(request, "assessments/report.html", context)


@login_required
@require_safe
def my_results(request: HttpRequest) -> HttpResponse:
    results = list(
        access.visible_responses(request)
        .completed()
        .filter(instrument=services.PIJNTEST)
        .order_by("-completed_at")
    )
    return render(request, "assessments/my_results.html", {"results": results})


@login_required
@require_safe
def compare(request: HttpRequest) -> HttpResponse:
    """Two of one's own results side by side: domains overlaid, PEG change against ~1 point."""
    own = access.visible_responses(request).completed().filter(instrument=services.PIJNTEST)
    chosen = {
        r.pk: r for r in own.filter(pk__in=[request.GET.get("a", ""), request.GET.get("b", "")])
    }
    first, second = chosen.get(request.GET.get("a", "")), chosen.get(request.GET.get("b", ""))
    if first is None or second is None or first.pk == second.pk:
        messages.error(request, _("Kies twee verschillende uitslagen om te vergelijken."))
        return redirect("assessments:mine")
    if first.completed_at > second.completed_at:
        first, second = second, first
    context = pages.compare_context(first, second)
    return render(request, "assessments/compare.html", context)
