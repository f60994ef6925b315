"""The practitioner's start page panel: their open alerts first, then the way to their clients."""

from typing import Any

from django.db import transaction
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils import timezone

from lijfwijs.accounts.audit import log_access
from lijfwijs.accounts.models import AccessLog

from .access import alerts_of
from .models import Alert


def open_alerts(practitioner: Any) -> list[Alert]:
    return list(alerts_of(practitioner).open().select_related("client").order_by("-created_at"))


def home_panel(
    request: Any,
) -> list[tuple[str, dict[str, Any], str] | tuple[str, dict[str, Any]]] | None:
    if request.user.is_client:  # their practitioners' assignments (none: no panel)
        from .assignments import home_panel as assignments_panel

        return assignments_panel(request)
    if request.user.is_assistant:  # the practice's page (they see no client data)
        from .members import home_panel as practice_panel

        return practice_panel(request)
    if not request.user.is_practitioner:
        return None
    panels: list[Any] = []
    alerts = open_alerts(request.user)
    if alerts:
        from .alert_views import entries

        # Who needs attention and why is data about those clients: logged like the client list.
        log_access(
            request.user,
            sorted({a.client_id for a in alerts}),
            AccessLog.Kind.CLIENT_LIST,
            AccessLog.Action.LIST,
            object_ref="alerts",
        )
        # The panel holds the acknowledge forms (panels are rendered without the request).
        context = {
            "entries": entries(alerts),
            "next": reverse("home"),
            "csrf_token": get_token(request),
        }
        panels.append(("practice/_alerts_panel.html", context, "first"))
    panels.append(("practice/_home_panel.html", {}))
    return panels


def acknowledge(alert: Alert, practitioner: Any, note: str = "") -> bool:
    """Mark one alert as seen, with an optional note (encrypted at rest) of what the
    practitioner did; a second click changes nothing. Returns whether this one did; that change
    is logged for the client (kind ALERTS, action CHANGE)."""
    with transaction.atomic():
        changed = bool(
            Alert.objects.filter(pk=alert.pk, acknowledged_at__isnull=True).update(
                acknowledged_at=timezone.now(),
                acknowledged_by=practitioner,
                acknowledged_note=note.strip(),
            )
        )
        if changed:
            log_access(
                practitioner,
                [alert.client_id],
                AccessLog.Kind.ALERTS,
                AccessLog.Action.CHANGE,
                object_ref=f"alert:{alert.pk}",
            )
        return changed
