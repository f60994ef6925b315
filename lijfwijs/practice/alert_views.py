"""The practitioner's alerts: the alerts page, acknowledging one with a note, their own settings,
and the section of a client's page (`client_section`)."""

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from django import forms
from django.contrib import messages
from django.db import connection
from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lijfwijs.accounts.audit import log_access
from lijfwijs.accounts.models import AccessLog, Membership

from . import alert_rules, services
from .access import alert_for, alerts_of, practitioner_required
from .models import Alert

NOTE_MAX = 2000
ACKNOWLEDGED_SHOWN = 30  # on the alerts page
CLIENT_ACKNOWLEDGED_SHOWN = 5  # in a client's section


class AcknowledgeForm(forms.Form):
    """An optional note with the acknowledgement (prefixed per alert: many forms on one page)."""

    note = forms.CharField(
        label=gettext_lazy("Notitie (niet verplicht)"),
        help_text=gettext_lazy(
            "Wat je hebt gedaan, bijvoorbeeld: gebeld, afspraak gemaakt. Alleen jij ziet deze "
            "notitie; ze wordt versleuteld bewaard."
        ),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": NOTE_MAX}),
        error_messages={
            "max_length": gettext_lazy(
                "Houd de notitie op hooguit %(limit_value)s tekens (nu %(show_value)s)."
            )
        },
    )

    def __init__(self, *args: Any, alert: Alert, **kwargs: Any) -> None:
        super().__init__(*args, prefix=f"ack-{alert.pk}", **kwargs)


class AlertSettingsForm(forms.ModelForm):
    silence_days = forms.IntegerField(
        label=gettext_lazy("Melding bij stilte na"),
        help_text=gettext_lazy(
            "Het aantal dagen zonder check-in waarna je een melding krijgt: 2 tot en met 60."
        ),
        min_value=alert_rules.MIN_SILENCE_DAYS,
        max_value=alert_rules.MAX_SILENCE_DAYS,
        error_messages={
            "required": gettext_lazy("Vul een aantal dagen in, van 2 tot en met 60."),
            "invalid": gettext_lazy("Vul een aantal dagen in, van 2 tot en met 60."),
            "min_value": gettext_lazy("Vul een aantal dagen in, van 2 tot en met 60."),
            "max_value": gettext_lazy("Vul een aantal dagen in, van 2 tot en met 60."),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    class Meta:
        model = Membership
        fields = ["silence_days", "alert_digest"]
        labels = {"alert_digest": gettext_lazy("Stuur me één keer per dag een samenvatting")}
        help_texts = {
            "alert_digest": gettext_lazy(
                "Een e-mail met het aantal nieuwe meldingen per soort, zonder namen of "
                "gezondheidsgegevens. Een crisisantwoord of rode vlag meldt Lijfwijs je altijd "
                "meteen per e-mail."
            )
        }


# --- Words for an alert ------------------------------------------------------------------------


def _day(day: date) -> str:
    today = timezone.localdate()
    return date_format(day, "j N" if day.year == today.year else "j N Y")


def describe(alert: Alert) -> str:
    """What raised the alert, in words (never a diagnosis: what the client answered or did)."""
    day = alert_rules.cause_day(alert.cause)
    if alert.kind == Alert.Kind.SILENCE and day:
        return _("geen check-in sinds %(day)s") % {"day": _day(day)}
    if alert.kind == Alert.Kind.PAIN_RISING and day:
        return _("pijn stijgt sinds %(day)s") % {"day": _day(day)}
    if alert.safety_check_id:
        return _("bij de veiligheidsvragen van een opvlamming")
    return _("in een vragenlijst")


@dataclass
class Entry:
    alert: Alert
    cause: str
    form: AcknowledgeForm | None  # None once acknowledged


def entries(alerts: list[Alert], bound: AcknowledgeForm | None = None) -> list[Entry]:
    """The alerts with their words and, when open, their acknowledge form (`bound`: the one the
    practitioner sent back with a mistake, shown again with what they typed)."""
    out = []
    for alert in alerts:
        form = None
        if alert.acknowledged_at is None:
            if bound is not None and bound.prefix == f"ack-{alert.pk}":
                form = bound
            else:
                form = AcknowledgeForm(alert=alert)
        out.append(Entry(alert, describe(alert), form))
    return out


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("practice:alerts")


# --- The alerts page ---------------------------------------------------------------------------


def _alerts_page(
    request: HttpRequest,
    bound: AcknowledgeForm | None = None,
    next_url: str = "",
    status: int = 200,
) -> HttpResponse:
    mine = alerts_of(request.user).select_related("client", "acknowledged_by")
    open_alerts = list(mine.open().order_by("-created_at"))
    done = list(
        mine.filter(acknowledged_at__isnull=False).order_by("-acknowledged_at")[:ACKNOWLEDGED_SHOWN]
    )
    shown = sorted({a.client_id for a in open_alerts + done})
    log_access(request.user, shown, AccessLog.Kind.ALERTS, AccessLog.Action.LIST, "alerts")
    context = {
        "open": entries(open_alerts, bound),
        "done": entries(done),
        "next": next_url or request.path,
        "has_membership": request.user.membership is not None,
    }
    return render(request, "practice/alerts.html", context, status=status)


@practitioner_required
@require_safe
def alert_list(request: HttpRequest) -> HttpResponse:
    """The practitioner's open alerts first, then the last ones they acknowledged."""
    return _alerts_page(request)


@practitioner_required
@require_POST
def acknowledge_alert(request: HttpRequest, alert_id: int) -> HttpResponse:
    """The practitioner has seen an alert, with an optional note of what they did. A second
    click changes nothing. Back to where the form was (a safe local `next`), else the alerts."""
    alert = alert_for(request, alert_id)
    form = AcknowledgeForm(request.POST, alert=alert)
    if not form.is_valid():
        return _alerts_page(request, form, _safe_next(request), status=422)
    if services.acknowledge(alert, request.user, note=form.cleaned_data["note"]):
        messages.success(request, _("De melding is gemarkeerd als gezien."))
    else:
        messages.info(request, _("Deze melding was al gemarkeerd als gezien."))
    return redirect(_safe_next(request))


# --- Settings ----------------------------------------------------------------------------------


@practitioner_required
@require_http_methods(["GET", "POST"])
def alert_settings(request: HttpRequest) -> HttpResponse:
    """The practitioner's own silence days and digest: always their own membership (no id)."""
    membership = request.user.membership
    if membership is None:
        status = 409 if request.method == "POST" else 200
        return render(request, "practice/alerts_settings.html", {"form": None}, status=status)
    status = 200
    if request.method == "POST":
        form = AlertSettingsForm(request.POST, instance=membership)
        if form.is_valid():
            form.save()
            messages.success(request, _("Je instellingen voor meldingen zijn bewaard."))
            return redirect("practice:alert_settings")
        status = 422
    else:
        form = AlertSettingsForm(instance=membership)
    return render(request, "practice/alerts_settings.html", {"form": form}, status=status)


# --- A client's page ---------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _client_alerts_sql(vendor: str) -> str:
    """The SQL of `client_alerts`, written once per process from the model's own names (the ORM
    took several times longer to build it than the database to answer it). Placeholders: client,
    practitioner, since, client, practitioner."""
    quote = connection.ops.quote_name
    table = quote(Alert._meta.db_table)
    columns = ", ".join(f"{table}.{quote(f.column)}" for f in Alert._meta.concrete_fields)
    c = {f.name: quote(f.column) for f in Alert._meta.concrete_fields}
    pair = f"{c['client']} = %s AND {c['practitioner']} = %s"
    return (
        f"SELECT {columns} FROM {table} WHERE {pair} AND ("  # noqa: S608 (model names only)
        f"{c['acknowledged_at']} IS NULL OR {c['created_at']} >= %s OR {c['id']} IN ("
        f"SELECT {c['id']} FROM {table} WHERE {pair} AND {c['acknowledged_at']} IS NOT NULL "
        f"ORDER BY {c['acknowledged_at']} DESC LIMIT {CLIENT_ACKNOWLEDGED_SHOWN}))"
    )


def client_alerts(practitioner: Any, client: Any, since: datetime) -> list[Alert]:
    """The practitioner's alerts about the client that the client's page shows: the open ones,
    the last CLIENT_ACKNOWLEDGED_SHOWN acknowledged ones and those raised since `since` (the
    timeline's weeks), with who acknowledged them (a second query only when there are such).
    `client` is one of the practitioner's clients now (`client_for` said so in this request):
    that is the rule of `alerts_of` for one client, so the pair is enough here."""
    if not getattr(practitioner, "is_practitioner", False) or not practitioner.is_active:
        return []
    moment = connection.ops.adapt_datetimefield_value(since)  # SQLite: text in UTC
    params = [client.pk, practitioner.pk, moment, client.pk, practitioner.pk]
    found = list(Alert.objects.raw(_client_alerts_sql(connection.vendor), params))
    if any(a.acknowledged_by_id for a in found):
        prefetch_related_objects(found, "acknowledged_by")
    return found


def client_lists(alerts: list[Alert]) -> tuple[list[Alert], list[Alert]]:
    """Of `client_alerts()`: the open ones, newest first, and the last CLIENT_ACKNOWLEDGED_SHOWN
    acknowledged ones, last acknowledged first (what the client's page shows)."""
    open_alerts = sorted(
        (a for a in alerts if a.acknowledged_at is None),
        key=lambda a: a.created_at,
        reverse=True,
    )
    done = sorted(
        (a for a in alerts if a.acknowledged_at is not None),
        key=lambda a: a.acknowledged_at,
        reverse=True,
    )[:CLIENT_ACKNOWLEDGED_SHOWN]
    return open_alerts, done


def client_section(
    request: HttpRequest, client: Any, alerts: list[Alert] | None = None
) -> dict[str, Any]:
    """This client's alerts for the requesting practitioner, for the client's page: the open ones
    with their acknowledge forms and the last acknowledged ones. Writes no access-log row (the
    page writes one). Merge into the page's context; `practice/_client_alerts.html` shows it.
    `alerts`: `client_alerts()` when the page has read them already."""
    if alerts is None:
        mine = alerts_of(request.user).filter(client=client).select_related("acknowledged_by")
        open_alerts = list(mine.open().order_by("-created_at"))
        done = list(
            mine.filter(acknowledged_at__isnull=False).order_by("-acknowledged_at")[
                :CLIENT_ACKNOWLEDGED_SHOWN
            ]
        )
    else:
        open_alerts, done = client_lists(alerts)
    return {
        "client_alerts": {
            "open": entries(open_alerts),
            "done": entries(done),
            "next": request.get_full_path(),
        }
    }


urlpatterns = [
    path("meldingen/", alert_list, name="alerts"),
    path("meldingen/instellingen/", alert_settings, name="alert_settings"),
    path("meldingen/<int:alert_id>/gezien/", acknowledge_alert, name="acknowledge_alert"),
]
