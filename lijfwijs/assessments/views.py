"""The Pijntest in the browser: start, one page per topic, and the report."""

from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import get_script_prefix, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lijfwijs.accounts.services import has_health_consent
from lijfwijs.core import hooks
from lijfwijs.core.i18n import current_language, pick
from lijfwijs.core.ratelimit import client_address, hit

from . import access, engine, pages, registry, services
from .models import TOKEN, Response

DRAFT_KEY = "pijntest_draft"
LAST_KEY = "pijntest_last"
REST = "rest"  # ?deel=rest: the rest of a report that a red flag overrides


def _draft(request: HttpRequest) -> Response | None:
    draft_id = request.session.get(DRAFT_KEY)
    if not draft_id:
        return None
    return access.draft_by_id(draft_id, services.PIJNTEST)


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
    try:
        response = access.response_to_show(request, response_id)
    except Http404:
        if request.user.is_authenticated:
            raise  # someone else's, or none: the same 404 either way
        # Perhaps a result kept in an account since (a bookmarked address): sign in, then see
        # it. Any id a visitor may not read gets this answer, so it never tells whether a
        # result exists or is in an account; a signed-in stranger then gets the 404.
        messages.info(request, _("Log in om deze uitslag te bekijken."))
        return redirect_to_login(request.get_full_path(), reverse("accounts:login"))
    if not response.is_completed:
        if request.session.get(DRAFT_KEY) == response.pk:
            return redirect("assessments:start")
        raise Http404("not finished")
    if response.instrument != services.PIJNTEST:
        return render(request, "assessments/result.html", pages.result_context(response))
    context = pages.report_context(response.result)
    context["owned"] = response.user_id is not None
    context["worse"] = pages.worse_context(response)
    context["booking_offer"] = hooks.first("booking_offer", request)
    # what other apps offer after the result (the newsletter's sign-up, "contact me")
    context["panels"] = hooks.panels("report_panel", request, response)
    if not context["owned"]:
        # "Keep this result": signing in from here brings the person back to it, now theirs.
        links = pages.report_words(current_language(), get_script_prefix())
        context["register_url"] = links["register_url"]
        context["login_url"] = (
            f"{links['login_url']}?next={quote(request.get_full_path(), safe='/')}"
        )
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


def _client_only(request: HttpRequest) -> None:
    if not request.user.is_client:
        raise PermissionDenied  # the scales are for a client's own account


@never_cache
@login_required
@require_safe
def scales(request: HttpRequest) -> HttpResponse:
    """The validated scales a client can take from their account."""
    _client_only(request)
    lang = current_language()
    listed = [registry.get(i) for i in services.CLIENT_SCALES]
    return render(
        request,
        "assessments/scales.html",
        {
            "scales": [
                {"id": i.id, "title": pick(i.title, lang), "description": pick(i.description, lang)}
                for i in listed
            ]
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def scale(request: HttpRequest, instrument_id: str) -> HttpResponse:
    """One validated scale on one page; stored in the person's account and shown as a result.

    A crisis answer shows the crisis advice at once: on the result, and above the questions when
    the page comes back with a problem."""
    _client_only(request)
    if instrument_id not in services.CLIENT_SCALES:
        raise Http404("no such scale")
    instrument = registry.get(instrument_id)
    consent = has_health_consent(request.user)
    values: dict = {}
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        if not consent:
            raise PermissionDenied  # nothing is stored without consent for health data
        for section in instrument.sections:
            values.update(services.read_form(section, request.POST))
        outcome = services.submit(
            instrument.id,
            values,
            language=current_language(),
            user=request.user,
            channel=Response.Channel.WEB,
        )
        if outcome.response is not None:
            return redirect(_report_url(outcome.response.pk))
        errors, status = outcome.errors, 422
    clean, _problems = engine.validate(instrument, values, partial=True)
    safety = engine.score(instrument, clean)["safety"] if clean else {}
    context = {
        "instrument_title": pick(instrument.title),
        "description": pick(instrument.description),
        "consent": consent,
        "errors": errors,
        "safety": pages.safety_context(safety, instrument),
        "sections": [
            {
                "title": pick(section.title),
                "intro": pick(section.intro),
                "items": [
                    pages.present_item(
                        i, values.get(i.id), errors.get(i.id, ""), current_language()
                    )
                    for i in section.items
                ],
            }
            for section in instrument.sections
        ],
    }
    return render(request, "assessments/scale.html", context, status=status)
