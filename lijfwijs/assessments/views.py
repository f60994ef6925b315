"""The Pijntest in the browser: start, one page per topic, and the report."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lijfwijs.core.i18n import current_language
from lijfwijs.core.ratelimit import client_address, hit

from . import access, pages, services
from .models import TOKEN, Response, report_cache_key

DRAFT_KEY = "pijntest_draft"
LAST_KEY = "pijntest_last"
REPORT_CACHE_SECONDS = 60 * 60 * 24


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
    if request.method == "GET" and _plain_visitor(request):
        return _page_from_shell(request, instrument, section, draft)
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
    context["safety"] = pages.safety_context(services.safety_preview(draft))
    return render(request, "assessments/page.html", context, status=status)


# Marks in a cached page shell, filled in per request (\x00…\x00 marks belong to the options).
CSRF_MARK, SAFETY_MARK = "\x01csrf\x01", "\x01safety\x01"
_PAGE_SHELLS: dict[tuple[str, str, str, str], str] = {}


def _plain_visitor(request: HttpRequest) -> bool:
    """Not signed in and no message waiting: the page around the questions is the same for all."""
    if "messages" in request.COOKIES or "_messages" in request.session:
        return False
    return not (request.session.get("_auth_user_id"))


def _page_from_shell(
    request: HttpRequest, instrument: Any, section: Any, draft: Response
) -> HttpResponse:
    """A question page for a visitor: the whole page is rendered once per page and language; the
    checked answers, the CSRF token and (rarely) the safety panel are filled in per request."""
    key = (instrument.id, instrument.version, section.id, current_language())
    shell = _PAGE_SHELLS.get(key)
    if shell is None:
        context = pages.page_context(instrument, section, {}, {}, fill=False)
        context.update(safety={}, csrf_token=CSRF_MARK, safety_mark=SAFETY_MARK)
        shell = _PAGE_SHELLS[key] = render_to_string("assessments/page.html", context, request)
    safety = pages.safety_context(services.safety_preview(draft))
    panel = (
        render_to_string("assessments/_safety_panel.html", {"safety": safety})
        if safety["prominent"]
        else ""
    )
    html = pages.fill_marks(shell, pages.checked_ids(section, draft.answers))
    return HttpResponse(html.replace(CSRF_MARK, get_token(request)).replace(SAFETY_MARK, panel))


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
    if not TOKEN.fullmatch(response_id):
        raise Http404("no such response")
    lang = current_language()
    signed_in = bool(request.session.session_key) and request.user.is_authenticated
    # A scored result never changes: its body is rendered once per language. For a visitor who is
    # not signed in, an anonymous result's whole page is served from the cache with no query at all;
    # a result tied to an account is shown only to that account.
    key = report_cache_key(response_id, lang)
    cached = cache.get(key)
    if cached is not None and cached["owner"] is None and not signed_in and cached["page"]:
        return HttpResponse(cached["page"])
    if cached is not None and (
        cached["owner"] is None or (signed_in and cached["owner"] == request.user.pk)
    ):
        owner, body = cached["owner"], cached["body"]
    else:
        response = access.response_for(request, response_id)
        if not response.is_completed:
            if request.session.get(DRAFT_KEY) == response.pk:
                return redirect("assessments:start")
            raise Http404("not finished")
        owner = response.user_id
        context = pages.report_context(response.result)
        context["owned"] = owner is not None
        body = render_to_string("assessments/_report_body.html", context)
    page = render(request, "assessments/report.html", {"body": body})
    shared_page = page.content if owner is None and not signed_in else b""
    if cached is None or (shared_page and not cached["page"]):
        cache.set(
            key, {"owner": owner, "body": body, "page": shared_page}, timeout=REPORT_CACHE_SECONDS
        )
    return page


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
