"""The 5-step program's pages: the overview, one step, going on, the setback plan; the home panel.

Whether a client may go on is decided by `program.advance_status` alone (through the services);
these views read the request, ask the services and render. Writing needs the health-data consent.
"""

from functools import cache
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import get_script_prefix, reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lijfwijs.accounts.services import has_health_consent
from lijfwijs.core import hooks
from lijfwijs.core.httpcache import public_for_visitors
from lijfwijs.core.i18n import current_language, pick
from lijfwijs.exercises import calm
from lijfwijs.exercises.models import Exercise

from . import program, services
from .forms import ReflectionForm, SetbackPlanForm, missing_texts


def _step_or_404(number: int) -> program.Step:
    if not 1 <= number <= program.LAST_STEP:
        raise Http404("no such step")
    return program.step(number)


def _titles(step: program.Step, lang: str) -> dict[str, Any]:
    return {
        "number": step.number,
        "name": pick(step.name, lang),
        "goal": pick(step.goal, lang),
        "lesson_titles": [pick(lesson.title, lang) for lesson in step.lessons],
    }


@cache
def _links(language: str, script_prefix: str) -> dict[str, Any]:
    """The program's addresses in a language: each step's, the overview's and the setback
    plan's. They depend only on the URLconf, the language and the script prefix, so each process
    reverses them once (as the layout's LINKS). Addresses, not HTML."""
    return {
        "steps": tuple(
            reverse("program:step", kwargs={"number": n}) for n in range(1, program.LAST_STEP + 1)
        ),
        "overview": reverse("program:overview"),
        "setback_plan": reverse("program:setback_plan"),
    }


def links() -> dict[str, Any]:
    return _links(get_language() or "", get_script_prefix())


def state_label(state: str) -> str:
    """What `program/_state.html` says of a step's state (the same msgids)."""
    if state == program.DONE:
        return _("Afgerond")
    if state == program.CURRENT:
        return _("Hier ben je nu")
    if state == program.LOCKED:
        return _("Nog niet open")
    return _("Open om te lezen")


def _progress(state: services.ProgramState | None) -> dict[str, Any] | None:
    """The current step's progress as the templates show it."""
    if state is None:
        return None
    status = state.status
    return {
        "status": status,
        "held": state.override == program.HOLD,
        "unlocked": state.override == program.UNLOCK,
        "last": "last" in status.missing,
        "missing": list(missing_texts(status).values()),
        "setback_plan_open": state.setback_plan_open,
    }


def _filled(translated: str, **values: Any) -> SafeString:
    """A translated sentence with its values put in as `{% blocktranslate %}` does: the values
    escaped, the sentence itself as translated."""
    return mark_safe(translated % {k: escape(v) for k, v in values.items()})  # noqa: S308


def progress_markup(progress: dict[str, Any], progress_id: str = "") -> SafeString:
    """`program/_progress.html` written in one pass, for the start page's panel and the overview
    (an include, two blocktranslates and localized numbers cost the panel half its time); the
    step page still includes the template, and a test holds the two to the same markup."""
    status = progress["status"]
    done, required = status.days_done, status.required_days
    if status.reflection_done:
        reflection = _("Reflectie: beantwoord.")
    else:
        reflection = _("Reflectie: %(answered)s van %(total)s vragen beantwoord.") % {
            "answered": len(status.answered),
            "total": len(status.prompts),
        }
    note = ""
    if progress["held"]:
        note = f"<p>{_('Je behandelaar vraagt je om nog even in deze stap te blijven.')}</p>"
    elif progress["unlocked"]:
        note = f"<p>{_('Je behandelaar heeft de volgende stap alvast voor je geopend.')}</p>"
    end = ""
    if status.may_advance:
        end = f"<p><strong>{_('Je kunt door naar de volgende stap.')}</strong></p>"
    elif progress["last"]:
        end = (
            "<p>"
            + _(
                "Dit is de laatste stap. Blijf oefenen op je eigen manier en houd je terugvalplan bij de hand."
            )
            + "</p>"
        )
    days = _("Dagen met oefening in deze stap: %(done)s van %(required)s") % {
        "done": done,
        "required": required,
    }
    pid = escape(progress_id or "program-days")
    return mark_safe(  # noqa: S308 - our own words (as the template's) and numbers; the id escaped
        '<div class="progress program-progress">\n'
        f'  <label for="{pid}">{days}</label>\n'
        f'  <progress id="{pid}" max="{required}" value="{done}">{done}/{required}</progress>\n'
        f"  <p>{reflection}</p>\n"
        f"  {note}\n"
        f"  {end}\n"
        "</div>\n"
    )


def _practitioner_messages(
    user: Any, state: services.ProgramState | None, number: int
) -> list[Any]:
    """What the client's practitioners wrote with the steps they opened (another app's
    `program_messages` hook): about step `number`, and from the current step about the next."""
    if state is None:
        return []
    steps = [number, number + 1] if number == state.current_step else [number]
    return [m for found in hooks.functions("program_messages") for m in found(user, steps)]


def _needs_consent(request: HttpRequest) -> bool:
    return bool(getattr(request.user, "is_client", False)) and not has_health_consent(request.user)


def _consent_redirect(request: HttpRequest) -> HttpResponse:
    messages.info(
        request,
        _("Om het programma te volgen, is je toestemming voor gezondheidsgegevens nodig."),
    )
    return redirect("accounts:health_consent")


@require_safe
@public_for_visitors()
def overview(request: HttpRequest) -> HttpResponse:
    """The five steps; for a client their place in it (started on the first visit)."""
    lang = current_language()
    user = request.user
    state = services.program_state(user) if user.is_authenticated else None
    urls = links()["steps"]
    progress = _progress(state)
    steps = []
    for step in program.steps():
        row = _titles(step, lang)
        n = step.number
        row["url"] = urls[step.number - 1]
        row["heading"] = _filled(_("Stap %(number)s: %(name)s"), number=n, name=row["name"])
        row["state"] = state.state_of(step.number) if state else ""
        row["state_label"] = state_label(row["state"]) if row["state"] else ""
        steps.append(row)
    context = {
        "steps": steps,
        "state": state,
        "progress": progress,
        "progress_html": progress_markup(progress) if progress else "",
        "current": steps[state.current_step - 1] if state else None,
        "current_words": _current_words(steps[state.current_step - 1]) if state else None,
        "practitioner_messages": _practitioner_messages(
            user, state, state.current_step if state else 0
        ),
        "needs_consent": state is None and _needs_consent(request),
        "signed_in": user.is_authenticated,
        "program_links": links(),
    }
    return render(request, "program/overview.html", context)


def _current_words(row: dict[str, Any]) -> dict[str, SafeString]:
    """The overview's heading and button for the current step (the template's msgids)."""
    return {
        "heading": _filled(
            _("Je bent in stap %(number)s: %(name)s"), number=row["number"], name=row["name"]
        ),
        "go": _filled(_("Naar stap %(number)s"), number=row["number"]),
    }


def _step_content(step: program.Step, lang: str) -> dict[str, Any]:
    """Goal, lessons and exercises of a step (the same for everyone)."""
    found = {e.slug: e for e in Exercise.objects.active().filter(slug__in=step.exercises)}
    return {
        "lessons": [
            {"key": lesson.key, "title": pick(lesson.title, lang), "body": lesson.body[lang]}
            for lesson in step.lessons
        ],
        "exercises": [found[slug] for slug in step.exercises if slug in found],
    }


@require_http_methods(["GET", "POST"])
@public_for_visitors()
def step_page(request: HttpRequest, number: int) -> HttpResponse:
    """A step: goal, lessons, exercises; for a client in the program also the private reflection
    and the way on. A step not reached yet shows its goal and what opens it."""
    step = _step_or_404(number)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not has_health_consent(request.user):
            return _consent_redirect(request)
    state = services.program_state(request.user) if request.user.is_authenticated else None
    step_state = state.state_of(number) if state else ""
    context: dict[str, Any] = {
        "step": _titles(step, current_language()),
        "state": state,
        "step_state": step_state,
        "progress": _progress(state),
        "is_last": number == program.LAST_STEP,
        "setback_plan": step.setback_plan,
        "needs_consent": state is None and _needs_consent(request),
        "practitioner_messages": _practitioner_messages(request.user, state, number),
    }
    if step_state != program.LOCKED:
        context.update(_step_content(step, current_language()))
    status = 200
    if state is not None and step_state != program.LOCKED:
        if request.method == "POST":
            form = ReflectionForm(step, request.POST)
            if form.is_valid():
                for prompt in step.prompts:
                    services.save_reflection(
                        request.user, number, prompt.key, form.cleaned_data[prompt.key]
                    )
                messages.success(request, _("Je reflectie is bewaard."))
                return redirect("program:step", number=number)
            status = 422
        else:
            form = ReflectionForm(step, initial=services.reflections_for(request.user, number))
        context["form"] = form
    elif request.method == "POST":
        raise PermissionDenied("this step is not open (or the program is not for this account)")
    return render(request, "program/step.html", context, status=status)


@login_required
@require_POST
def advance(request: HttpRequest, number: int) -> HttpResponse:
    """Go on from step `number` when the rule allows it. A repeat (double click, second tab)
    lands on the same next step: the step moves once."""
    _step_or_404(number)
    if not has_health_consent(request.user):
        return _consent_redirect(request)
    state = services.program_state(request.user)
    if state is None:
        raise PermissionDenied("the program is for clients")
    if services.advance(request.user, number):
        new = program.step(number + 1)
        messages.success(
            request,
            _("Welkom in stap %(number)s: %(name)s.")
            % {"number": new.number, "name": pick(new.name)},
        )
        return redirect("program:step", number=number + 1)
    state = services.program_state(request.user)
    if state is not None and state.current_step > number:
        return redirect("program:step", number=state.current_step)
    if state is not None and state.current_step == number:
        for text in missing_texts(state.status).values():
            messages.info(request, text)
    return redirect("program:step", number=number)


@login_required
@require_http_methods(["GET", "POST"])
def setback_plan(request: HttpRequest) -> HttpResponse:
    """The client's own plan for a flare-up, taught in step 5 but open at every step: the
    diary's flare-up notice offers it whenever pain flares. Its exercises prefilled from what
    calmed them most while the plan has none."""
    if request.method == "POST" and not has_health_consent(request.user):
        return _consent_redirect(request)
    state = services.program_state(request.user)
    is_open = state is not None  # anyone in the program, at any step
    context: dict[str, Any] = {
        "state": state,
        "is_open": is_open,
        "plan_step": _titles(program.step(program.setback_plan_step()), current_language()),
        "needs_consent": state is None and _needs_consent(request),
    }
    status = 200
    if not is_open:
        if request.method == "POST":
            raise PermissionDenied("the setback plan needs a place in the program")
        return render(request, "program/setback_plan.html", context)
    if request.method == "POST":
        form = SetbackPlanForm(request.POST)
        if form.is_valid():
            services.save_setback_plan(request.user, form.cleaned_data)
            messages.success(request, _("Je terugvalplan is bewaard."))
            return redirect("program:setback_plan")
        status = 422
    else:
        plan = services.setback_plan_for(request.user)
        initial = {name: getattr(plan, name, "") for name in services.SETBACK_FIELDS}
        if not initial["helpful_exercises"]:
            initial["helpful_exercises"] = calm.prefilled_helpful(request.user)
        context["prefilled"] = not (plan and plan.helpful_exercises)
        form = SetbackPlanForm(initial=initial)
    context["form"] = form
    return render(request, "program/setback_plan.html", context, status=status)


def home_panel(request: Any) -> tuple[str, dict[str, Any]] | None:
    """The client's start page: their step, today's suggested exercise and their progress.

    A client with the health-data consent is started here too, so that what they practise from
    the first day counts for their step."""
    if not request.user.is_client:
        return None
    state = services.program_state(request.user)
    urls = links()
    if state is None:
        return "program/_home_panel.html", {"state": None, "program_links": urls}
    lang = current_language()
    suggestion = services.today_suggested_exercise(request.user, state)
    step = _titles(program.step(state.current_step), lang)
    step["url"] = urls["steps"][state.current_step - 1]
    step["heading"] = _filled(
        _("Stap %(number)s: %(name)s"), number=step["number"], name=step["name"]
    )
    step["go"] = _filled(_("Naar stap %(number)s"), number=step["number"])
    progress = _progress(state)
    return "program/_home_panel.html", {
        "state": state,
        "step": step,
        "progress": progress,
        "progress_html": progress_markup(progress, "home-program-days"),  # type: ignore[arg-type]
        "suggestion": suggestion,
        "program_links": urls,
    }
