"""The diary pages: today's check-in (and the last seven days'), the list, edit and delete."""

import uuid
from html import escape
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lijfwijs.core.i18n import current_language
from lijfwijs.core.paging import day_words, page_number
from lijfwijs.exercises import calm
from lijfwijs.exercises.services import what_calms_me

from . import access, services, statements
from .forms import REGION_LABELS, CheckInForm, offer_for, validation_offer, yesterdays_state
from .models import REGIONS, Tag

DIARY_PAGE = 30  # check-ins per page of the list, newest first; older ones a link away
_NO_CHECKIN = uuid.UUID(int=0)


def _list_rows(request: HttpRequest, page: int) -> tuple[str, bool]:
    """One page of the person's check-ins as the table's rows (escaped markup, no template loop
    per row), and whether there are older ones: two queries whatever the page or the size of the
    diary (the rows, then their tags' names), and no model instances (no note is decrypted for a
    list that does not show it)."""
    found = statements.list_rows(request.user, (page - 1) * DIARY_PAGE, DIARY_PAGE + 1)
    older = len(found) > DIARY_PAGE
    found = found[:DIARY_PAGE]
    english = current_language() == "en"
    zone = services.zone_of(request.user)
    days = day_words({row[1] for row in found})
    # one reverse a page; escaped with the standard library's escape (what Django's calls), as
    # the rows are written in one pass rather than with a format_html per row and per tag
    no_checkin = str(_NO_CHECKIN)
    edit_url = escape(reverse("diary:edit", kwargs={"checkin_id": _NO_CHECKIN}))
    edit = escape(_("Bewerken"))
    rows = mark_safe(  # noqa: S308 - every value escaped here; pain is an integer
        "\n".join(
            f'<tr><td class="diary-when"><a href="{edit_url.replace(no_checkin, str(pk))}">'
            f"{escape(days[day][0])}, {at.astimezone(zone):%H:%M}"
            f'<span class="visually-hidden"> {edit}</span></a></td>'
            f'<td class="num"><span class="pain-value">{pain}</span></td>'
            f'<td class="diary-tags">'
            + "".join(
                f'<span class="tag">{escape((english and name_en) or name_nl)}</span> '
                for name_nl, name_en in names
            )
            + "</td></tr>"
            for pk, day, at, pain, names in found
        )
    )
    return (rows if found else ""), older


@login_required
@require_safe
def diary(request: HttpRequest) -> HttpResponse:
    """The person's check-ins, a page at a time (`?pagina=2` for older ones)."""
    page = page_number(request)
    checkins, older = _list_rows(request, page)
    if page > 1 and not checkins:
        raise Http404("no such page")
    context = {
        "checkins": checkins,
        "older": page + 1 if older else None,
        "newer": page - 1 if page > 1 else None,
    }
    return render(request, "diary/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    """A new check-in: the quick part and "more"; "same as yesterday" fills in yesterday's tags
    (and how the person felt) without saving, so the person still sees what is sent."""
    saving = request.method == "POST" and "copy_yesterday" not in request.POST
    # a save needs only the day of the offer; the page (and a form with mistakes) all of it
    offer = validation_offer(request.user) if saving else offer_for(request.user)
    if not offer.consent:
        messages.info(
            request,
            _("Om je dagboek bij te houden, is je toestemming voor gezondheidsgegevens nodig."),
        )
        return redirect("accounts:health_consent")
    status = 200
    copied = False
    if request.method == "GET":
        now = timezone.now().astimezone(services.zone_of(request.user))
        initial = {"day": offer.today.isoformat(), "time": now.strftime("%H:%M")}
        form = CheckInForm(initial=initial, user=request.user, offer=offer)
    elif "copy_yesterday" in request.POST:  # keep what was entered, add yesterday's
        initial = _from_data(request.POST)
        initial["tags"] = sorted(set(initial.get("tags", [])) | set(offer.yesterday_tags))
        if not initial.get("state") and offer.yesterday_state:
            initial["state"] = yesterdays_state(request.user, offer.today)
        form = CheckInForm(initial=initial, user=request.user, offer=offer)
        copied = True
    else:
        form = CheckInForm(request.POST, user=request.user, offer=offer)
        if form.is_valid():
            services.save_checkin(request.user, form.cleaned_data)
            messages.success(request, _("Je check-in is bewaard."))
            return redirect("diary:list")
        # sent back with its mistakes, written from the whole offer
        form = CheckInForm(request.POST, user=request.user, offer=offer_for(request.user))
        status = 422
    context = {"form": form, "editing": False, "copied": copied}
    return _form_page(request, context, status=status)


def _form_page(request: HttpRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    """The check-in form with every choice written as markup in one pass (`CheckInForm.inputs`)
    and its pain-per-place inputs handed to the template as plain values."""
    form = context["form"]
    errors = form.errors
    labels = {}
    places = []
    # the labelled fields of the places (core/checkin.js enhances them), written in one pass with
    # the standard library's escape (what Django's escape calls)
    for code in REGIONS:
        name = f"region_{code}"
        value = form.typed(name)
        labels[code] = str(REGION_LABELS[code])
        messages_html = "".join(
            f'<p class="field-error">{escape(str(e))}</p>' for e in errors.get(name, ())
        )
        places.append(
            f'<li class="region field{" has-error" if name in errors else ""}" '
            f'data-region="{escape(code)}"><label for="id_{name}">{escape(labels[code])}</label>'
            f'{messages_html}<input type="number" name="{name}" id="id_{name}" min="0" max="10" '
            f'inputmode="numeric"'
            + ("" if value in (None, "") else f' value="{escape(str(value))}"')
            + (' aria-invalid="true"' if name in errors else "")
            + "></li>"
        )
    regions = mark_safe("\n".join(places))  # noqa: S308 - every value escaped above
    offer = form.offer
    inputs = form.inputs()
    context.update(
        {
            "regions": regions,
            "region_labels": labels,
            "inputs": inputs,
            "quick_scale": offer.quick_scale,
            "more_open": form.more_open(),
            "yesterday": offer.tag_names(offer.yesterday_tags) if offer.has_yesterday else None,
        }
    )
    return render(request, "diary/form.html", context, status=status)


def _from_data(data: Any) -> dict[str, Any]:
    initial: dict[str, Any] = {}
    for key in data:
        values = data.getlist(key)
        initial[key] = values if key in ("tags", "exercises") else values[-1]
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, checkin_id: Any) -> HttpResponse:
    checkin = access.checkin_for(request, checkin_id)
    offer = offer_for(request.user)
    if request.method == "POST":
        form = CheckInForm(request.POST, user=request.user, offer=offer, own_day=checkin.day)
        if form.is_valid():
            services.save_checkin(request.user, form.cleaned_data, instance=checkin)
            messages.success(request, _("Je check-in is bijgewerkt."))
            return redirect("diary:list")
        status = 422
    else:
        local = checkin.at.astimezone(services.zone_of(request.user))
        initial = {
            "day": checkin.day.isoformat(),
            "time": local.strftime("%H:%M"),
            "pain": checkin.pain,
            "state": checkin.state,
            "stress": checkin.stress,
            "sleep": checkin.sleep,
            "energy": checkin.energy,
            "tags": [str(pk) for pk in checkin.tags.values_list("pk", flat=True)],
            "exercises": list(checkin.exercises.values_list("slug", flat=True)),
            "note": checkin.note,
            **{f"region_{code}": value for code, value in checkin.region_pain.items()},
        }
        form = CheckInForm(initial=initial, user=request.user, offer=offer, own_day=checkin.day)
        status = 200
    return _form_page(request, {"form": form, "editing": True, "checkin": checkin}, status=status)


@login_required
@require_POST
def delete(request: HttpRequest, checkin_id: Any) -> HttpResponse:
    services.delete_checkin(access.checkin_for(request, checkin_id))
    messages.success(request, _("De check-in is verwijderd."))
    return redirect("diary:list")


@login_required
@require_safe
def insights_page(request: HttpRequest) -> HttpResponse:
    """What drives and what calms the person's pain, from their own diary and practice log (the
    numbers are computed once per data version and day: diary.computed)."""
    from . import presenting  # numpy and scipy load on first use, not at start-up

    context = presenting.page_context(request.user, services.local_today(request.user))
    # the active exercises' names from the statement written once per process (calm.context
    # reads the names itself only for an exercise no longer active)
    calms = what_calms_me(request.user)
    english = current_language() == "en"
    known = {
        slug: (english and name_en) or name_nl
        for slug, name_nl, name_en in (statements.active_exercises() if calms else ())
    }
    context.update(calm.context(calms, known))
    return render(request, "diary/insights.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def tags(request: HttpRequest) -> HttpResponse:
    """The person's own tags: rename one, or merge it into another tag."""
    own = list(Tag.objects.filter(user=request.user, is_active=True).order_by("name_nl"))
    errors: dict[int, str] = {}
    if request.method == "POST":
        tag = next((t for t in own if str(t.pk) == request.POST.get("tag")), None)
        if tag is None:
            raise Http404("no such tag")
        try:
            if request.POST.get("action") == "merge":
                target = (
                    Tag.objects.for_user(request.user)
                    .filter(pk=request.POST.get("into") or 0)
                    .first()
                )
                if target is None:
                    raise services.TagProblem(_("Kies een tag om mee samen te voegen."))
                services.merge_tags(tag, target)
                messages.success(request, _("De tags zijn samengevoegd."))
            else:
                services.rename_tag(request.user, tag, request.POST.get("name", ""))
                messages.success(request, _("De tag heet nu anders."))
            return redirect("diary:tags")
        except (services.TagProblem, ValueError) as problem:
            errors[tag.pk] = str(problem)
    for tag in own:  # the message beside its own tag's fields
        tag.problem = errors.get(tag.pk, "")
    context = {
        "own": own,
        "all": Tag.objects.for_user(request.user),
        "errors": errors,
        "entered": request.POST if request.method == "POST" else {},
    }
    return render(request, "diary/tags.html", context, status=422 if errors else 200)
