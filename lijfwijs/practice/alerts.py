"""Alerts to practitioners: raised by a task after a safety finding is stored, once per source.

A finding is a stored instrument response with a crisis answer or an urgent or same-day red flag
(`safety_finding`, called by the assessments app through the hook of that name), or a yes to
the flare-up notice's safety questions (`flare_safety_finding`, called by the diary). Both only
enqueue `raise_alerts` when the transaction commits; the task then gives every practitioner who
has access to the client at that moment one `Alert` and one email without health content.

At-least-once is enough: the task may run twice, or in two workers at once. Each alert is an
INSERT under a unique constraint (source, practitioner); the run that loses gets an
IntegrityError and moves on, so there is never a second alert, and the email goes with the
INSERT that won (in the same transaction, sent after its commit).
"""

import logging
from typing import Any

from django.db import IntegrityError, transaction
from django_tasks import task

from lijfwijs.accounts.models import PractitionerAccess, User
from lijfwijs.accounts.services import link
from lijfwijs.core.mail import send_email

from .models import Alert

logger = logging.getLogger(__name__)

RESPONSE = "response"
SAFETY_CHECK = "safety_check"
EMAIL = "practice/emails/alert"


def safety_finding(response_id: str) -> None:
    """Hook `safety_finding`: a stored response has a crisis answer or an urgent/same-day red flag."""
    _enqueue_on_commit(RESPONSE, str(response_id))


def flare_safety_finding(check_id: int) -> None:
    """Hook `flare_safety_finding`: an answer to the flare-up notice's safety questions was a yes."""
    _enqueue_on_commit(SAFETY_CHECK, str(check_id))


def _enqueue_on_commit(source: str, source_id: str) -> None:
    def enqueue() -> None:
        try:
            raise_alerts.enqueue(source=source, source_id=source_id)
        except Exception:
            # The finding has committed and the person has seen the advice; failing their page
            # would not undo it. Log loudly (without health data) for the operator.
            logger.exception("Could not enqueue the alerts for %s %s", source, source_id)

    transaction.on_commit(enqueue)


def kind_of_result(result: dict[str, Any]) -> str | None:
    """The alert a scored result calls for: a crisis answer first, then the red-flag level."""
    safety = result.get("safety") or {}
    if safety.get("crisis"):
        return Alert.Kind.CRISIS
    level = safety.get("level")
    if level in (Alert.Kind.URGENT, Alert.Kind.SAME_DAY):
        return str(level)
    return None


def _finding(source: str, source_id: str) -> tuple[dict[str, Any], int, str] | None:
    """({source field: id}, client id, kind) of a finding, or None when there is nothing to raise
    (no such row any more, no owner, nothing serious)."""
    if source == RESPONSE:
        from lijfwijs.assessments.models import Response

        row = (
            Response.objects.completed()
            .filter(pk=source_id, user__isnull=False)
            .values("user_id", "result")
            .first()
        )
        kind = kind_of_result(row["result"]) if row else None
        found = {"response_id": source_id, "cause": f"response:{source_id}"}
        return (found, row["user_id"], kind) if row and kind else None
    if source == SAFETY_CHECK:
        from lijfwijs.diary.models import SafetyCheck

        check = SafetyCheck.objects.filter(pk=source_id).values("user_id", "level").first()
        if check is None or check["level"] not in (Alert.Kind.URGENT, Alert.Kind.SAME_DAY):
            return None
        found = {"safety_check_id": int(source_id), "cause": f"safety:{source_id}"}
        return (found, check["user_id"], check["level"])
    raise ValueError(f"unknown source {source!r}")


@task
def raise_alerts(source: str, source_id: str) -> int:
    """One alert and one email for every practitioner with access to the finding's client who has
    none for this source yet. Returns how many this run raised (0 when another run did)."""
    found = _finding(source, source_id)
    if found is None:
        return 0
    source_field, client_id, kind = found
    practitioners = User.objects.filter(
        client_access__client_id=client_id,
        client_access__status=PractitionerAccess.Status.ACTIVE,
        role=User.Role.PRACTITIONER,
        is_active=True,
    ).values("pk", "email", "language")
    raised = 0
    for practitioner in practitioners:
        try:
            with transaction.atomic():
                Alert.objects.create(
                    client_id=client_id,
                    practitioner_id=practitioner["pk"],
                    kind=kind,
                    **source_field,
                )
                # No health content: no kind, no answers, no result, no name (see the templates).
                send_email(
                    practitioner["email"],
                    EMAIL,
                    {"link": link("home", practitioner["language"] or "nl")},
                    practitioner["language"],
                )
        except IntegrityError:
            continue  # another run raised it (or the source was erased meanwhile)
        raised += 1
    return raised
