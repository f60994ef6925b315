"""Check-in rules: the person's local day, the days one may add for, tags, export and erasure."""

from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from lijfwijs.accounts.localtime import local_today, zone_of
from lijfwijs.accounts.models import User
from lijfwijs.exercises import calm
from lijfwijs.program import program
from lijfwijs.program import services as practice
from lijfwijs.program.models import SetbackPlan

from . import computed
from .models import CheckIn, Tag

__all__ = ["local_today", "zone_of"]  # kept here for the diary's callers

BACKFILL_DAYS = 7


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


@transaction.atomic
def save_checkin(
    user: Any, data: dict[str, Any], instance: CheckIn | None = None
) -> tuple[CheckIn, bool]:
    """Create or update a check-in from clean form data. A repeated offline submission (same
    client key) changes nothing and returns the first one. Raises the person's data version
    (core.datacache): the next insights, flare-up and start page are computed anew."""
    key = data.get("client_key") or ""
    if instance is None and key:
        # no ordering: SQLite then uses the (user, client_key) unique index, not a scan of the diary
        existing = CheckIn.objects.filter(user=user, client_key=key).order_by().first()
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
    User.objects.data_changed(user)
    return checkin, instance is None


@transaction.atomic
def delete_checkin(checkin: CheckIn) -> None:
    """Delete one check-in (erasure needs no consent); what was computed from it is not read again."""
    checkin.delete()
    User.objects.data_changed(checkin.user_id)


def export_user_data(user: Any) -> dict[str, Any]:
    checkins = CheckIn.objects.for_user(user).prefetch_related("tags", "exercises").order_by("at")
    from .models import ReminderPreference

    preference = ReminderPreference.objects.filter(user=user).first()
    return {
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
    CheckIn.objects.filter(user=user).delete()
    Tag.objects.filter(user=user).delete()
    User.objects.data_changed(user)


def home_panel(request: Any) -> Any:
    """Today's check-in on the client's start page; in a flare-up first of all the person's setback
    plan (or a way to write it) and the exercises that helped them most."""
    if not request.user.is_client:
        return None
    day = local_today(request.user)
    diary = ("diary/_home_panel.html", {"today": computed.today_count(request.user, day)})
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
    progress = practice.progress_for(user)
    plan_open = progress is not None and progress.current_step >= program.setback_plan_step()
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
