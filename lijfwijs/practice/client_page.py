"""A client's record in the workspace, as four tabs with an address each: the overview (the
client's details, a summary, the alerts and the program controls), the timeline, the client's
insights and "what calms me", and the notes and assignments; and a Pijntest result as the
practitioner's view (client named, a way back, printable)."""

from datetime import date, datetime
from functools import lru_cache
from html import escape  # the standard library's: Django's adds a lazy-text check per call
from typing import Any

from django.contrib import messages
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import get_script_prefix, path, reverse
from django.utils import formats, timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_lazy
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
from lijfwijs.core import statements
from lijfwijs.exercises import calm
from lijfwijs.exercises.services import what_calms_me

from . import alert_views, assignments, dates, notes, program_controls, record_markup, timeline
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


@lru_cache(maxsize=4)
def _user_columns(vendor: str) -> tuple[list[str], list[tuple[int, list[tuple[Any, Any]]]]]:
    """The account's field names and, per column that has any, the converters the ORM applies
    when it reads it (the backend's and the field's own), looked up once per process."""
    names, converters = [], []
    for n, field in enumerate(User._meta.concrete_fields):
        names.append(field.attname)
        column = field.get_col(User._meta.db_table)
        found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if found:
            converters.append((n, [(convert, column) for convert in found]))
    return names, converters


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
    with connection.cursor() as cursor:
        cursor.execute(_client_sql(connection.vendor), params)
        row = cursor.fetchone()
    if row is None:
        raise Http404("no such client")
    # the account as the ORM makes it (its columns' converters, `from_db`), not a RawQuerySet
    names, converters = _user_columns(connection.vendor)
    values = list(row[: len(names)])
    for n, column_converters in converters:
        value = values[n]
        for convert, expression in column_converters:
            value = convert(value, expression, connection)
        values[n] = value
    client = User.from_db(connection.alias, names, values)
    granted_at, share_notes = row[len(names) :]
    grant = {"granted_at": statements.moment(granted_at), "share_notes": bool(share_notes)}
    return client, grant


# The client's record is four tabs, each its own address and its own look in the access log
# (one row per look): what one request can show within the page budget. (url name, label, kind)
TABS = (
    ("client", gettext_lazy("Overzicht"), AccessLog.Kind.SUMMARY),
    ("client_timeline", gettext_lazy("Tijdlijn"), AccessLog.Kind.TIMELINE),
    ("client_insights", gettext_lazy("Inzichten"), AccessLog.Kind.INSIGHTS),
    ("client_care", gettext_lazy("Notities en opdrachten"), AccessLog.Kind.NOTES),
)
URL_ID = "2147483647"  # the tabs' addresses are reversed once per process, this id replaced


@lru_cache(maxsize=16)
def _tab_parts(language: str | None, prefix: str) -> dict[str, Any]:
    """What every tab shows around the client, per language and script prefix (as the layout's
    LINKS): the tabs' addresses for URL_ID and their labels, the way back to the client list and
    the record's stylesheet (reversed addresses, translated words, a static-file url)."""
    return {
        "tabs": tuple(
            (
                name,
                reverse(f"practice:{name}", kwargs={"client_id": int(URL_ID)}),
                escape(str(label)),
            )
            for name, label, _kind in TABS
        ),
        "nav_label": escape(_("Dossier van de cliënt")),
        "home": escape(reverse("practice:home")),
        "back": escape(_("Terug naar je cliënten")),
        "css": escape(static("practice/client.css")),
        "insights_css": escape(static("diary/insights.css")),
    }


def tab_nav(client_id: int, current: str) -> SafeString:
    """The tabs as a navigation, the one shown marked with aria-current."""
    parts = _tab_parts(get_language(), get_script_prefix())
    here = ' aria-current="page"'
    links = "".join(
        f'<li><a href="{url.replace(URL_ID, str(client_id))}"'
        f"{here if name == current else ''}>{label}</a></li>"
        for name, url, label in parts["tabs"]
    )
    return mark_safe(  # noqa: S308 - the labels are escaped, the addresses are ours
        f'<nav class="client-tabs" aria-label="{parts["nav_label"]}"><ul>{links}</ul></nav>'
    )


def _frame(client_id: int, current: str) -> dict[str, SafeString]:
    """client_base.html's parts around the tab: the tabs, the way back and the stylesheet."""
    parts = _tab_parts(get_language(), get_script_prefix())
    back = f'<p class="back-link"><a href="{parts["home"]}">← {parts["back"]}</a></p>'
    css = f'<link rel="stylesheet" href="{parts["css"]}">'
    return {
        "tabs": tab_nav(client_id, current),
        "back_link": mark_safe(back),  # noqa: S308 - escaped words and our address
        "client_css": mark_safe(css),  # noqa: S308 - a static-file url, escaped
    }


def _tab(
    request: HttpRequest,
    client: Any,
    name: str,
    template: str,
    context: dict[str, Any],
    status: int = 200,
) -> HttpResponse:
    """One tab: the client, the tab navigation and this tab's parts, with its access-log row."""
    kind = next(k for n, _label, k in TABS if n == name)
    context["client"] = client
    context.update(_frame(client.pk, name))
    log_access(request.user, [client.pk], kind, AccessLog.Action.VIEW)
    return render(request, template, context, status=status)


def _client_page(
    request: HttpRequest,
    client: Any,
    form: program_controls.OverrideForm | None = None,
    status: int = 200,
    grant: dict[str, Any] | None = None,
) -> HttpResponse:
    """The overview tab, with the one access-log row of this look (kind SUMMARY): the client's
    details, the summary, the alerts and the program. Each source is read once and handed to
    every part that shows it; the parts are written in one pass (record_markup), not by the
    templates' tags and forms."""
    context, alerts = overview_context(request, client, grant)
    context.update(record_markup.overview(request, client, context, alerts, form))
    return _tab(request, client, "client", "practice/client.html", context, status)


def overview_context(
    request: HttpRequest, client: Any, grant: dict[str, Any] | None = None
) -> tuple[dict[str, Any], list[Any]]:
    """What the overview shows, as plain values, and the alerts it read (`client_alerts`)."""
    practitioner = request.user
    access = grant or _grant(client, practitioner)
    today = local_today(client)
    # the summary's four weeks of check-ins, and the week before them for its trend
    first = timeline.first_day(today, timeline.TREND_WEEKS + 1)
    start_of_today = datetime.combine(today, datetime.min.time(), tzinfo=zone_of(client))
    progress = program_controls.read_progress(client)
    alerts = alert_views.client_alerts(practitioner, client, start_of_today)
    checkins = timeline.read_checkins(client, first)
    pijntests = timeline.read_pijntests(client, start_of_today)
    glance = timeline.summary(client, today, progress, checkins, pijntests)
    day_text = dates.formatter()
    context: dict[str, Any] = {
        "granted_at": access["granted_at"],
        "shares_notes": access["share_notes"],
        "glance": glance,
        "open_alerts": sum(1 for a in alerts if a.acknowledged_at is None),
        "program": program_controls.summary(client, progress),
        "meaningful_peg": timeline.number(timeline.PEG_MEANINGFUL_CHANGE),
        # the four weeks' table: its dates and numbers formatted here, not by filters per cell
        "trend_weeks": [
            {
                **week,
                "start_text": day_text(date.fromisoformat(week["week_start"])),
                "pain_text": timeline.number(week["mean_pain"]),
            }
            for week in glance["diary"]["weeks"]
        ],
    }
    return context, alerts


def _grant(client: Any, practitioner: Any) -> dict[str, Any]:
    return (
        PractitionerAccess.objects.active()
        .filter(client=client, practitioner=practitioner)
        .values("granted_at", "share_notes")
        .first()
    ) or {"granted_at": None, "share_notes": False}


@never_cache
@practitioner_required
@require_safe
def client_detail(request: HttpRequest, client_id: int) -> HttpResponse:
    client, grant = client_with_access(request, client_id)
    return _client_page(request, client, grant=grant)


def timeline_title(client: Any) -> SafeString:
    """The timeline tab's title ("Tijdlijn van <name>"), as its template's blocktranslate."""
    return mark_safe(_("Tijdlijn van %(name)s") % {"name": escape(str(client))})  # noqa: S308


def insights_title(client: Any) -> SafeString:
    """The insights tab's title ("Inzichten van <name>"), as its template's blocktranslate."""
    return mark_safe(_("Inzichten van %(name)s") % {"name": escape(str(client))})  # noqa: S308


@never_cache
@practitioner_required
@require_safe
def client_timeline(request: HttpRequest, client_id: int) -> HttpResponse:
    """The timeline tab: the last twelve weeks, newest first (kind TIMELINE)."""
    client, grant = client_with_access(request, client_id)
    practitioner = request.user
    today = local_today(client)
    first = timeline.first_day(today)
    since = datetime.combine(first, datetime.min.time(), tzinfo=zone_of(client))
    weeks = timeline.timeline(
        client,
        practitioner,
        today=today,
        shared=grant["share_notes"],
        progress=program_controls.read_progress(client),
        alerts=alert_views.client_alerts(practitioner, client, since),
        note_marks=notes.note_marks(practitioner, client, since),
        assignments=assignments.visible_list(practitioner, client),
        checkins=timeline.read_checkins(client, first),
        pijntests=timeline.read_pijntests(client, since),
    )
    context = {
        "title": timeline_title(client),
        "timeline_section": timeline.section(weeks),
    }
    return _tab(request, client, "client_timeline", "practice/client_timeline.html", context)


@never_cache
@practitioner_required
@require_safe
def client_insights(request: HttpRequest, client_id: int) -> HttpResponse:
    """The insights tab: the client's insights and "what calms me", as the client sees them
    (kind INSIGHTS)."""
    from lijfwijs.diary import presenting  # numpy and scipy load on first use

    client, _grant_details = client_with_access(request, client_id)
    context = presenting.page_context(client, local_today(client))
    context.update(calm.context(what_calms_me(client)))
    parts = _tab_parts(get_language(), get_script_prefix())
    context["title"] = insights_title(client)
    context["insights_html"] = record_markup.insights(context)
    context["insights_css"] = mark_safe(  # noqa: S308 - a static-file url, escaped
        f'<link rel="stylesheet" href="{parts["insights_css"]}">'
    )
    return _tab(request, client, "client_insights", "practice/client_insights.html", context)


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
    path("clienten/<int:client_id>/tijdlijn/", client_timeline, name="client_timeline"),
    path("clienten/<int:client_id>/inzichten/", client_insights, name="client_insights"),
    path("clienten/<int:client_id>/programma/", client_program, name="client_program"),
    path(
        "clienten/<int:client_id>/uitslagen/<str:response_id>/",
        client_report,
        name="client_report",
    ),
]
