"""The practitioner's workspace over the API: the client list, a client's summary, alerts and notes.

Mounted at /api/v1/practice/. Signed in through the pages' session (accounts.api_auth) with the
second factor (accounts.middleware answers 403 without it); a write also needs the CSRF token
(X-CSRFToken header) and a JSON body. Only practitioners: anyone else signed in gets 403, and
signed out 401.

Scoped exactly like the pages: clients through `clients_of` / `client_for`, alerts through
`alerts_of` / `alert_for`, so a client who does not grant the caller access now (another
practitioner's, another practice's, or after revoking) is a 404, like one that does not exist.
That 404 comes before the body is read: a refused body never tells whether the client exists.
Every look writes the access-log rows the pages write (one per client listed, one per look of a
client's data, a change for a write).
"""

from datetime import date, datetime
from typing import Any, Literal, TypeVar

from django.core.paginator import InvalidPage
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from lijfwijs.accounts.access import client_for
from lijfwijs.accounts.api_auth import SignedIn
from lijfwijs.accounts.audit import log_access
from lijfwijs.accounts.models import AccessLog
from lijfwijs.core.schemas import ErrorOut, body_schema, read_body

from . import notes, overview, services, timeline
from .access import alert_for, alerts_of
from .alert_views import NOTE_MAX
from .client_list import PER_PAGE
from .models import Alert, ClientNote

NOT_VALID = "The request is not valid."
MAX_LIMIT = 200
MAX_OFFSET = 10**9


class Practitioner(SignedIn):
    """Signed in (with the second factor) as a practitioner; anyone else signed in gets 403."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is not None and not user.is_practitioner:
            raise HttpError(403, "The workspace is for practitioners.")
        return user


router = Router(tags=["workspace"], auth=Practitioner())

ERRORS = {401: ErrorOut, 403: ErrorOut}
WRITE_ERRORS = {**ERRORS, 400: ErrorOut, 404: ErrorOut, 415: ErrorOut, 422: ErrorOut}

T = TypeVar("T")


def _found(thing: T | None) -> T:
    """`thing`, or 404 (the client revoked access while the request ran)."""
    if thing is None:
        raise Http404("gone")
    return thing


# --- the client list ----------------------------------------------------------------------


Flag = Literal["alerts", "silent"]
Step = Literal["1", "2", "3", "4", "5"]  # as the list page's form sends it
# overview.SORTS, as the schema's enum (a test keeps the two the same)
Sort = Literal["name", "-name", "checkin", "-checkin", "alerts", "-alerts", "trend", "-trend"]


class ClientRowOut(Schema):
    id: int
    name: str
    email: str
    url: str = Field(description="The client's page in the workspace.")
    last_checkin: date | None = Field(description="The client's local date; null: never.")
    days_silent: int | None = Field(description="Days since the last check-in; null: never.")
    weekly_pain: list[float | None] = Field(
        description="Mean pain (0-10) of each of the last four weeks, oldest first, the last "
        "ending today; null for a week without check-ins."
    )
    direction: Literal["rising", "falling", "steady", "unknown"] = Field(
        description="The last two weeks' mean against the two before (a change under "
        f"{overview.STEADY_BELOW} points is steady); unknown without data in both halves."
    )
    step: int | None = Field(description="The program step 1-5 the client is in; null: none.")
    open_alerts: int = Field(description="The caller's open alerts about the client.")
    last_contact: datetime | None = Field(
        description="The latest of the caller's last note about the client, the last alert "
        "about them the caller marked as seen, and the grant of access."
    )
    last_contact_kind: Literal["note", "alert", "access", ""]


class ClientPage(Schema):
    count: int = Field(description="The clients that match.")
    page: int
    pages: int = Field(description="The number of pages (at least 1).")
    per_page: int
    items: list[ClientRowOut]


@router.get(
    "/clients",
    response={200: ClientPage, **ERRORS, 404: ErrorOut, 422: ErrorOut},
    summary="The caller's clients, a page at a time, as the client list shows them",
    description="Every client who grants the caller access now, with last check-in, pain "
    "trend, program step, open alerts and last contact. `q` searches name and email address; "
    "`flag` keeps those with open alerts or silent for more than "
    f"{overview.SILENT_AFTER_DAYS} days; `step` those in that program step; `sort` orders by "
    "name, last check-in (longest ago first), open alerts (most first) or pain trend (most "
    "rising first), a `-` reversing it. A page past the last one is a 404, as on the list "
    "page. Each client in the page is written to their access log (one row each).",
)
def list_clients(
    request: HttpRequest,
    q: str = Query("", max_length=100),  # noqa: B008 - ninja's way
    flag: Flag | None = Query(None),  # noqa: B008
    step: Step | None = Query(None),  # noqa: B008
    sort: Sort = Query("name"),  # noqa: B008
    page: int = Query(1, ge=1, le=999_999),  # noqa: B008
) -> Any:
    try:
        found = overview.client_rows(
            request.user,
            q=q,
            flag=flag or "",
            step=int(step) if step else None,
            sort=sort,
            page=page,
            per_page=PER_PAGE,
        )
    except InvalidPage:
        raise Http404("no such page") from None
    rows = list(found.object_list)
    log_access(
        request.user, [r.id for r in rows], AccessLog.Kind.CLIENT_LIST, AccessLog.Action.LIST
    )
    url = reverse("practice:client", kwargs={"client_id": 2147483647})
    return {
        "count": found.paginator.count,
        "page": found.number,
        "pages": found.paginator.num_pages,
        "per_page": PER_PAGE,
        "items": [
            {
                "id": r.id,
                "name": r.name,
                "email": r.email,
                "url": url.replace("2147483647", str(r.id)),
                "last_checkin": r.last_checkin,
                "days_silent": r.days_silent,
                "weekly_pain": list(r.weekly_pain),
                "direction": r.direction,
                "step": r.step,
                "open_alerts": r.open_alerts,
                "last_contact": r.last_contact,
                "last_contact_kind": r.last_contact_kind,
            }
            for r in rows
        ],
    }


# --- a client's summary ----------------------------------------------------------------------


Direction = Literal["better", "worse", "same"]


class PegChangeOut(Schema):
    before: float | None = Field(description="The PEG of the Pijntest before.")
    change: float = Field(description="Points, + is worse.")
    meaningful: bool = Field(description="At least the meaningful change (1 point).")
    direction: Direction


class PijntestOut(Schema):
    id: str
    completed_at: datetime
    peg: float | None = Field(description="The PEG score, 0-10.")
    change: PegChangeOut | None = Field(description="Against the one before; null: the first.")


class DiaryWeekOut(Schema):
    week_start: date = Field(description="The Monday of the week.")
    checkins: int
    mean_pain: float | None


class DiaryTrendOut(Schema):
    weeks: list[DiaryWeekOut] = Field(description="The last four weeks, oldest first.")
    last_two_weeks_mean: float | None
    previous_two_weeks_mean: float | None
    change: float | None = Field(description="Points, + is worse; null without both fortnights.")
    meaningful: bool | None = Field(description="A change of 2 points or 30%.")
    direction: Direction | None


class ProgramStepOut(Schema):
    step: int = Field(ge=1, le=5)
    name: str = Field(description="In the language of the request.")
    since: datetime


class CalmOut(Schema):
    slug: str
    name: str = Field(description="In the language of the request.")
    mean_drop: float | None = Field(description="Mean drop in tension (0-10) after practising.")
    sessions: int


class ClientSummaryOut(Schema):
    id: int
    name: str
    email: str
    url: str = Field(description="The client's page in the workspace (the timeline).")
    open_alerts: int = Field(description="The caller's open alerts about the client.")
    pijntest: PijntestOut | None = Field(description="The latest Pijntest; null: none.")
    diary: DiaryTrendOut
    program: ProgramStepOut | None = Field(description="null: not in the program.")
    what_calms_me: list[CalmOut] = Field(
        description="Up to three exercises with the largest clear drop in tension."
    )


@router.get(
    "/clients/{client_id}",
    response={200: ClientSummaryOut, **ERRORS, 404: ErrorOut, 422: ErrorOut},
    summary="One client at a glance",
    description="The latest Pijntest with its change, the diary's last four weeks, the program "
    "step and what calms the client. 404 for anyone who is not the caller's client now (also "
    "after the client revoked access). One access-log row (summary, viewed).",
)
def client_summary(request: HttpRequest, client_id: int) -> Any:
    client = client_for(request, client_id)
    log_access(request.user, [client.pk], AccessLog.Kind.SUMMARY, AccessLog.Action.VIEW)
    return {
        "id": client.pk,
        "name": str(client),
        "email": client.email,
        "url": reverse("practice:client", kwargs={"client_id": client.pk}),
        "open_alerts": alerts_of(request.user).open().filter(client=client).count(),
        **timeline.summary(client),
    }


# --- notes -----------------------------------------------------------------------------------


class AddendumOut(Schema):
    id: int
    author: str
    practice: str = Field(description="The practice it was written in.")
    created_at: datetime
    updated_at: datetime
    body: str
    editable: bool = Field(description="The caller may still change it (its author, 24 hours).")


class NoteOut(AddendumOut):
    appendable: bool = Field(
        description="The caller may add to it (its author, after the 24 hours)."
    )
    addenda: list[AddendumOut] = Field(description="Oldest first.")


class NotePage(Schema):
    count: int
    items: list[NoteOut] = Field(description="Newest first.")


class NoteIn(Schema):
    body: str = Field(
        description=f"The note: 1 to {notes.MAX_LENGTH} characters after trimming. The client "
        "can read it in their own export (GDPR art. 15)."
    )
    addendum_to: int | None = Field(
        None,
        description="One of the caller's own notes about this client, older than 24 hours, "
        "to add this to (an addendum to an addendum goes to its note).",
    )


def _addendum_out(note: ClientNote) -> dict[str, Any]:
    return {
        "id": note.pk,
        "author": note.author_name,
        "practice": note.practice.name if note.practice else "",
        "created_at": note.created_at,
        "updated_at": note.updated_at,
        "body": note.body,
        "editable": note.editable,  # type: ignore[attr-defined]
    }


def _note_out(note: ClientNote) -> dict[str, Any]:
    return {
        **_addendum_out(note),
        "appendable": note.appendable,  # type: ignore[attr-defined]
        "addenda": [_addendum_out(a) for a in note.addenda_list],  # type: ignore[attr-defined]
    }


@router.get(
    "/clients/{client_id}/notes",
    response={200: NotePage, **ERRORS, 404: ErrorOut, 422: ErrorOut},
    summary="The private notes about a client the caller may read",
    description="The caller's own and those of the practitioners of their practice, newest "
    "first, each with its addenda. One access-log row (notes, viewed).",
)
def list_notes(request: HttpRequest, client_id: int) -> Any:
    client = client_for(request, client_id)
    log_access(request.user, [client.pk], AccessLog.Kind.NOTES, AccessLog.Action.VIEW)
    found = notes.visible_notes(request.user, client)
    return {"count": len(found), "items": [_note_out(n) for n in found]}


@router.post(
    "/clients/{client_id}/notes",
    response={200: NoteOut, 201: NoteOut, **WRITE_ERRORS},
    summary="Write a private note about a client, or add to one",
    description="Stored encrypted; one access-log row (notes, changed). Sent again within two "
    "minutes with the same text (a double click, a retry), it stores nothing and answers the "
    "first note with 200. 422 names the field (`body`, `addendum_to`); 403 when `addendum_to` "
    "is a colleague's note (only its author adds to a note).",
    openapi_extra=body_schema(NoteIn),
)
def add_note(request: HttpRequest, client_id: int) -> Any:
    client = client_for(request, client_id)
    payload = read_body(request, NoteIn)
    before = timezone.now()
    try:
        note = notes.add_note(request.user, client, payload.body, addendum_to=payload.addendum_to)
    except notes.NoteNotAllowed:
        raise HttpError(403, "Only the author of a note adds to it.") from None
    except notes.NoteError as error:
        return Status(422, {"detail": NOT_VALID, "errors": {error.field: error.message}})
    # the note as the list shows it (what the caller may do with it), an addendum on its own
    parent = note.addendum_to_id or note.pk
    shown = next((n for n in notes.visible_notes(request.user, client) if n.pk == parent), None)
    if shown is not None and note.addendum_to_id is not None:
        shown = next((a for a in shown.addenda_list if a.pk == note.pk), None)
        if shown is not None:
            shown.appendable, shown.addenda_list = False, []
    return Status(201 if note.created_at >= before else 200, _note_out(_found(shown)))


# --- alerts ----------------------------------------------------------------------------------


AlertKind = Literal["crisis", "urgent", "same_day", "pain_rising", "silence"]


class AlertOut(Schema):
    id: int
    kind: AlertKind
    kind_label: str = Field(description="The kind in words, in the language of the request.")
    source: Literal["questionnaire", "flare_safety", "diary"] = Field(
        description="What raised it: an answer in a questionnaire (the Pijntest or a scale), "
        "the flare-up notice's safety questions, or the diary (pain rising, silence)."
    )
    client_id: int
    client_name: str
    client_url: str = Field(description="The client's page in the workspace.")
    created_at: datetime
    acknowledged_at: datetime | None = Field(description="null: open.")
    acknowledged_by: str | None = Field(description="Who marked it as seen.")
    note: str = Field(description="What the practitioner noted when marking it as seen.")


class AlertPage(Schema):
    state: Literal["open", "all"]
    count: int = Field(description="All the caller's alerts in this state.")
    limit: int
    offset: int
    items: list[AlertOut] = Field(description="Newest first.")


class AcknowledgeIn(Schema):
    note: str = Field(
        "",
        max_length=NOTE_MAX,
        description="What was done about it (a call, advice); kept encrypted. Optional.",
    )


def _source(alert: Alert) -> str:
    if alert.response_id:
        return "questionnaire"
    if alert.safety_check_id:
        return "flare_safety"
    return "diary"


def _alert_out(alert: Alert) -> dict[str, Any]:
    by = alert.acknowledged_by
    return {
        "id": alert.pk,
        "kind": alert.kind,
        "kind_label": str(alert.get_kind_display()),
        "source": _source(alert),
        "client_id": alert.client_id,
        "client_name": str(alert.client),
        "client_url": reverse("practice:client", kwargs={"client_id": alert.client_id}),
        "created_at": alert.created_at,
        "acknowledged_at": alert.acknowledged_at,
        "acknowledged_by": str(by) if by is not None else None,
        "note": alert.acknowledged_note,
    }


@router.get(
    "/alerts",
    response={200: AlertPage, **ERRORS, 422: ErrorOut},
    summary="The caller's alerts about their clients, newest first",
    description="Only alerts about clients who grant the caller access now. Each client in the "
    "page is written to their access log (one row per client, as the alerts page does).",
)
def list_alerts(
    request: HttpRequest,
    state: Literal["open", "all"] = Query("open"),  # noqa: B008 - ninja's way
    limit: int = Query(50, ge=1, le=MAX_LIMIT),  # noqa: B008
    offset: int = Query(0, ge=0, le=MAX_OFFSET),  # noqa: B008
) -> Any:
    alerts = alerts_of(request.user)
    if state == "open":
        alerts = alerts.open()
    page = list(
        alerts.select_related("client", "acknowledged_by").order_by("-created_at", "-id")[
            offset : offset + limit
        ]
    )
    log_access(
        request.user,
        sorted({a.client_id for a in page}),
        AccessLog.Kind.ALERTS,
        AccessLog.Action.LIST,
        object_ref="alerts",
    )
    return {
        "state": state,
        "count": alerts.count(),
        "limit": limit,
        "offset": offset,
        "items": [_alert_out(a) for a in page],
    }


@router.post(
    "/alerts/{alert_id}/acknowledge",
    response={200: AlertOut, **WRITE_ERRORS},
    summary="Mark one of the caller's alerts as seen, with a note",
    description="One access-log row (alerts, changed). Sent again (a double click, a second "
    "device) it changes nothing and answers the alert as it is. 404 for an alert that is not the caller's or whose client no longer grants "
    "access.",
    openapi_extra=body_schema(AcknowledgeIn),
)
def acknowledge_alert(request: HttpRequest, alert_id: int) -> Any:
    alert = alert_for(request, alert_id)
    payload = read_body(request, AcknowledgeIn)
    services.acknowledge(alert, request.user, note=payload.note)
    seen = alerts_of(request.user).select_related("client", "acknowledged_by").filter(pk=alert.pk)
    return _alert_out(_found(seen.first()))
