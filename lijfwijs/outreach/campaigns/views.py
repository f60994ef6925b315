"""The campaign editor in the workspace (`/praktijk/campagnes/…`).

The practice's owner and practitioners write, test, schedule and send; an assistant has no access
(a campaign speaks to everyone on the practice's lists in the practitioners' name). Every
campaign of the practice is shared by its writers; another practice's is a 404. A draft is edited
on its page; from the moment it is scheduled the page is read-only (scheduling can be taken back
until the campaign is queued). Without JavaScript the "Voorbeeld" button shows the preview; with
it, core/editor.js asks `campaigns_preview` while typing. Both render with core.markdown.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lijfwijs.accounts.access import member_required
from lijfwijs.accounts.models import Membership
from lijfwijs.core import markdown
from lijfwijs.outreach import audience

from . import sending, services
from .forms import ACTIONS, MAX_BODY, CampaignForm, initial_for
from .models import Campaign

LIST_LIMIT = 200


def writer_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A member of a practice who is no assistant (owner or practitioner), or 403."""

    @member_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.membership.role == Membership.Role.ASSISTANT:  # type: ignore[attr-defined]
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _practice(request: HttpRequest) -> Any:
    return request.membership.practice  # type: ignore[attr-defined]


def campaign_for(request: HttpRequest, campaign_id: int) -> Campaign:
    campaign = (
        Campaign.objects.select_related("practice", "author")
        .filter(practice=_practice(request), pk=campaign_id)
        .first()
    )
    if campaign is None:
        raise Http404("no such campaign")
    return campaign


@never_cache
@writer_required
@require_safe
def campaign_list(request: HttpRequest) -> HttpResponse:
    practice = _practice(request)
    campaigns = list(Campaign.objects.filter(practice=practice)[:LIST_LIMIT])
    figures = services.figures(campaigns)
    labels = {a.key: a.label for a in audience.audiences(practice)} if campaigns else {}
    rows = [
        {
            "campaign": c,
            "figures": figures[c.pk],
            "audience": c.audience_label or labels.get(c.audience_key, ""),
        }
        for c in campaigns
    ]
    return render(
        request, "campaigns/list.html", {"rows": rows, "practice": practice, "limit": LIST_LIMIT}
    )


def _action(request: HttpRequest) -> str:
    action = request.POST.get("action", "save")
    return action if action in ACTIONS else "save"


def _editor(
    request: HttpRequest,
    form: CampaignForm,
    campaign: Campaign | None,
    *,
    preview: str | None = None,
    status: int = 200,
) -> HttpResponse:
    if preview is None:
        body = form["body"].value() or ""
        preview = markdown.render(str(body)[:MAX_BODY])
    return render(
        request,
        "campaigns/edit.html",
        {"form": form, "campaign": campaign, "preview": preview, "practice": _practice(request)},
        status=status,
    )


def _form(request: HttpRequest, data: Any = None, **kwargs: Any) -> CampaignForm:
    practice = _practice(request)
    return CampaignForm(
        data,
        audiences=audience.audiences(practice),
        time_zone=practice.time_zone,
        action=_action(request) if data is not None else "save",
        **kwargs,
    )


def _submit(request: HttpRequest, campaign: Campaign | None) -> HttpResponse:
    """One POST of the editor: preview, save, test, schedule or go to the sending's confirmation."""
    form = _form(request, request.POST)
    action = form.action
    if action == "preview":
        form.is_valid()  # shows what is missing too, but nothing is saved
        return _editor(request, form, campaign)
    if not form.is_valid():
        return _editor(request, form, campaign, status=422)
    try:
        if campaign is None:
            campaign = services.create(_practice(request), request.user, form.draft())
        else:
            services.update(campaign, form.draft())
        if action == "schedule":
            services.schedule(campaign, form.cleaned_data["send_at"])
    except services.CampaignError as error:
        form.add_error(None, str(error))
        return _editor(request, form, campaign, status=422)
    if action == "test":
        sending.send_test(campaign, request.user.email, request.user.language)
        messages.success(
            request,
            _("We sturen een test naar %(email)s. Kijk over een minuut in je inbox.")
            % {"email": request.user.email},
        )
    elif action == "schedule":
        messages.success(request, _("Je campagne is ingepland."))
    elif action == "send":
        return redirect("campaigns_send", campaign_id=campaign.pk)
    else:
        messages.success(request, _("Je campagne is bewaard."))
    return redirect("campaigns_detail", campaign_id=campaign.pk)


@never_cache
@writer_required
@require_http_methods(["GET", "POST"])
def campaign_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _submit(request, None)
    practice = _practice(request)
    wanted = request.GET.get("audience", "")
    known = {a.key for a in audience.audiences(practice)}
    initial = {"audience": wanted} if wanted in known else {}
    return _editor(request, _form(request, initial=initial), None)


@never_cache
@writer_required
@require_http_methods(["GET", "POST"])
def campaign_detail(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = campaign_for(request, campaign_id)
    if campaign.is_draft:
        if request.method == "POST":
            return _submit(request, campaign)
        return _editor(request, _form(request, initial=initial_for(campaign)), campaign)
    status = 200
    if request.method == "POST":
        messages.error(
            request, _("Deze campagne is al ingepland of verstuurd en kan niet meer veranderen.")
        )
        status = 409
    return render(
        request,
        "campaigns/detail.html",
        {
            "campaign": campaign,
            "figures": services.figures([campaign])[campaign.pk],
            "body_html": markdown.render(campaign.body),
            "practice": campaign.practice,
        },
        status=status,
    )


@never_cache
@writer_required
@require_http_methods(["GET", "POST"])
def campaign_send(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """Confirm "send now": to whom, how many; the POST queues it."""
    campaign = campaign_for(request, campaign_id)
    if not campaign.is_draft:
        return redirect("campaigns_detail", campaign_id=campaign.pk)
    found = {a.key: a for a in audience.audiences(campaign.practice)}
    chosen = found.get(campaign.audience_key)
    error = ""
    if request.method == "POST":
        try:
            count = services.send_now(campaign)
        except services.CampaignError as problem:
            error = str(problem)
        else:
            messages.success(
                request,
                ngettext(
                    "Je campagne gaat nu naar %(count)s persoon.",
                    "Je campagne gaat nu naar %(count)s mensen.",
                    count,
                )
                % {"count": count},
            )
            return redirect("campaigns_detail", campaign_id=campaign.pk)
    elif chosen is None:
        error = _("Kies eerst naar wie de campagne gaat.")
    return render(
        request,
        "campaigns/send.html",
        {"campaign": campaign, "audience": chosen, "error": error},
        status=422 if error and request.method == "POST" else 200,
    )


@never_cache
@writer_required
@require_POST
def campaign_unschedule(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = campaign_for(request, campaign_id)
    try:
        services.unschedule(campaign)
    except services.CampaignError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("De campagne is niet meer ingepland; je kunt hem weer aanpassen.")
        )
    return redirect("campaigns_detail", campaign_id=campaign.pk)


@never_cache
@writer_required
@require_POST
def campaign_preview(request: HttpRequest) -> HttpResponse:
    """The editor's live preview: the posted Markdown (`source`) as sanitised HTML."""
    source = request.POST.get("source", "")[:MAX_BODY]
    return HttpResponse(markdown.render(source), content_type="text/html; charset=utf-8")


urlpatterns = [
    path("praktijk/campagnes/", campaign_list, name="campaigns_list"),
    path("praktijk/campagnes/nieuw/", campaign_new, name="campaigns_new"),
    path("praktijk/campagnes/voorbeeld/", campaign_preview, name="campaigns_preview"),
    path("praktijk/campagnes/<int:campaign_id>/", campaign_detail, name="campaigns_detail"),
    path("praktijk/campagnes/<int:campaign_id>/versturen/", campaign_send, name="campaigns_send"),
    path(
        "praktijk/campagnes/<int:campaign_id>/niet-inplannen/",
        campaign_unschedule,
        name="campaigns_unschedule",
    ),
]
