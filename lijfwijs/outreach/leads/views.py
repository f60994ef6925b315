"""The contact form, "contact me" under the Pijntest report, and the practice's leads.

- /contact/vraag/                        the contact form (the contact page links to it)
- /contact/pijntest/<result>/            "contact me" about a Pijntest result (the report's panel
                                         posts here; with an error the form comes back here)
- /contact/verstuurd/                    sent: a copy is on its way
- /praktijk/leads/                       the practice's leads: status filter, search, counts, pages
- /praktijk/leads/<id>/                  one lead: messages, attached results, notes, history
- /praktijk/leads/<id>/status/           POST: a new status
- /praktijk/leads/<id>/notities/         POST: a note
- /praktijk/leads/<id>/uitnodigen/       POST: invite the person as a client
- /praktijk/leads/<id>/uitslag/<msg>/    an attached Pijntest result (logged)

The contact page itself is shared and HTTP-cached (core.trust): a form with a CSRF token and a
time stamp is one person's, so the page shows the same panel to everyone and the form lives on its
own page, which is never cached.
"""

from functools import lru_cache
from typing import Any

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lijfwijs.accounts.access import member_required
from lijfwijs.accounts.audit import log_access
from lijfwijs.accounts.models import AccessLog, Invitation, Practice
from lijfwijs.accounts.services import InvitationOutcome
from lijfwijs.assessments import attach
from lijfwijs.assessments.models import TOKEN, Response
from lijfwijs.core.i18n import current_language
from lijfwijs.core.paging import page_number
from lijfwijs.core.ratelimit import client_address, hit

from . import services
from .access import invites, lead_for, leads_of, reads_questions
from .forms import ContactForm, NoteForm, ReportContactForm, SearchForm, StatusForm, stamp
from .models import Lead, LeadMessage, Source

# Contacts per hour: from one address (a person writes a few times at most; more is a script or
# someone filling another person's mailbox with copies) and from one network address.
PER_EMAIL = 3
PER_IP = 10
HOUR = 60 * 60
PAGE = 25


# --- the panels on other apps' pages -----------------------------------------------------------


def contact_panel(request: HttpRequest) -> dict[str, Any] | None:
    """The contact page's panel (core.trust): the way to the form, the same for every visitor
    (the page is shared) and without a query (the page reads at most the one practice). Not for
    a practice's members and staff, who send the practice no questions here."""
    user = request.user
    if user.is_authenticated and not user.is_client:
        return None
    return {"template": "leads/_contact_panel.html"}


def report_panel(request: HttpRequest, response: Response) -> dict[str, Any] | None:
    """Under the Pijntest report: "contact me", for the person whose result it is (its owner, or
    a visitor holding an anonymous result), when a practice takes questions here.

    The form is always empty here (sent back with mistakes it comes back on its own page), so
    the panel's template writes `ReportContactForm(practices=[], can_attach=True)`'s fields as
    plain markup, without building the form and rendering each widget through Django's widget
    templates (a tenth of the report's time); a test holds the markup to the form's."""
    if not _may_attach(request, response):
        return None
    user = request.user
    # Without a query (the report reads the same few for everyone): which practice is asked
    # when the form is sent, on the page it posts to, where there are several.
    return {
        "template": "leads/_report_panel.html",
        # both keys always there: a missing one costs the template a failed lookup each
        "initial": {"name": "", "email": "", **_initial(request)},
        "shown": stamp(),
        "action": _report_contact_url(get_language(), get_script_prefix()).replace(
            _RESULT_SLOT, response.pk
        ),
        "signed_in": user.is_authenticated,
    }


_RESULT_SLOT = "result-id-slot"  # a result's id is [A-Za-z0-9_-]: nothing to quote


@lru_cache(maxsize=16)
def _report_contact_url(language: str, script_prefix: str) -> str:
    """The address the report's panel posts to, with a stand-in for the result's id: reversed once
    per process, language and script prefix (as the layout's addresses)."""
    return reverse("leads:report_contact", args=[_RESULT_SLOT])


def _practices() -> list[tuple[int, str]]:
    return list(services.receiving_practices().values_list("pk", "name"))


def _initial(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not user.is_authenticated:
        return {}
    return {"name": user.display_name, "email": user.email}


def _may_attach(request: HttpRequest, response: Response) -> bool:
    """A completed Pijntest of the requester: their own, or an anonymous one they hold the id of.
    Members of a practice and staff do not ask a practice to contact them."""
    user = request.user
    if user.is_authenticated and not user.is_client:
        return False
    if not response.is_completed or response.instrument != attach.PIJNTEST:
        return False
    return response.user_id is None or response.user_id == user.pk


# --- the forms ---------------------------------------------------------------------------------


def _within_limits(request: HttpRequest, email: str) -> bool:
    """Both limits counted on every attempt that passed the form (so a script is slowed too)."""
    by_address = hit("leads-contact-email", email, PER_EMAIL, HOUR)
    by_network = hit("leads-contact-ip", client_address(request), PER_IP, HOUR)
    return by_address and by_network


def _receive(request: HttpRequest, form: Any, source: str, result: Response | None) -> Any:
    data = form.cleaned_data
    practice = Practice.objects.get(pk=form.practice_id())
    return services.receive(
        services.Contact(
            practice=practice,
            email=data["email"],
            source=source,
            name=data["name"],
            phone=data["phone"],
            body=data["question"],
            language=current_language(),
            account=request.user if request.user.is_authenticated else None,
            assessment_response=result if data.get("attach") else None,
            consent_version=services.CONSENT_VERSION,
        )
    )


def _handle(
    request: HttpRequest,
    form_class: type,
    source: str,
    result: Response | None,
    template: str,
    extra: dict[str, Any],
) -> HttpResponse:
    """The form (GET), or what was sent (POST): stored and answered, or back with the errors
    next to the fields and everything typed kept."""
    practices = _practices()
    if not practices:  # an installation before its first practice: say where to go instead
        return render(request, "leads/no_practice.html")
    can_attach = result is not None
    status = 200
    if request.method == "POST":
        form = form_class(request.POST, practices=practices, can_attach=can_attach)
        if form.is_valid():
            if _within_limits(request, form.cleaned_data["email"]):
                _receive(request, form, source, result)
                return redirect("leads:sent")
            form.add_error(
                None,
                _(
                    "Er zijn het afgelopen uur al een paar berichten verstuurd. Probeer het over "
                    "een uur nog eens, of mail of bel de praktijk."
                ),
            )
            status = 429
        else:
            status = 422
    else:
        form = form_class(practices=practices, can_attach=can_attach, initial=_initial(request))
    context = {"form": form, "shown": form.stamp_to_show(), **extra}
    return render(request, template, context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def contact(request: HttpRequest) -> HttpResponse:
    """The contact form: a question to the practice, optionally with the person's Pijntest."""
    if request.user.is_authenticated and not request.user.is_client:
        raise Http404("members of a practice and staff do not send it questions here")
    result = attach.attachable_result(request)
    return _handle(request, ContactForm, Source.CONTACT_FORM, result, "leads/contact.html", {})


@never_cache
@require_http_methods(["GET", "POST"])
def report_contact(request: HttpRequest, response_id: str) -> HttpResponse:
    """ "Contact me" about a Pijntest result the requester may attach (404 for any other)."""
    response = None
    if TOKEN.fullmatch(response_id):
        response = Response.objects.filter(pk=response_id).first()
    if response is None or not _may_attach(request, response):
        raise Http404("no such result")
    return _handle(
        request,
        ReportContactForm,
        Source.PIJNTEST,
        response,
        "leads/report_contact.html",
        {
            "action": _report_contact_url(get_language(), get_script_prefix()).replace(
                _RESULT_SLOT, response.pk
            ),
            "report_url": reverse("assessments:report", args=[response.pk]),
        },
    )


@never_cache
@require_safe
def sent(request: HttpRequest) -> HttpResponse:
    return render(request, "leads/sent.html")


# --- the workspace -----------------------------------------------------------------------------


@never_cache
@member_required
@require_safe
def lead_list(request: HttpRequest) -> HttpResponse:
    """The practice's leads, newest contact first: a status filter, a search, counts per status,
    a page at a time. Leads sent from an account are logged as shown in a list."""
    membership = request.membership  # type: ignore[attr-defined]
    search = SearchForm(request.GET)
    search.is_valid()
    chosen = search.cleaned_data.get("status", "")
    words = search.cleaned_data.get("q", "")
    mine = leads_of(membership)
    counts = mine.aggregate(
        total=Count("pk"),
        **{value: Count("pk", filter=Q(status=value)) for value in Lead.Status.values},
    )
    found = mine
    if chosen:
        found = found.filter(status=chosen)
    if words:
        found = found.filter(
            Q(name__icontains=words) | Q(email__icontains=words) | Q(phone__icontains=words)
        )
    page = page_number(request)
    start = (page - 1) * PAGE
    rows = list(
        found.annotate(message_count=Count("messages"))
        .order_by("-last_contact_at", "-pk")
        .values(
            "pk",
            "name",
            "email",
            "phone",
            "status",
            "source",
            "last_contact_at",
            "account_id",
            "message_count",
        )[start : start + PAGE + 1]
    )
    if page > 1 and not rows:
        raise Http404("no such page")
    more = len(rows) > PAGE
    rows = rows[:PAGE]
    accounts = sorted({row["account_id"] for row in rows if row["account_id"]})
    if accounts:
        log_access(request.user, accounts, AccessLog.Kind.PROFILE, AccessLog.Action.LIST, "leads")  # type: ignore[arg-type]
    labels = dict(Lead.Status.choices)
    sources = dict(Source.choices)
    for row in rows:
        row["status_label"] = labels[row["status"]]
        row["source_label"] = sources[row["source"]]
    query = {"status": chosen, "q": words}
    return render(
        request,
        "leads/list.html",
        {
            "search": search,
            "rows": rows,
            "counts": [
                {"value": value, "label": label, "count": counts[value]}
                for value, label in Lead.Status.choices
            ],
            "total": counts["total"],
            "chosen": chosen,
            "words": words,
            "older": page + 1 if more else None,
            "newer": page - 1 if page > 1 else None,
            "query": urlencode({k: v for k, v in query.items() if v}),
        },
    )


def _booking_url(booking_id: int | None) -> str:
    if booking_id is None:
        return ""
    try:
        return reverse("booking_agenda_detail", args=[booking_id])
    except NoReverseMatch:
        return ""


def _detail(
    request: HttpRequest,
    lead: Lead,
    *,
    note_form: NoteForm | None = None,
    status_form: StatusForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """One lead's page. A lead sent from an account is that person's data: one log row per look."""
    membership = request.membership  # type: ignore[attr-defined]
    reader = reads_questions(membership)
    if lead.account_id:
        log_access(
            request.user,  # type: ignore[arg-type]
            [lead.account_id],
            AccessLog.Kind.PROFILE,
            AccessLog.Action.VIEW,
            f"lead:{lead.pk}",
        )
    rows = list(lead.messages.select_related("assessment_response").order_by("created_at", "pk"))
    shown = [
        {
            "message": message,
            "booking_url": _booking_url(message.booking_id),
            "result_date": message.assessment_response.completed_at
            if message.assessment_response is not None
            else None,
        }
        for message in rows
    ]
    context = {
        "lead": lead,
        "reader": reader,
        "may_invite": invites(request),
        "messages_shown": shown,
        "notes": list(lead.notes.order_by("created_at", "pk")) if reader else [],
        "changes": list(lead.changes.order_by("at", "pk")),
        "note_form": note_form or NoteForm(),
        "status_form": status_form or StatusForm(initial={"status": lead.status}),
        "invitation": lead.invitation,
        # an open or accepted invitation: nothing more to send from here
        "invited": lead.invitation is not None
        and lead.invitation.status in (Invitation.Status.PENDING, Invitation.Status.ACCEPTED)
        and not lead.invitation.is_expired,
    }
    return render(request, "leads/detail.html", context, status=status)


@never_cache
@member_required
@require_safe
def detail(request: HttpRequest, lead_id: int) -> HttpResponse:
    return _detail(request, lead_for(request, lead_id))


@never_cache
@member_required
@require_POST
def change_status(request: HttpRequest, lead_id: int) -> HttpResponse:
    """Any member sets the status (an assistant who called someone back marks it)."""
    lead = lead_for(request, lead_id)
    form = StatusForm(request.POST)
    if not form.is_valid():
        return _detail(request, lead, status_form=form, status=422)
    try:
        changed = services.set_status(lead, form.cleaned_data["status"], request.user)
    except services.LeadError as error:
        form.add_error("status", error.message)
        return _detail(request, lead, status_form=form, status=409)
    if changed:
        messages.success(
            request,
            _("De status is nu: %(status)s.") % {"status": lead.get_status_display()},
        )
    return redirect("leads:detail", lead_id=lead.pk)


@never_cache
@member_required
@require_POST
def add_note(request: HttpRequest, lead_id: int) -> HttpResponse:
    lead = lead_for(request, lead_id)
    if not reads_questions(request.membership):  # type: ignore[attr-defined]
        raise Http404("notes are for the owner and the practitioners")
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _detail(request, lead, note_form=form, status=422)
    services.add_note(lead, request.user, form.cleaned_data["body"])
    messages.success(request, _("Je notitie is bewaard."))
    return redirect("leads:detail", lead_id=lead.pk)


@never_cache
@member_required
@require_POST
def convert(request: HttpRequest, lead_id: int) -> HttpResponse:
    """Invite the lead as the practitioner's client (the invitation email goes out)."""
    lead = lead_for(request, lead_id)
    if not invites(request):
        raise Http404("only a practitioner invites a client")
    outcome = services.convert(lead, request.user)  # type: ignore[arg-type]
    text = {
        InvitationOutcome.SENT: _(
            "De uitnodiging is verstuurd. Je krijgt toegang zodra %(who)s die accepteert."
        ),
        InvitationOutcome.RESENT: _(
            "Er stond al een verlopen uitnodiging. Die is opnieuw verstuurd."
        ),
        InvitationOutcome.ALREADY_OPEN: _(
            "Er staat al een uitnodiging open voor %(who)s. Er is geen nieuwe verstuurd."
        ),
        InvitationOutcome.ALREADY_CLIENT: _("%(who)s heeft je al toegang gegeven."),
        InvitationOutcome.LIMIT: _(
            "Deze uitnodiging is vandaag al vaak verstuurd. Morgen kan het weer."
        ),
    }.get(outcome, _("Er is niets veranderd."))
    level = messages.warning if outcome == InvitationOutcome.LIMIT else messages.success
    level(request, text % {"who": lead.who})
    return redirect("leads:detail", lead_id=lead.pk)


@never_cache
@member_required
@require_safe
def result(request: HttpRequest, lead_id: int, message_id: int) -> HttpResponse:
    """The Pijntest result attached to one of the lead's messages, for the owner and the
    practitioners. A result of an account is that person's data: logged."""
    lead = lead_for(request, lead_id)
    if not reads_questions(request.membership):  # type: ignore[attr-defined]
        raise Http404("results are for the owner and the practitioners")
    message = (
        LeadMessage.objects.filter(lead=lead, pk=message_id)
        .select_related("assessment_response")
        .first()
    )
    response = message.assessment_response if message is not None else None
    summary = attach.summary(response)
    if summary is None:
        raise Http404("no attached result")
    if response.user_id:  # type: ignore[union-attr]
        log_access(
            request.user,  # type: ignore[arg-type]
            [response.user_id],  # type: ignore[union-attr]
            AccessLog.Kind.PIJNTEST,
            AccessLog.Action.VIEW,
            f"lead:{lead.pk}:response:{response.pk}",  # type: ignore[union-attr]
        )
    return render(request, "leads/result.html", {"lead": lead, "summary": summary})
