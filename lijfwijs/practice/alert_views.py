"""The practitioner's alerts: the alerts page, acknowledging one with a note, their own settings,
and the section of a client's page (`client_section`)."""

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.db import DEFAULT_DB_ALIAS, connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lijfwijs.accounts.audit import log_access
from lijfwijs.accounts.models import AccessLog, Membership
from lijfwijs.core.redirects import local_path
from lijfwijs.core.statements import Compiled, Slot

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
    return local_path(request, request.POST.get("next"), reverse("practice:alerts"))


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
    return HttpResponseRedirect(_safe_next(request))


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


_STAND_IN = -918_273_640  # the stand-ins of the compiled statement's values: no row has them
_ALERT_FIELDS = tuple(f.attname for f in Alert._meta.concrete_fields)


def _client_alerts_queryset() -> Any:
    """The rule of `client_alerts` as a queryset with stand-ins for its values: the pair's open
    alerts, those raised since a moment, and the last CLIENT_ACKNOWLEDGED_SHOWN acknowledged
    ones, with the name and address of who acknowledged them."""
    from django.db.models import Q

    def pair(n: int) -> dict[str, int]:
        return {"client_id": _STAND_IN - n, "practitioner_id": _STAND_IN - n - 1}

    last_seen = (
        Alert.objects.filter(**pair(2), acknowledged_at__isnull=False)
        .order_by("-acknowledged_at")
        .values("pk")[:CLIENT_ACKNOWLEDGED_SHOWN]
    )
    since = datetime(1901, 2, 3, 4, 5, 6, tzinfo=UTC)
    return (
        Alert.objects.filter(**pair(0))
        .filter(Q(acknowledged_at__isnull=True) | Q(created_at__gte=since) | Q(pk__in=last_seen))
        .order_by()
        .values_list(*_ALERT_FIELDS, "acknowledged_by__display_name", "acknowledged_by__email")
    )


_CLIENT_ALERTS = Compiled(
    "the client page's alerts",
    _client_alerts_queryset,
    client=Slot(_STAND_IN, None),
    practitioner=Slot(_STAND_IN - 1, None),
    since=Slot(
        datetime(1901, 2, 3, 4, 5, 6, tzinfo=UTC),
        lambda moment: connection.ops.adapt_datetimefield_value(moment),
    ),
    last_client=Slot(_STAND_IN - 2, None),
    last_practitioner=Slot(_STAND_IN - 3, None),
)


def client_alerts(practitioner: Any, client: Any, since: datetime) -> list[Alert]:
    """The practitioner's alerts about the client that the client's page shows: the open ones,
    the last CLIENT_ACKNOWLEDGED_SHOWN acknowledged ones and those raised since `since` (the
    timeline's weeks), with who acknowledged them (their name and address), in one statement
    compiled once per process (core.statements). `client` is one of the practitioner's clients
    now (`client_for` said so in this request): that is the rule of `alerts_of` for one client,
    so the pair is enough here."""
    from lijfwijs.accounts.models import User

    if not getattr(practitioner, "is_practitioner", False) or not practitioner.is_active:
        return []
    rows = _CLIENT_ALERTS.rows(
        client=client.pk,
        practitioner=practitioner.pk,
        since=since,
        last_client=client.pk,
        last_practitioner=practitioner.pk,
    )
    found = []
    width = len(_ALERT_FIELDS)
    for row in rows:
        alert = Alert.from_db(DEFAULT_DB_ALIAS, _ALERT_FIELDS, row[:width])
        if alert.acknowledged_by_id is not None:
            # who acknowledged it, with the two fields shown (the others deferred), given in
            # the model's own order of fields as from_db wants them
            known = dict(zip(("display_name", "email"), row[width:], strict=True))
            known["id"] = alert.acknowledged_by_id
            names = [f.attname for f in User._meta.concrete_fields if f.attname in known]
            alert.acknowledged_by = User.from_db(DEFAULT_DB_ALIAS, names, [known[n] for n in names])
        found.append(alert)
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
