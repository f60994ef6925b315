"""A client's page in the workspace: a summary, the timeline, the client's insights and "what
calms me", the program controls and the sections of alerts, notes and assignments; and a
Pijntest result as the practitioner's view (client named, a way back, printable)."""

from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from django.contrib import messages
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from lijfwijs.accounts.access import client_for
from lijfwijs.accounts.audit import log_access
from lijfwijs.accounts.localtime import local_today, zone_of
from lijfwijs.accounts.models import AccessLog, PractitionerAccess, User
from lijfwijs.assessments import pages
from lijfwijs.assessments.models import TOKEN, Response
from lijfwijs.assessments.services import PIJNTEST
from lijfwijs.exercises import calm
from lijfwijs.exercises.services import what_calms_me

from . import alert_views, assignments, notes, program_controls, timeline
from .access import practitioner_required


@lru_cache(maxsize=4)
def _client_sql(vendor: str) -> str:
    """The client and this practitioner's grant in one statement, written once per process from
    the models' own names: the rule of `accounts.access.clients_of` (an active grant to this
    practitioner, an active client account) for one id. Placeholders: practitioner, client id."""
    quote = connection.ops.quote_name
    user, access = quote(User._meta.db_table), quote(PractitionerAccess._meta.db_table)
    u = {f.name: quote(f.column) for f in User._meta.concrete_fields}
    x = {f.name: quote(f.column) for f in PractitionerAccess._meta.concrete_fields}
    columns = ", ".join(f"{user}.{u[f.name]}" for f in User._meta.concrete_fields)
    return (
        f"SELECT {columns}, {access}.{x['granted_at']} AS access_granted_at, "  # noqa: S608
        f"{access}.{x['share_notes']} AS access_share_notes FROM {user} "
        f"JOIN {access} ON {access}.{x['client']} = {user}.{u['id']} "
        f"AND {access}.{x['practitioner']} = %s AND {access}.{x['status']} = %s "
        f"WHERE {user}.{u['id']} = %s AND {user}.{u['is_active']} AND {user}.{u['role']} = %s"
    )


def client_with_access(request: HttpRequest, client_id: int) -> tuple[Any, dict[str, Any]]:
    """`client_for` and the grant's details (granted_at, share_notes) in one query: one client
    of the requesting practitioner, or 404 (also after the client revoked access)."""
    practitioner = request.user
    if not (
        practitioner.is_authenticated
        and getattr(practitioner, "is_practitioner", False)
        and practitioner.is_active
    ):
        raise Http404("no such client")
    params = [practitioner.pk, PractitionerAccess.Status.ACTIVE, client_id, User.Role.CLIENT]
    found = list(User.objects.raw(_client_sql(connection.vendor), params))
    if not found:
        raise Http404("no such client")
    client = found[0]
    grant = {
        "granted_at": _moment(client.access_granted_at),
        "share_notes": bool(client.access_share_notes),
    }
    return client, grant


def _moment(value: Any) -> Any:
    """A datetime the raw statement read (SQLite gives it in UTC without a zone, or as text)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if isinstance(value, datetime) and timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value


def _client_page(
    request: HttpRequest,
    client: Any,
    form: program_controls.OverrideForm | None = None,
    status: int = 200,
    grant: dict[str, Any] | None = None,
) -> HttpResponse:
    """The page, with the one access-log row of this look (kind TIMELINE). Each source is read
    once and handed to every part that shows it (the summary, the timeline, the program and the
    sections of alerts, notes and assignments); the sections are part of the page's template."""
    from lijfwijs.diary import presenting  # numpy and scipy load on first use

    practitioner = request.user
    access = (
        grant
        or (
            PractitionerAccess.objects.active()
            .filter(client=client, practitioner=practitioner)
            .values("granted_at", "share_notes")
            .first()
        )
        or {"granted_at": None, "share_notes": False}
    )
    today = local_today(client)
    first = timeline.first_day(today)
    since = datetime.combine(first, datetime.min.time(), tzinfo=zone_of(client))
    progress = program_controls.read_progress(client)
    step = progress.current_step if progress is not None else None
    alerts = alert_views.client_alerts(practitioner, client, since)
    checkins = timeline.read_checkins(client, first)
    pijntests = timeline.read_pijntests(client, since)
    readable = notes.client_page_notes(practitioner, client)
    given = assignments.visible_list(practitioner, client)
    context: dict[str, Any] = {
        "client": client,
        "granted_at": access["granted_at"],
        "shares_notes": access["share_notes"],
        "glance": timeline.summary(client, today, progress, checkins, pijntests),
        "open_alerts": sum(1 for a in alerts if a.acknowledged_at is None),
        "weeks": timeline.timeline(
            client,
            practitioner,
            today=today,
            shared=access["share_notes"],
            progress=progress,
            alerts=alerts,
            notes=readable,
            assignments=given,
            checkins=checkins,
            pijntests=pijntests,
        ),
        "program": program_controls.summary(client, progress),
        "program_form": form or program_controls.OverrideForm(client=client),
        "meaningful_peg": timeline.number(timeline.PEG_MEANINGFUL_CHANGE),
    }
    context["timeline_html"] = timeline.markup(context["weeks"])
    # the four weeks' table: its dates and numbers formatted here, not by filters per cell
    context["trend_weeks"] = [
        {
            **week,
            "start_text": formats.date_format(
                date.fromisoformat(week["week_start"]), "DATE_FORMAT"
            ),
            "pain_text": timeline.number(week["mean_pain"]),
        }
        for week in context["glance"]["diary"]["weeks"]
    ]
    context.update(presenting.page_context(client, today))
    context.update(calm.context(what_calms_me(client)))
    # the sections (their keys do not clash with the page's; "client" is the same client)
    context.update(alert_views.client_section(request, client, alerts))
    context.update(notes.client_section(request, client, readable))
    context.update(
        assignments.client_section(request, client, assignments=given, current_step=step)
    )
    log_access(practitioner, [client.pk], AccessLog.Kind.TIMELINE, AccessLog.Action.VIEW)
    return render(request, "practice/client.html", context, status=status)


@never_cache
@practitioner_required
@require_safe
def client_detail(request: HttpRequest, client_id: int) -> HttpResponse:
    client, grant = client_with_access(request, client_id)
    return _client_page(request, client, grant=grant)


@never_cache
@practitioner_required
@require_POST
def client_program(request: HttpRequest, client_id: int) -> HttpResponse:
    """Unlock the client's next step early, hold the current one, or go back to the rule."""
    client = client_for(request, client_id)
    form = program_controls.OverrideForm(request.POST, client=client)
    if not form.is_valid():
        return _client_page(request, client, form, status=422)
    messages.success(request, program_controls.apply(client, request.user, form))
    return redirect("practice:client", client_id=client.pk)


@never_cache
@practitioner_required
@require_safe
def client_report(request: HttpRequest, client_id: int, response_id: str) -> HttpResponse:
    """One of the client's Pijntest results as the practitioner reads it: the whole report (a red
    flag's advice first, as the client saw it), under the client's name, with a way back to the
    client's page and a print button. Another client's result, or none, is a 404."""
    client = client_for(request, client_id)
    if not TOKEN.fullmatch(response_id):
        raise Http404("no such response")
    response = (
        Response.objects.completed()
        .filter(pk=response_id, user=client, instrument=PIJNTEST)
        .first()
    )
    if response is None:
        raise Http404("no such response")
    context = pages.report_context(response.result)
    heading = _("Pijntest-uitslag van %(name)s, %(date)s") % {
        "name": client,
        "date": formats.date_format(timezone.localtime(response.completed_at), "DATE_FORMAT"),
    }
    # The report's own heading ("Jouw Pijntest-uitslag") is one of its words: this view names the
    # client instead, on a copy (the words are shared by every request of the process).
    context["w"] = {**context["w"], "jouw_pijntest_uitslag": heading}
    context.update(
        owned=True,  # no "keep this result" offer
        worse=pages.worse_context(response),
        client=client,
        heading=heading,
        response=response,
    )
    log_access(
        request.user,
        [client.pk],
        AccessLog.Kind.PIJNTEST,
        AccessLog.Action.VIEW,
        f"response:{response.pk}",
    )
    return render(request, "practice/client_report.html", context)


urlpatterns = [
    path("clienten/<int:client_id>/", client_detail, name="client"),
    path("clienten/<int:client_id>/programma/", client_program, name="client_program"),
    path(
        "clienten/<int:client_id>/uitslagen/<str:response_id>/",
        client_report,
        name="client_report",
    ),
]
