"""The practitioner's start page panel: their open alerts first, then the way to their clients."""

from typing import Any

from django.db import transaction
from django.middleware.csrf import get_token
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
    if not request.user.is_practitioner:
        return None
    panels: list[Any] = []
    alerts = open_alerts(request.user)
    if alerts:
        # Who needs attention and why is data about those clients: logged like the client list.
        log_access(
            request.user,
            sorted({a.client_id for a in alerts}),
            AccessLog.Kind.CLIENT_LIST,
            AccessLog.Action.LIST,
            object_ref="alerts",
        )
        # The panel holds the acknowledge forms (panels are rendered without the request).
        context = {"alerts": alerts, "csrf_token": get_token(request)}
        panels.append(("practice/_alerts_panel.html", context, "first"))
    panels.append(("practice/_home_panel.html", {}))
    return panels


def acknowledge(alert: Alert, practitioner: Any) -> bool:
    """Mark one alert as seen; a second click changes nothing. Returns whether this one did."""
    with transaction.atomic():
        return bool(
            Alert.objects.filter(pk=alert.pk, acknowledged_at__isnull=True).update(
                acknowledged_at=timezone.now(), acknowledged_by=practitioner
            )
        )
