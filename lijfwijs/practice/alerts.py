"""Alerts to practitioners: raised by tasks after a write, once per cause; a daily digest.

A finding is a stored instrument response with a crisis answer or an urgent or same-day red flag
(`safety_finding`, called by the assessments app through the hook of that name), or a yes to
the flare-up notice's safety questions (`flare_safety_finding`, called by the diary). Both only
enqueue `raise_alerts` when the transaction commits; the task then gives every practitioner who
has access to the client at that moment one `Alert` and one email without health content.

At-least-once is enough: the task may run twice, or in two workers at once. Each alert is an
INSERT under a unique constraint (source, practitioner); the run that loses gets an
IntegrityError and moves on, so there is never a second alert, and the email goes with the
INSERT that won (in the same transaction, sent after its commit).

The diary's alerts (pain rising, silence) come from the pure rule in `alert_rules`: after a
check-in is saved or deleted (`checkin_saved`, called by the diary) the task `evaluate_client`
asks the rule for every practitioner with access (each with their own number of days of
silence) and INSERTs the causes it returns under the same constraint, without an email: they
come in the daily digest. Silence is raised by no write, so `manage.py check_alerts` (hourly)
evaluates every client with access in batches and then sends the digests (`send_digests`):
one email a day at most per practitioner, claimed by INSERTing `DigestSent` (practitioner, local
day) under its unique constraint before the alerts are marked and the email is queued.
"""

import logging
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone
from django_tasks import task

from lijfwijs.accounts.localtime import local_today, zone_of
from lijfwijs.accounts.models import Membership, PractitionerAccess, User
from lijfwijs.accounts.services import link
from lijfwijs.core.mail import email_language, send_email

from . import alert_rules
from .models import Alert, DigestSent

logger = logging.getLogger(__name__)

RESPONSE = "response"
SAFETY_CHECK = "safety_check"
EMAIL = "practice/emails/alert"
DIGEST = "practice/emails/digest"
DEFAULT_SILENCE_DAYS = 7  # a practitioner without a membership (Membership.silence_days' default)
BATCH = 200  # clients evaluated together by check_alerts (a fixed number of queries each)
# The digest goes out from this local time on (a scheduler run at night waits for the morning).
DIGEST_FROM = time(7, 0)
DIARY_KINDS = (Alert.Kind.PAIN_RISING, Alert.Kind.SILENCE)


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


# --- The diary's alerts: pain rising and silence ---------------------------------------------


def checkin_saved(client_id: int) -> None:
    """Hook `checkin_saved`: a check-in was saved or deleted (inside the diary's transaction).

    Queues `evaluate_client` when that commits, and only for a client who grants someone access
    (checked then, outside the diary's request and its queries)."""

    def enqueue() -> None:
        try:
            if PractitionerAccess.objects.active().filter(client_id=client_id).exists():
                evaluate_client.enqueue(client_id=int(client_id))
        except Exception:
            logger.exception("Could not enqueue the diary alerts of client %s", client_id)

    transaction.on_commit(enqueue)


@task
def evaluate_client(client_id: int) -> int:
    """The diary alerts of one client for every practitioner with access; returns how many this
    run raised (0 when there was nothing new, or another run raised them)."""
    return evaluate_clients([client_id])


def _granted_practitioners() -> Any:
    return PractitionerAccess.objects.active().filter(
        practitioner__role=User.Role.PRACTITIONER, practitioner__is_active=True
    )


def evaluate_clients(client_ids: Iterable[int], now: datetime | None = None) -> int:
    """Ask the rule about each of these clients for each practitioner with access, and INSERT
    the causes not raised yet. A fixed number of queries for any number of clients, plus one
    INSERT per new alert."""
    now = now or timezone.now()
    clients = {
        c.pk: c
        for c in User.objects.filter(
            pk__in=list(client_ids), is_active=True, role=User.Role.CLIENT
        ).only("pk", "time_zone")
    }
    if not clients:
        return 0
    grants = list(
        _granted_practitioners()
        .filter(client_id__in=clients)
        .values_list("client_id", "practitioner_id", "granted_at")
    )
    if not grants:
        return 0
    silence = dict(
        Membership.objects.filter(user_id__in={p for _c, p, _g in grants}).values_list(
            "user_id", "silence_days"
        )
    )
    today = {pk: local_today(c, now) for pk, c in clients.items()}
    since = min(today.values()) - timedelta(days=alert_rules.LOOKBACK_DAYS)
    from lijfwijs.diary.models import CheckIn

    diaries: dict[int, list[tuple[date, float | None]]] = {pk: [] for pk in clients}
    rows = CheckIn.objects.filter(user_id__in=clients, day__gte=since).order_by()
    for user_id, day, pain in rows.values_list("user_id", "day", "pain"):
        diaries[user_id].append((day, pain))
    quiet = [pk for pk, diary in diaries.items() if not diary]
    if quiet:  # no check-in in the window: the latest one still says since when it is silent
        latest = (
            CheckIn.objects.filter(user_id__in=quiet)
            .order_by()
            .values("user_id")
            .annotate(last=Max("day"))
            .values_list("user_id", "last")
        )
        for user_id, last in latest:
            diaries[user_id].append((last, None))

    from lijfwijs.diary import insights as core

    flares = {pk: core.flare_up(alert_rules.days_of(d), today[pk]) for pk, d in diaries.items()}
    wanted: list[tuple[int, int, str, str]] = []  # (client, practitioner, kind, cause)
    for client_id, practitioner_id, granted_at in grants:
        found = alert_rules.causes(
            today=today[client_id],
            checkins=diaries[client_id],
            flare=flares[client_id],
            silence_days=silence.get(practitioner_id, DEFAULT_SILENCE_DAYS),
            granted_on=granted_at.astimezone(zone_of(clients[client_id])).date(),
        )
        wanted += [(client_id, practitioner_id, kind, cause) for kind, cause in found]
    if not wanted:
        return 0
    existing = set(
        Alert.objects.filter(
            client_id__in={w[0] for w in wanted}, cause__in={w[3] for w in wanted}
        ).values_list("client_id", "practitioner_id", "cause")
    )
    raised = 0
    for client_id, practitioner_id, kind, cause in wanted:
        if (client_id, practitioner_id, cause) in existing:
            continue
        try:
            with transaction.atomic():
                # No email: the diary's alerts come in the daily digest (send_digests).
                Alert.objects.create(
                    client_id=client_id,
                    practitioner_id=practitioner_id,
                    kind=kind,
                    cause=cause,
                    created_at=now,
                )
        except IntegrityError:
            continue  # another run raised it meanwhile
        raised += 1
    return raised


def clients_with_access(batch: int = BATCH) -> Iterator[list[int]]:
    """The ids of every active client who grants a practitioner access, in batches (keyset)."""
    after = 0
    while True:
        ids = list(
            _granted_practitioners()
            .filter(client__is_active=True, client__role=User.Role.CLIENT, client_id__gt=after)
            .order_by("client_id")
            .values_list("client_id", flat=True)
            .distinct()[:batch]
        )
        if not ids:
            return
        yield ids
        after = ids[-1]


# --- The daily digest ------------------------------------------------------------------------


def _undigested() -> Any:
    """Open alerts not yet in a digest, about clients who still grant their practitioner access."""
    granted = PractitionerAccess.objects.active().filter(
        client=OuterRef("client"), practitioner=OuterRef("practitioner")
    )
    return Alert.objects.filter(
        Exists(granted),
        acknowledged_at__isnull=True,
        digested_at__isnull=True,
        client__is_active=True,
        client__role=User.Role.CLIENT,
    )


def send_digests(now: datetime | None = None) -> int:
    """One email to each practitioner with the digest on and open alerts not digested yet, at
    most one a day (their local day), from DIGEST_FROM local time. Returns how many were queued.

    Each is claimed by INSERTing `DigestSent` (practitioner, day) first: a second run, or one in
    parallel, gets the IntegrityError and sends nothing. The alerts are marked in the same
    transaction, and the email is queued when it commits (send_email)."""
    now = now or timezone.now()
    digest_on = Membership.objects.filter(user=OuterRef("pk"), alert_digest=True)
    practitioners = User.objects.filter(
        Exists(digest_on),
        pk__in=_undigested().values("practitioner_id"),
        role=User.Role.PRACTITIONER,
        is_active=True,
    ).only("pk", "email", "language", "time_zone")
    practitioners = list(practitioners)
    # Today's digests already sent (local days lie within a day of UTC's): not tried again.
    utc_day = now.astimezone(UTC).date()
    done = set(
        DigestSent.objects.filter(
            practitioner__in=practitioners,
            day__gte=utc_day - timedelta(days=1),
            day__lte=utc_day + timedelta(days=1),
        ).values_list("practitioner_id", "day")
    )
    sent = 0
    for practitioner in practitioners:
        local = now.astimezone(zone_of(practitioner))
        if local.time() < DIGEST_FROM or (practitioner.pk, local.date()) in done:
            continue
        with transaction.atomic():
            try:
                with transaction.atomic():
                    DigestSent.objects.create(practitioner=practitioner, day=local.date())
            except IntegrityError:
                continue  # today's digest went out (or is going out in another run)
            alerts = list(_undigested().filter(practitioner=practitioner).values_list("pk", "kind"))
            if not alerts:  # acknowledged meanwhile: no claim, so a later alert can still go
                transaction.set_rollback(True)
                continue
            Alert.objects.filter(pk__in=[pk for pk, _kind in alerts]).update(digested_at=now)
            language = email_language(practitioner.language)
            counts = Counter(kind for _pk, kind in alerts)
            # Counts per kind and a link: no client, no answers, no dates (see the templates).
            send_email(
                practitioner.email,
                DIGEST,
                {
                    "counts": {kind: counts.get(kind, 0) for kind in Alert.Kind.values},
                    "total": len(alerts),
                    "link": link("practice:alerts", language),
                },
                practitioner.language,
            )
        sent += 1
    return sent


@dataclass
class Report:
    clients: int = 0
    raised: int = 0
    digests: int = 0

    def summary(self) -> str:
        return (
            f"alerts: {self.clients} clients evaluated, {self.raised} alerts raised, "
            f"{self.digests} digests queued"
        )


def check_alerts(now: datetime | None = None, batch: int = BATCH) -> Report:
    """The hourly run: every client with access evaluated (silence comes with time, not with a
    write), then the digests. Idempotent: a second run, or one in parallel, raises and sends
    nothing twice."""
    now = now or timezone.now()
    report = Report()
    for ids in clients_with_access(batch):
        report.clients += len(ids)
        report.raised += evaluate_clients(ids, now)
    report.digests = send_digests(now)
    return report
