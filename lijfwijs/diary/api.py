"""Diary API: the caller's own check-ins, tags and insights; everything the diary pages do.

Signed in through the pages' session. A write also needs the CSRF token (X-CSRFToken header),
a JSON body and consent for health data (deleting a check-in needs no consent: erasure is always
allowed). A check-in is read by its schema and checked by the rules the page's form uses too
(services.check_checkin), so its messages are the page's, in the language of the request
(Accept-Language).
"""

import dataclasses
import json
import re
from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal
from uuid import UUID

from django.core.validators import RegexValidator
from django.db import IntegrityError
from django.db.models import Prefetch
from django.forms import ChoiceField
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema
from pydantic import ValidationError as PydanticError

from lijfwijs.accounts.api_auth import SignedIn
from lijfwijs.core.ids import MAX_ID
from lijfwijs.core.schemas import ErrorOut
from lijfwijs.exercises.models import Exercise

from . import access, services
from .models import REGIONS, CheckIn, Tag

DEFAULT_DAYS = 30
MAX_DAYS = 400
CLIENT_KEY = re.compile(r"[A-Za-z0-9_-]{1,64}")
NOT_VALID = "The request is not valid."


router = Router(tags=["diary"], auth=SignedIn(consent="Keeping a diary"))


# ---------------------------------------------------------------------------------------------
# Schemas


class TagRef(Schema):
    id: int
    name: str


class TagOut(Schema):
    id: int
    name: str = Field(description="In the language of the request (Accept-Language).")
    kind: Literal["trigger", "emotion", "activity"]
    own: bool = Field(description="The caller's own tag (false: the starter vocabulary).")


class TagIn(Schema):
    name: str = Field(json_schema_extra={"maxLength": 60})
    kind: Literal["trigger", "emotion", "activity"] = "trigger"


class TagRename(Schema):
    name: str = Field(json_schema_extra={"maxLength": 60})


class TagMerge(Schema):
    into: int = Field(description="The own or starter tag that takes the place of this one.")


def _not_true_or_false(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("a number, not true or false")  # noqa: TRY004 - pydantic wants this
    return value


# 6, 6.0 and "6" are taken; true, 6.5 and "six" are not. The range is the rules' (one message).
Whole = Annotated[int, BeforeValidator(_not_true_or_false)]
SCALE = {"maximum": 10, "minimum": 0, "type": "integer"}


def _documented(schema: dict[str, Any]) -> None:
    # Pain is required by the rules (services.check_checkin), which say so in the caller's
    # language; the schema says it too.
    schema["required"] = ["pain"]
    schema["properties"]["pain"].pop("default", None)


class CheckInIn(Schema):
    """A check-in as sent; checked by the rules of the check-in page (unknown fields ignored)."""

    model_config = ConfigDict(json_schema_extra=_documented)

    day: date | None = Field(
        None,
        description="The caller's local date: today or one of the 7 days before. Default: today "
        "(POST), the check-in's day (PUT).",
    )
    time: str | None = Field(
        None,
        description="Local time, HH:MM. Default: now (POST), the check-in's time (PUT).",
        json_schema_extra={"pattern": "^[0-9]{2}:[0-9]{2}$"},
    )
    pain: Annotated[Whole | None, WithJsonSchema(SCALE)] = None
    state: Annotated[
        str | None,
        WithJsonSchema({"enum": ["ventral", "sympathetic", "dorsal", ""], "type": "string"}),
    ] = ""
    stress: Annotated[Whole | None, WithJsonSchema({"anyOf": [SCALE, {"type": "null"}]})] = None
    sleep: Annotated[Whole | None, WithJsonSchema({"anyOf": [SCALE, {"type": "null"}]})] = Field(
        None, description="Quality of last night's sleep."
    )
    energy: Annotated[Whole | None, WithJsonSchema({"anyOf": [SCALE, {"type": "null"}]})] = None
    region_pain: Annotated[
        dict[str, Whole | None] | None,
        WithJsonSchema({"additionalProperties": {"type": "integer"}, "type": "object"}),
    ] = Field(default_factory=dict, description="Pain 0-10 per region: " + ", ".join(REGIONS) + ".")
    tags: Annotated[
        list[Whole] | None, WithJsonSchema({"items": {"type": "integer"}, "type": "array"})
    ] = Field(default_factory=list, description="Ids of starter or own tags.")
    new_tags: Annotated[
        list[str] | str | None, WithJsonSchema({"items": {"type": "string"}, "type": "array"})
    ] = Field(
        default_factory=list,
        description="Names of new own tags (or existing ones: reused); at most 60 characters "
        "each, 300 in all; a comma separates names.",
    )
    exercises: Annotated[
        list[str] | None, WithJsonSchema({"items": {"type": "string"}, "type": "array"})
    ] = Field(default_factory=list, description="Slugs of exercises done.")
    note: Annotated[str | None, WithJsonSchema({"maxLength": 2000, "type": "string"})] = ""
    client_key: Annotated[
        str | None,
        WithJsonSchema({"maxLength": 64, "pattern": "^[A-Za-z0-9_-]*$", "type": "string"}),
    ] = Field(
        "",
        description="An offline submission's key: sending it again returns the first "
        "check-in (200) instead of storing a second one.",
    )


class CheckInOut(Schema):
    id: UUID
    at: datetime
    day: date
    time: str = Field(description="Local time, HH:MM.")
    pain: int
    region_pain: dict[str, int]
    state: str
    stress: int | None
    sleep: int | None
    energy: int | None
    tags: list[TagRef]
    exercises: list[str]
    note: str


class TrendPointOut(BaseModel):  # a plain model: a long trend is thousands of them
    day: date
    pain: float
    rolling: float | None


class TrendOut(Schema):
    series: list[TrendPointOut]
    first_from: date | None
    first_to: date | None
    last_from: date | None
    last_to: date | None
    n_first: int
    n_last: int
    enough_data: bool
    first_mean: float | None
    last_mean: float | None
    change: float | None
    percent_change: float | None
    meaningful: bool | None
    direction: Literal["better", "worse", "same"] | None


class TagEffectOut(BaseModel):
    kind: Literal["tag", "low_sleep"]
    tag_id: int | None = Field(description="None for the low-sleep comparison.")
    tag: str | None = Field(description="The tag's name in the language of the request.")
    lag: int
    n_with: int
    n_without: int
    mean_with: float | None
    mean_without: float | None
    difference: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    q_value: float | None
    enough_data: bool
    clear: bool
    inflation: float


class CorrelationOut(Schema):
    variable: Literal["sleep", "stress"]
    n: int
    rho: float | None
    p_value: float | None
    q_value: float | None
    enough_data: bool
    clear: bool
    inflation: float


class FlareUpOut(Schema):
    today: date
    recent_mean: float
    n_recent: int
    baseline: float
    n_baseline: int
    rise: float
    active: bool


class InsightsOut(Schema):
    today: date
    checkins: int
    days: int = Field(description="Days with at least one check-in.")
    trend: TrendOut
    tag_effects: list[TagEffectOut]
    correlations: list[CorrelationOut]
    flare_up: FlareUpOut | None


ERRORS = {401: ErrorOut, 403: ErrorOut}
WRITE_ERRORS = {**ERRORS, 400: ErrorOut, 415: ErrorOut, 422: ErrorOut}


# ---------------------------------------------------------------------------------------------
# Check-ins


def _own(request: HttpRequest) -> Any:
    return access.own_checkins(request).prefetch_related(
        Prefetch("tags", queryset=Tag.objects.only("id", "name_nl", "name_en")),
        Prefetch("exercises", queryset=Exercise.objects.only("id", "slug")),
    )


def _checkin_out(checkin: CheckIn, user: Any) -> dict[str, Any]:
    return {
        "id": checkin.pk,
        "at": checkin.at,
        "day": checkin.day,
        "time": checkin.at.astimezone(services.zone_of(user)).strftime("%H:%M"),
        "pain": checkin.pain,
        "region_pain": checkin.region_pain,
        "state": checkin.state,
        "stress": checkin.stress,
        "sleep": checkin.sleep,
        "energy": checkin.energy,
        "tags": [{"id": t.pk, "name": t.name} for t in checkin.tags.all()],
        "exercises": [e.slug for e in checkin.exercises.all()],
        "note": checkin.note,
    }


def _one(request: HttpRequest, checkin_id: Any) -> dict[str, Any]:
    checkin = _own(request).filter(pk=checkin_id).first()
    if checkin is None:
        raise Http404("no such check-in")
    return _checkin_out(checkin, request.user)


def _body(request: HttpRequest) -> Any:
    try:
        return json.loads(request.body)
    except (ValueError, RecursionError):
        raise HttpError(400, "Cannot parse request body") from None


def _not_an_object() -> Status:
    return Status(
        422,
        {
            "detail": "Send the check-in as a JSON object.",
            "errors": {"body": _("Enter a valid value.")},
        },
    )


def _field(loc: tuple[Any, ...], body: dict[str, Any]) -> str:
    """The field a pydantic error is about: "pain", "tags", "region_pain.neck"."""
    if not loc:
        return "body"
    field = str(loc[0])
    regions = body.get("region_pain")
    if field == "region_pain" and isinstance(regions, dict):
        code = next((str(p) for p in loc[1:] if isinstance(p, str) and p in regions), None)
        return f"region_pain.{code}" if code else field
    return field


def _validated(
    body: dict[str, Any], user: Any, defaults: dict[str, str], own_day: date | None = None
) -> tuple[dict[str, Any] | None, dict[str, str]]:
    """The body read by CheckInIn, then checked by the check-in's rules (as on the page); a
    changed check-in may keep `own_day`, its day."""
    try:
        parsed = CheckInIn.model_validate(body)
    except PydanticError as problem:
        errors: dict[str, str] = {}
        for error in problem.errors():
            field = _field(tuple(error["loc"]), body)
            scale = field in services.SCALES or field.startswith("region_pain.")
            message = services.scale_message() if scale else str(RegexValidator.message)
            errors.setdefault(field, message)
        return None, errors
    data = parsed.model_dump()
    for name in ("day", "time"):
        if body.get(name) is None:
            data[name] = defaults[name]
    names = data["new_tags"]
    data["new_tags"] = names.split(",") if isinstance(names, str) else names
    return services.check_checkin(user, data, own_day=own_day)


def _invalid(errors: dict[str, str]) -> Status:
    return Status(422, {"detail": NOT_VALID, "errors": errors})


@router.get(
    "/checkins",
    response={200: list[CheckInOut], **ERRORS, 422: ErrorOut},
    summary="The caller's check-ins, newest first",
    description=f"`from` and `to` are local dates (inclusive); default the last {DEFAULT_DAYS} "
    f"days up to today, at most {MAX_DAYS} days.",
)
def list_checkins(
    request: HttpRequest,
    first: date | None = Query(None, alias="from"),  # noqa: B008 - ninja's way
    last: date | None = Query(None, alias="to"),  # noqa: B008
) -> Any:
    last = last or services.local_today(request.user)
    if first is None:
        try:
            first = last - timedelta(days=DEFAULT_DAYS - 1)
        except OverflowError:
            first = date.min
    if first > last:
        return _invalid({"from": _("De begindatum ligt na de einddatum.")})
    if (last - first).days + 1 > MAX_DAYS:
        return _invalid({"to": _("Vraag hooguit %(days)s dagen tegelijk op.") % {"days": MAX_DAYS}})
    return [_checkin_out(c, request.user) for c in _own(request).between(first, last)]


@router.post(
    "/checkins",
    response={200: CheckInOut, 201: CheckInOut, **WRITE_ERRORS},
    summary="Add a check-in",
    description="Validated like the check-in page (messages in the language of the request). "
    "A `client_key` sent before returns the first check-in with 200.",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": CheckInIn.model_json_schema()}},
        }
    },
)
def create_checkin(request: HttpRequest) -> Status:
    user = request.user
    body = _body(request)
    if not isinstance(body, dict):
        return _not_an_object()
    key = body.get("client_key")
    if isinstance(key, str) and CLIENT_KEY.fullmatch(key):  # a repeat is answered even later
        existing = CheckIn.objects.for_user(user).with_client_key(key).first()
        if existing:
            return Status(200, _one(request, existing.pk))
    now = timezone.now().astimezone(services.zone_of(user))
    data, errors = _validated(body, user, {"day": now.date().isoformat(), "time": f"{now:%H:%M}"})
    if data is None:
        return _invalid(errors)
    try:
        checkin, created = services.save_checkin(user, data)
    except IntegrityError:  # the same client key at the same moment
        checkin = CheckIn.objects.for_user(user).with_client_key(data["client_key"]).get()
        created = False
    return Status(201 if created else 200, _one(request, checkin.pk))


@router.get(
    "/checkins/{checkin_id}",
    response={200: CheckInOut, **ERRORS, 404: ErrorOut},
    summary="One of the caller's check-ins",
)
def get_checkin(request: HttpRequest, checkin_id: UUID) -> Any:
    return _one(request, checkin_id)


@router.put(
    "/checkins/{checkin_id}",
    response={200: CheckInOut, **WRITE_ERRORS, 404: ErrorOut},
    summary="Change one of the caller's check-ins",
    description="The whole check-in, validated like POST; `day` and `time` default to the "
    "check-in's own (a day must be today or one of the 7 days before, as on the page).",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": CheckInIn.model_json_schema()}},
        }
    },
)
def update_checkin(request: HttpRequest, checkin_id: UUID) -> Status:
    checkin = access.checkin_for(request, checkin_id)
    local = checkin.at.astimezone(services.zone_of(request.user))
    body = _body(request)
    if not isinstance(body, dict):
        return _not_an_object()
    data, errors = _validated(
        body,
        request.user,
        {"day": checkin.day.isoformat(), "time": f"{local:%H:%M}"},
        own_day=checkin.day,
    )
    if data is None:
        return _invalid(errors)
    services.save_checkin(request.user, data, instance=checkin)
    return Status(200, _one(request, checkin.pk))


@router.delete(
    "/checkins/{checkin_id}",
    response={204: None, **ERRORS, 404: ErrorOut},
    summary="Delete one of the caller's check-ins",
)
def delete_checkin(request: HttpRequest, checkin_id: UUID) -> Status:
    services.delete_checkin(access.checkin_for(request, checkin_id))
    return Status(204, None)


# ---------------------------------------------------------------------------------------------
# Tags


def _tag_out(tag: Tag) -> dict[str, Any]:
    return {"id": tag.pk, "name": tag.name, "kind": tag.kind, "own": tag.user_id is not None}


def _own_tag(request: HttpRequest, tag_id: int) -> Tag:
    tag = Tag.objects.for_user(request.user).filter(pk=tag_id).first() if tag_id <= MAX_ID else None
    if tag is None:
        raise Http404("no such tag")
    if tag.user_id is None:
        raise HttpError(403, "Starter tags cannot be changed.")
    return tag


@router.get("/tags", response={200: list[TagOut], **ERRORS}, summary="Starter and own tags")
def list_tags(request: HttpRequest) -> Any:
    return [_tag_out(t) for t in Tag.objects.for_user(request.user)]


@router.post(
    "/tags",
    response={200: TagOut, 201: TagOut, **WRITE_ERRORS},
    summary="Add an own tag",
    description="A tag with this name (either language, any case) that the caller can use "
    "already is returned with 200 instead.",
)
def create_tag(request: HttpRequest, payload: TagIn) -> Status:
    try:
        name = services.clean_tag_name(payload.name)
    except services.TagProblem as problem:
        return _invalid({"name": str(problem)})
    existing = services.same_name(request.user, name).first()
    if existing:
        return Status(200, _tag_out(existing))
    return Status(201, _tag_out(services.own_tag(request.user, name, payload.kind)))


@router.patch(
    "/tags/{tag_id}",
    response={200: TagOut, **WRITE_ERRORS, 404: ErrorOut},
    summary="Rename an own tag",
    description="Starter tags cannot be renamed (403). A name the caller already has another "
    "tag for is refused (422): merge the two instead.",
)
def rename_tag(request: HttpRequest, tag_id: int, payload: TagRename) -> Status:
    tag = _own_tag(request, tag_id)
    try:
        return Status(200, _tag_out(services.rename_tag(request.user, tag, payload.name)))
    except services.TagProblem as problem:
        return _invalid({"name": str(problem)})


@router.post(
    "/tags/{tag_id}/merge",
    response={200: TagOut, **WRITE_ERRORS, 404: ErrorOut},
    summary="Merge an own tag into another tag",
    description="Every check-in with this own tag gets the other (own or starter) tag instead; "
    "this tag is deleted. Answers with the remaining tag.",
)
def merge_tag(request: HttpRequest, tag_id: int, payload: TagMerge) -> Status:
    tag = _own_tag(request, tag_id)
    target = (
        Tag.objects.for_user(request.user).filter(pk=payload.into).first()
        if 0 < payload.into <= MAX_ID
        else None
    )
    if target is None:
        message = ChoiceField.default_error_messages["invalid_choice"]
        return _invalid({"into": str(message) % {"value": payload.into}})
    try:
        return Status(200, _tag_out(services.merge_tags(tag, target)))
    except services.TagProblem as problem:
        return _invalid({"into": str(problem)})


# ---------------------------------------------------------------------------------------------
# Insights


def _rounded(value: Any, key: str = "") -> Any:
    if isinstance(value, float):
        return round(value, 4 if key in ("p_value", "q_value") else 2)
    if isinstance(value, dict):
        return {k: _rounded(v, k) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_rounded(v) for v in value]
    return value


@router.get(
    "/insights",
    response={200: InsightsOut, **ERRORS},
    summary="Patterns in the caller's diary",
    description="Trend, tag effects, correlations and flare-up from all the caller's check-ins "
    "(see lijfwijs/diary/insights.py). A pattern, not proof of a cause. Floats are rounded to "
    "2 decimals (p- and q-values to 4).",
)
def get_insights(request: HttpRequest) -> Any:
    from . import computed

    today = services.local_today(request.user)
    result = computed.insights(request.user, today)  # the page's numbers, from the same cache
    ids = {int(e.tag) for e in result.tag_effects if e.kind == "tag"}
    names = computed.tag_names(ids)
    effects = []
    for effect in result.tag_effects:
        data = _fields(effect)
        tag_id = int(effect.tag) if effect.kind == "tag" else None
        data.update(tag_id=tag_id, tag=names.get(tag_id) if tag_id else None)
        effects.append(data)
    trend = _fields(result.trend, skip="series")
    trend["series"] = [
        {"day": p.day, "pain": _rounded(p.pain), "rolling": _rounded(p.rolling)}
        for p in result.points()
    ]
    return {
        "today": today,
        "checkins": result.checkins,
        "days": result.days,
        "trend": trend,
        "tag_effects": effects,
        "correlations": [_fields(c) for c in result.correlations],
        "flare_up": _fields(result.flare_up) if result.flare_up else None,
    }


def _fields(record: Any, skip: str = "") -> dict[str, Any]:
    """A core record's fields, floats rounded (a shallow copy: dataclasses.asdict deep-copies
    every point of a long trend)."""
    fields = (f.name for f in dataclasses.fields(record) if f.name != skip)
    return {name: _rounded(getattr(record, name), name) for name in fields}
