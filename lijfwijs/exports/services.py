"""Exports: asking for one, making it (at once when it is small, else by the task queue), handing
it only to the person who asked, and deleting it when it expires or the person's data is erased.

The only write path of `ExportJob`. A job is made in a transaction with its access-log row (a
practitioner's export) and its task (the database task backend), so either all are written or
none; a double click finds the job already being made (a conditional unique constraint).
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef
from django.http import Http404
from django.utils import timezone, translation

from lijfwijs.accounts.access import clients_of
from lijfwijs.accounts.audit import log_access
from lijfwijs.accounts.models import AccessLog, PractitionerAccess, User
from lijfwijs.core import crypto, ratelimit, tasks

from .models import ExportJob

logger = logging.getLogger(__name__)

Kind = ExportJob.Kind
Status = ExportJob.Status

# Below this many stored rows (check-ins, practice sessions, responses) an export is made in the
# request: well under a second (bench/exports_bench.py). Larger ones go to the task queue.
INLINE_ROWS = 400
RATE_LIMIT = 10  # exports asked for per person per window
RATE_WINDOW = 60 * 60  # seconds
STUCK_AFTER = timedelta(minutes=30)  # a job still running this long: its worker died
REQUEUE_AFTER = timedelta(minutes=10)  # a job still pending this long: its task was lost (RQ)

CLIENT_KINDS = (Kind.PDF, Kind.DIARY_CSV, Kind.PRACTICE_CSV, Kind.FHIR, Kind.JSON)
PRACTITIONER_KINDS = (Kind.PDF, Kind.DIARY_CSV, Kind.PRACTICE_CSV, Kind.FHIR)
CSV_KINDS = (Kind.DIARY_CSV, Kind.PRACTICE_CSV)


def kinds_for(asker: Any, client: Any) -> list[str]:
    """What `asker` may export about `client` (themselves, or a client of theirs)."""
    return list(CLIENT_KINDS if asker.pk == client.pk else PRACTITIONER_KINDS)


def shares_notes(practitioner: Any, client: Any) -> bool:
    return (
        PractitionerAccess.objects.active()
        .filter(client=client, practitioner=practitioner, share_notes=True)
        .exists()
    )


def size_of(client: Any) -> int:
    """How many rows an export of `client` reads (three counts in one query)."""
    from lijfwijs.assessments.models import Response
    from lijfwijs.diary.models import CheckIn
    from lijfwijs.exercises.models import PracticeSession

    counts = (
        User.objects.filter(pk=client.pk)
        .annotate(
            n_checkins=_count(CheckIn.objects.filter(user=OuterRef("pk"))),
            n_sessions=_count(PracticeSession.objects.filter(user=OuterRef("pk"))),
            n_responses=_count(Response.objects.filter(user=OuterRef("pk"))),
        )
        .values_list("n_checkins", "n_sessions", "n_responses")
        .first()
    )
    return sum(counts or ())


def _count(queryset: Any) -> Any:
    from django.db.models import Count, IntegerField, Subquery
    from django.db.models.functions import Coalesce

    counted = queryset.order_by().values("user").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


# --- asking ----------------------------------------------------------------------------------


def allowed(asker: Any) -> bool:
    """Count one request for an export (a wrong password too); False past RATE_LIMIT a window."""
    return ratelimit.hit("exports", str(asker.pk), RATE_LIMIT, RATE_WINDOW)


def request_export(
    asker: Any, client: Any, kind: str, variant: str = "", *, language: str = "nl"
) -> ExportJob:
    """Ask for an export of `client` by `asker` (the client, or a practitioner whose access the
    caller has checked with `accounts.access.client_for`). Small ones are made now; the rest by
    the task queue. The caller has counted the request with `allowed`."""
    if kind not in kinds_for(asker, client):
        raise ValueError(f"{kind} is not an export {asker.pk} may ask for")
    variant = variant if kind in CSV_KINDS else ""
    inline = size_of(client) < INLINE_ROWS
    try:
        with transaction.atomic():
            job = ExportJob.objects.create(
                requested_by=asker, client=client, kind=kind, variant=variant, language=language
            )
            if asker.pk != client.pk:
                log_access(asker, [client.pk], AccessLog.Kind.EXPORT, AccessLog.Action.EXPORT, kind)
            if not inline:
                _queue(job.pk)
    except IntegrityError:
        # The same export is being made already (a double click, a second tab): that one is
        # the answer (it may have been finished since; the newest of its kind is it).
        same = (
            ExportJob.objects.filter(requested_by=asker, client=client, kind=kind, variant=variant)
            .defer("content")
            .order_by("-created_at")
            .first()
        )
        if same is None:
            raise
        return same
    if inline:
        run(job.pk)
        job.refresh_from_db()
    return job


def _queue(job_id: Any) -> None:
    from .tasks import make_export

    tasks.enqueue_following(
        make_export,
        ExportJob,
        lambda: make_export.enqueue(str(job_id)),
        label=f"export {job_id}",
    )


# --- making ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class File:
    data: bytes
    filename: str
    content_type: str


def build(job: ExportJob) -> File:
    """The file of `job`, in the job's language."""
    client, asker = job.client, job.requested_by
    with translation.override(job.language):
        if job.kind == Kind.PDF:
            from . import pdf

            return File(pdf.render(client, asker), "lijfwijs-overzicht.pdf", "application/pdf")
        if job.kind in CSV_KINDS:
            from . import csvs

            dutch = job.variant == ExportJob.Variant.DUTCH
            if job.kind == Kind.DIARY_CSV:
                notes = asker.pk == client.pk or shares_notes(asker, client)
                data = csvs.diary_csv(client, dutch=dutch, with_notes=notes)
            else:
                data = csvs.practice_csv(client, dutch=dutch)
            return File(data, csvs.filename(job.kind, dutch), "text/csv; charset=utf-8")
        if job.kind == Kind.FHIR:
            from . import fhir  # the R4B models load on first use

            return File(fhir.bundle_json(client), "lijfwijs-fhir.json", fhir.CONTENT_TYPE)
        if job.kind == Kind.JSON:
            import json

            from lijfwijs.accounts.exporting import export_user

            body = json.dumps(export_user(client), ensure_ascii=False, indent=2)
            return File(body.encode("utf-8"), "lijfwijs-export.json", "application/json")
    raise ValueError(f"unknown export kind {job.kind}")


def run(job_id: Any, *, notify: bool = False) -> str:
    """Make one job's file (at most once, however often this runs): claim it (pending → running
    with a conditional UPDATE), build it, store it encrypted. A job deleted meanwhile (the
    person's data erased) stays deleted: the final UPDATE finds no row. `notify` (the task's
    run): the asker gets an email that the file is ready (no health data in it, only the link
    to the downloads page)."""
    now = timezone.now()
    claimed = ExportJob.objects.filter(pk=job_id, status=Status.PENDING).update(
        status=Status.RUNNING, finished_at=None
    )
    if not claimed:
        return "not pending"
    job = ExportJob.objects.select_related("client", "requested_by").get(pk=job_id)
    try:
        made = build(job)
    except Exception:
        logger.exception("Export %s (%s) failed", job_id, job.kind)
        ExportJob.objects.filter(pk=job_id, status=Status.RUNNING).update(
            status=Status.FAILED, finished_at=timezone.now()
        )
        return "failed"
    token = crypto.get_fernet().encrypt(made.data)
    stored = ExportJob.objects.filter(pk=job_id, status=Status.RUNNING).update(
        status=Status.READY,
        content=token,
        filename=made.filename,
        content_type=made.content_type,
        size=len(made.data),
        finished_at=timezone.now(),
    )
    logger.info("Export %s made in %.2f s", job_id, (timezone.now() - now).total_seconds())
    if stored and notify:
        _tell_ready(job)
    return "ready" if stored else "gone"


def _tell_ready(job: ExportJob) -> None:
    from django.utils import formats

    from lijfwijs.accounts.localtime import zone_of
    from lijfwijs.accounts.services import link
    from lijfwijs.core.mail import send_email

    asker = job.requested_by
    with translation.override(job.language):
        if job.client_id == asker.pk:
            downloads = link("exports:mine", job.language)
        else:
            downloads = link("exports:client", job.language, client_id=job.client_id)
        context = {
            "name": asker.display_name or asker.email,
            "kind": str(job.get_kind_display()),
            "until": formats.date_format(job.expires_at.astimezone(zone_of(asker)), "j F H:i"),
            "downloads_link": downloads,
        }
    send_email(asker.email, "exports/emails/ready", context, job.language)


# --- fetching --------------------------------------------------------------------------------


def jobs_of(asker: Any, client: Any) -> list[ExportJob]:
    """The live exports `asker` asked for about `client`, newest first (without their files)."""
    return list(
        ExportJob.objects.live()
        .filter(requested_by=asker, client=client)
        .defer("content")
        .order_by("-created_at")[:20]
    )


def job_for(request: Any, job_id: Any) -> ExportJob:
    """A ready, unexpired job the requesting person asked for, or 404 (anyone else's, an expired
    one, or a practitioner's whose access to the client has ended)."""
    user = request.user
    if not user.is_authenticated:
        raise Http404("no such export")
    job = (
        ExportJob.objects.live()
        .filter(pk=job_id, requested_by=user, status=Status.READY)
        .select_related("client")
        .first()
    )
    if job is None:
        raise Http404("no such export")
    if job.client_id != user.pk and not clients_of(user).filter(pk=job.client_id).exists():
        raise Http404("no such export")
    return job


def file_of(job: ExportJob) -> bytes:
    """The stored file, decrypted; a file no configured key can read is gone (404)."""
    try:
        return crypto.get_fernet().decrypt(bytes(job.content))
    except Exception:
        raise Http404("no such export") from None


# --- deleting --------------------------------------------------------------------------------


@dataclass
class Purged:
    expired: int = 0
    no_access: int = 0
    failed_stuck: int = 0
    requeued: int = 0


def purge(now: datetime | None = None) -> Purged:
    """Delete expired exports and practitioners' exports about clients who no longer give them
    access; mark jobs whose worker died as failed; queue again jobs whose task was lost. Safe to
    run often and from two schedulers at once."""
    now = now or timezone.now()
    report = Purged()
    report.expired = ExportJob.objects.filter(expires_at__lte=now).delete()[0]
    granted = PractitionerAccess.objects.active().filter(
        client=OuterRef("client"), practitioner=OuterRef("requested_by")
    )
    report.no_access = (
        ExportJob.objects.exclude(requested_by=F("client")).filter(~Exists(granted)).delete()[0]
    )
    report.failed_stuck = ExportJob.objects.filter(
        status=Status.RUNNING, created_at__lte=now - STUCK_AFTER
    ).update(status=Status.FAILED, finished_at=now)
    for job_id in ExportJob.objects.filter(
        status=Status.PENDING, created_at__lte=now - REQUEUE_AFTER
    ).values_list("pk", flat=True):
        with transaction.atomic():
            _queue(job_id)
        report.requeued += 1
    return report


def erase_user_health_data(user: Any) -> None:
    """Consent withdrawn (inside its transaction): every export about the person goes, whoever
    asked for it; a job being made finds no row to store its file in."""
    ExportJob.objects.filter(client=user).delete()


def background_json_export(user: Any, language: str) -> str | None:
    """The account's JSON download (accounts.views.export, after the password check): None for a
    small account, which gets the file at once as before; for a large one the file is made in the
    background and the address of the downloads page is returned, where it appears."""
    if size_of(user) < INLINE_ROWS:
        return None
    from django.urls import reverse

    if allowed(user):
        request_export(user, user, Kind.JSON, language=language)
    return reverse("exports:mine")  # the page lists what was asked for, also when refused
