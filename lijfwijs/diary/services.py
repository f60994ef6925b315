"""Check-in rules: the person's local day, what a check-in may hold, tags, export and erasure."""

import re
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxLengthValidator,
    ProhibitNullCharactersValidator,
    validate_slug,
)
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import get_script_prefix, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from lijfwijs.accounts.localtime import local_today, zone_of
from lijfwijs.accounts.models import User
from lijfwijs.core import hooks
from lijfwijs.core.ids import MAX_ID
from lijfwijs.exercises import calm
from lijfwijs.exercises import services as exercise_log
from lijfwijs.program import services as practice
from lijfwijs.program.models import SetbackPlan

from . import computed
from .models import REGIONS, CheckIn, Tag

__all__ = ["local_today", "zone_of"]  # kept here for the diary's callers

BACKFILL_DAYS = 7
SCALES = ("pain", "stress", "sleep", "energy")
NOTE_MAX = 2000
NEW_TAGS_MAX = 300  # all new names together, as typed in the form (commas between them)
TAG_NAME_MAX = 60
CLIENT_KEY_MAX = 64
WHOLE = re.compile(r"[0-9]{1,2}")


def allowed_days(user: Any) -> list[date]:
    """Today and the seven days before, newest first: the days a check-in may be added for."""
    today = local_today(user)
    return [today - timedelta(days=n) for n in range(BACKFILL_DAYS + 1)]


def moment(user: Any, day: date, at: time) -> datetime:
    """The instant of a local day and time for this person (stored in UTC)."""
    return datetime.combine(day, at, tzinfo=zone_of(user))


def yesterdays_tags(user: Any) -> list[Tag]:
    yesterday = local_today(user) - timedelta(days=1)
    return list(Tag.objects.filter(checkins__user=user, checkins__day=yesterday).distinct())


def own_tag(user: Any, name: str, kind: str = Tag.Kind.TRIGGER) -> Tag:
    """The person's own tag with this name, made when new (case-insensitive)."""
    name = " ".join(name.split())[:60]
    existing = Tag.objects.for_user(user).filter(name_nl__iexact=name).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            tag = Tag.objects.create(user=user, name_nl=name, name_en=name, kind=kind)
            User.objects.data_changed(user)
            return tag
    except IntegrityError:
        return Tag.objects.get(user=user, name_nl=name)


def scale_message() -> str:
    return _("Kies een getal van 0 tot en met 10.")


def _scale(value: Any) -> int | None:
    """0-10 from a number or its text; None when not given. ValueError otherwise."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and WHOLE.fullmatch(value.strip()):
        value = int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 10:
        return value
    raise ValueError(value)


def _choice(value: Any) -> str:
    return str(forms.ChoiceField.default_error_messages["invalid_choice"]) % {"value": value}


def _text(value: Any, limit: int, field: str, errors: dict[str, str]) -> str:
    """Text of at most `limit` characters without NUL; what is wrong goes to errors[field]."""
    text = "" if value is None else value
    if not isinstance(text, str):
        errors[field] = str(forms.Field.default_error_messages["invalid"])
        return ""
    try:
        ProhibitNullCharactersValidator()(text)
        MaxLengthValidator(limit)(text)
    except ValidationError as problem:
        errors[field] = " ".join(problem.messages)
    return text


def check_checkin(
    user: Any, data: Mapping[str, Any], own_day: date | None = None
) -> tuple[dict[str, Any] | None, dict[str, str]]:
    """The rules of a check-in, in one place for the page's form and the API.

    `data` holds parsed values: "day" (a date or its ISO text), "time" (a time or "HH:MM"),
    the 0-10 scales (numbers or their text; only pain is required), "state", "region_pain"
    ({region: 0-10}), "tags" (ids of starter or own tags), "new_tags" (names), "exercises"
    (slugs of active exercises), "note" and "client_key". A day may be today or one of the
    seven days before, or `own_day`: the day of the check-in being changed, which an edit may keep
    however long ago it was. Returns the clean data for `save_checkin`, or None and a message per
    field in the language of the request ("region_pain.<region>" for a region).
    """
    from lijfwijs.exercises.models import Exercise

    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    required = str(forms.Field.default_error_messages["required"])

    day = data.get("day")
    if day in (None, ""):
        errors["day"] = required
    else:
        try:
            clean["day"] = day if isinstance(day, date) else date.fromisoformat(str(day))
        except ValueError:
            clean["day"] = None  # not a date: not one of the days offered, even without own_day
        if clean["day"] is None or (
            clean["day"] not in allowed_days(user) and clean["day"] != own_day
        ):
            errors["day"] = _choice(day)

    at = data.get("time")
    if at in (None, ""):
        errors["time"] = required
    elif isinstance(at, time):
        clean["time"] = at
    else:
        try:
            clean["time"] = datetime.strptime(str(at), "%H:%M").time()  # noqa: DTZ007 - a local time
        except ValueError:
            errors["time"] = str(forms.TimeField.default_error_messages["invalid"])

    for name in SCALES:
        try:
            clean[name] = _scale(data.get(name))
        except ValueError:
            errors[name] = scale_message()
    if clean.get("pain") is None and "pain" not in errors:
        errors["pain"] = scale_message()

    state = data.get("state") or ""
    clean["state"] = state
    if state and state not in CheckIn.State.values:
        errors["state"] = _choice(state)

    clean["region_pain"] = {}
    for code, value in (data.get("region_pain") or {}).items():
        if code not in REGIONS:
            errors[f"region_pain.{code}"] = _choice(code)
            continue
        try:
            level = _scale(value)
        except ValueError:
            errors[f"region_pain.{code}"] = scale_message()
            continue
        if level is not None:
            clean["region_pain"][code] = level

    wanted = [str(t) for t in data.get("tags") or []]
    ids = {int(t) for t in wanted if t.isascii() and t.isdigit() and 0 < int(t) <= MAX_ID}
    found = {str(t.pk): t for t in Tag.objects.for_user(user).filter(pk__in=ids)} if ids else {}
    odd = [t for t in wanted if t not in found]
    if odd:
        errors["tags"] = str(
            forms.ModelMultipleChoiceField.default_error_messages["invalid_choice"]
        ) % {"value": odd[0]}
    clean["tags"] = list(found.values())

    slugs = [str(e) for e in data.get("exercises") or []]
    done = {e.slug: e for e in Exercise.objects.active().filter(slug__in=slugs)} if slugs else {}
    odd = [e for e in slugs if e not in done]
    if odd:
        errors["exercises"] = _choice(odd[0])
    clean["exercises"] = list(done.values())

    names = [" ".join(str(n).split()) for n in data.get("new_tags") or []]
    clean["new_tags"] = [n for n in names if n]
    _text(", ".join(clean["new_tags"]), NEW_TAGS_MAX, "new_tags", errors)
    if any(len(n) > TAG_NAME_MAX for n in clean["new_tags"]) and "new_tags" not in errors:
        errors["new_tags"] = _("Een tag mag hooguit 60 tekens lang zijn.")

    clean["note"] = _text(data.get("note"), NOTE_MAX, "note", errors)
    clean["client_key"] = _text(data.get("client_key"), CLIENT_KEY_MAX, "client_key", errors)
    if clean["client_key"] and "client_key" not in errors:
        try:
            validate_slug(clean["client_key"])
        except ValidationError as problem:
            errors["client_key"] = " ".join(problem.messages)
    return (None, errors) if errors else (clean, {})


@transaction.atomic
def save_checkin(
    user: Any, data: dict[str, Any], instance: CheckIn | None = None
) -> tuple[CheckIn, bool]:
    """Create or update a check-in from clean form data. A repeated offline submission (same
    client key) changes nothing and returns the first one. Raises the person's data version
    (core.datacache): the next insights, flare-up and start page are computed anew."""
    key = data.get("client_key") or ""
    if instance is None and key:
        existing = CheckIn.objects.for_user(user).with_client_key(key).first()
        if existing:
            return existing, False
    checkin = instance or CheckIn(user=user, client_key=key)
    checkin.day = data["day"]
    checkin.at = moment(user, data["day"], data["time"])
    for field in ("pain", "stress", "sleep", "energy"):
        setattr(checkin, field, data.get(field))
    checkin.state = data.get("state") or ""
    checkin.region_pain = data.get("region_pain") or {}
    checkin.note = data.get("note") or ""
    checkin.save()
    tags = list(data.get("tags") or [])
    for name in data.get("new_tags") or []:
        tags.append(own_tag(user, name))
    exercises = list(data.get("exercises") or [])
    if instance is not None or tags:  # a new check-in has no links to compare with: skip the query
        checkin.tags.set(tags)
    if instance is not None or exercises:
        checkin.exercises.set(exercises)
        # the practice log reads them from its own table (one log, one count for the program)
        exercise_log.sync_checkin_practice(user, checkin, exercises, new=instance is None)
    User.objects.data_changed(user)
    for evaluate in hooks.functions("checkin_saved"):  # practitioner alerts, queued on commit
        evaluate(user.pk)
    return checkin, instance is None


@transaction.atomic
def delete_checkin(checkin: CheckIn) -> None:
    """Delete one check-in (erasure needs no consent); what was computed from it is not read again."""
    checkin.delete()
    User.objects.data_changed(checkin.user_id)
    for evaluate in hooks.functions("checkin_saved"):  # practitioner alerts, queued on commit
        evaluate(checkin.user_id)


def export_user_data(user: Any) -> dict[str, Any]:
    checkins = CheckIn.objects.for_user(user).prefetch_related("tags", "exercises").order_by("at")
    from .models import ReminderPreference

    preference = ReminderPreference.objects.filter(user=user).first()
    from .models import SafetyCheck

    checks = SafetyCheck.objects.filter(user=user).order_by("at")
    return {
        "safety_checks": [
            {"at": c.at.isoformat(), "yes": c.flags, "level": c.level} for c in checks
        ],
        "reminder": {
            "enabled": preference.enabled,
            "local_time": preference.local_time.strftime("%H:%M"),
        }
        if preference
        else None,
        "own_tags": [{"name": t.name_nl, "kind": t.kind} for t in Tag.objects.filter(user=user)],
        "checkins": [
            {
                "id": str(c.pk),
                "at": c.at.isoformat(),
                "day": c.day.isoformat(),
                "pain": c.pain,
                "region_pain": c.region_pain,
                "state": c.state,
                "stress": c.stress,
                "sleep": c.sleep,
                "energy": c.energy,
                "tags": [t.name_nl for t in c.tags.all()],
                "exercises": [e.slug for e in c.exercises.all()],
                "note": c.note,
            }
            for c in checkins
        ],
    }


def erase_user_health_data(user: Any) -> None:
    """Consent withdrawn (inside its transaction): the diary and own tags go, and with the new
    data version nothing computed from them is read again, in any process."""
    from .models import SafetyCheck

    CheckIn.objects.filter(user=user).delete()
    Tag.objects.filter(user=user).delete()
    SafetyCheck.objects.filter(user=user).delete()  # and the alerts raised from them
    User.objects.data_changed(user)


@cache
def _home_links(language: str, script_prefix: str) -> dict[str, str]:
    """The diary panel's addresses in a language, reversed once per process (as the layout's
    LINKS: they depend only on the URLconf, the language and the script prefix)."""
    return {
        "new": reverse("diary:new"),
        "list": reverse("diary:list"),
        "insights": reverse("diary:insights"),
        "log": reverse("exercises:log"),
    }


def home_links() -> dict[str, str]:
    return _home_links(get_language() or "", get_script_prefix())


def home_panel(request: Any) -> Any:
    """Today's check-in on the client's start page; in a flare-up first of all the person's setback
    plan (or a way to write it) and the exercises that helped them most."""
    if not request.user.is_client:
        return None
    day = local_today(request.user)
    diary = (
        "diary/_home_panel.html",
        {"today": computed.today_count(request.user, day), "links": home_links()},
    )
    flare = computed.flare(request.user, day)  # a notice for this local day only
    if flare is None or not flare.active:
        return diary
    from .presenting import flare_context  # numpy and scipy load on first use

    panel = flare_panel(request.user, flare_context(flare) or {})
    return [("diary/_flare_panel.html", panel, "first"), diary]


def flare_panel(user: Any, flare: dict[str, Any]) -> dict[str, Any]:
    plan = practice.setback_plan_for(user)
    parts = [
        (SetbackPlan._meta.get_field(name).verbose_name, getattr(plan, name))
        for name in ("notice_first", "what_i_do", "who_i_call", "helpful_exercises")
        if plan is not None and getattr(plan, name)
    ]
    # the plan is taught in step 5 but may be written at any step: a flare-up does not wait
    plan_open = practice.program_state(user) is not None  # a place in the program (cached)
    return {"flare": flare, "plan": parts, "plan_open": plan_open, "helped": calm.helped(user)}


class TagProblem(ValueError):
    """Why a tag name or merge was refused (a message for the person)."""


def clean_tag_name(raw: str) -> str:
    name = " ".join(str(raw).split())
    if not name:
        raise TagProblem(str(forms.Field.default_error_messages["required"]))
    if "\x00" in name:
        raise TagProblem(str(ProhibitNullCharactersValidator.message))
    if len(name) > 60:
        raise TagProblem(_("Een tag mag hooguit 60 tekens lang zijn."))
    return name


def same_name(user: Any, name: str) -> Any:
    return Tag.objects.for_user(user).filter(Q(name_nl__iexact=name) | Q(name_en__iexact=name))


def rename_tag(user: Any, tag: Tag, raw: str) -> Tag:
    """Rename one of the person's own tags; a name they already use is refused (merge instead)."""
    name = clean_tag_name(raw)
    clash = TagProblem(_("Je hebt al een tag met deze naam; voeg ze samen."))
    if same_name(user, name).exclude(pk=tag.pk).exists():
        raise clash
    tag.name_nl = tag.name_en = name
    try:
        with transaction.atomic():
            tag.save(update_fields=["name_nl", "name_en"])
            User.objects.data_changed(user)
    except IntegrityError:
        raise clash from None
    return tag


@transaction.atomic
def merge_tags(tag: Tag, target: Tag) -> Tag:
    """Every check-in with `tag` (an own tag) gets `target` instead; `tag` is deleted."""
    if target.pk == tag.pk:
        raise TagProblem(_("Een tag kan niet met zichzelf worden samengevoegd."))
    through = CheckIn.tags.through
    tagged = set(through.objects.filter(tag=tag).values_list("checkin_id", flat=True))
    done = set(
        through.objects.filter(tag=target, checkin_id__in=tagged).values_list(
            "checkin_id", flat=True
        )
    )
    through.objects.bulk_create([through(checkin_id=c, tag_id=target.pk) for c in tagged - done])
    tag.delete()  # and its links
    User.objects.data_changed(tag.user_id)
    return target
