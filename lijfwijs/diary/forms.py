"""The check-in form: a quick part (pain, state, stress or sleep, the person's most used tags) and
"more" for the rest; everything optional but the pain score; nothing typed is lost on an error."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape  # the standard library's (Django's calls it): every use is in markup
from typing import Any

from django import forms
from django.db.models import Count, Q
from django.utils import formats, timezone
from django.utils.functional import lazy
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lijfwijs.accounts.services import has_health_consent
from lijfwijs.core import datacache
from lijfwijs.core.datacache import Kind
from lijfwijs.core.i18n import current_language
from lijfwijs.core.paging import day_words
from lijfwijs.exercises import calm
from lijfwijs.exercises.services import what_calms_me

from . import services, statements
from .models import REGIONS, CheckIn

QUICK_TAGS = 5  # tags offered in the quick part: the person's most used
USAGE_DAYS = 60  # how far back "most used" looks
QUICK_SCALES = ("stress", "sleep")  # one of them in the quick part, the other under "more"
_SCALE = [(n, n, n) for n in range(11)]  # (index, value, label) of the 0-10 tiles
REGION_LABELS = {
    "lower_back": _("Onderrug"),
    "upper_back": _("Bovenrug"),
    "neck": _("Nek"),
    "shoulders": _("Schouders"),
    "pelvis_hips": _("Bekken of heupen"),
    "buttock": _("Bil"),
    "leg_above_knee": _("Been boven de knie"),
    "leg_below_knee": _("Been onder de knie"),
    "head": _("Hoofd"),
    "other": _("Ergens anders"),
}
_CHECKED = " checked"


@dataclass(frozen=True)
class Offer:
    """What the check-in form offers this person today, as plain values: read in the same few
    queries whatever the size of the diary (`offer_for`)."""

    today: date
    days: list[tuple[str, str]]  # (ISO date, "Vandaag" / "Gisteren" / "ma 30 nov.")
    tags: list[tuple[str, str]]  # (pk, name) of the starter and own tags, in the tags' own order
    quick_tags: list[str]  # pks: the most used in the last USAGE_DAYS days, at most QUICK_TAGS
    yesterday_tags: list[str]  # pks of the tags of yesterday's check-ins
    yesterday_state: bool  # whether a check-in of yesterday says how the person felt
    quick_scale: str  # "stress" or "sleep": the one the person fills in most (stress on a tie)
    exercises: list[tuple[str, str]]  # (slug, name) of the active exercises
    calm: dict[str, str]  # exercise slug → what it did for the person's tension (in words)
    consent: bool  # whether the person's health data may be stored (accounts' consent)

    @property
    def other_scale(self) -> str:
        return QUICK_SCALES[1] if self.quick_scale == QUICK_SCALES[0] else QUICK_SCALES[0]

    @property
    def has_yesterday(self) -> bool:
        return bool(self.yesterday_tags) or self.yesterday_state

    def tag_names(self, pks: Iterable[str]) -> list[str]:
        names = dict(self.tags)
        return [names[pk] for pk in pks if pk in names]


def offer_for(user: Any) -> Offer:
    """The days, tags and exercises to offer (two queries) and what the person's own data says
    (`_Habits`, computed once per data version, day and language)."""
    today = services.local_today(user)
    language = current_language()
    english = language == "en"
    tags = [
        (str(pk), (english and name_en) or name_nl)
        for pk, name_nl, name_en in statements.offer_tags(user)
    ]
    position = {pk: n for n, (pk, _name) in enumerate(tags)}
    habits = datacache.for_person(
        Kind.CHECKIN_OFFER, user, lambda: _habits(user, today), language, day=today
    )
    uses = habits.uses
    used = [pk for pk in uses if pk in position]  # active tags the person may still choose
    quick = sorted(used, key=lambda pk: (-uses[pk], position[pk]))[:QUICK_TAGS]
    # Too few used yet (a new diary): the vocabulary's first tags fill the row.
    quick += [pk for pk, _name in tags if pk not in uses][: QUICK_TAGS - len(quick)]
    exercises = [
        (slug, (english and name_en) or name_nl)
        for slug, name_nl, name_en in statements.active_exercises()
    ]
    days = [today - timedelta(days=n) for n in range(services.BACKFILL_DAYS + 1)]
    words = day_words(set(days[2:]))
    labels = [gettext("Vandaag"), gettext("Gisteren")] + [words[d][0] for d in days[2:]]
    return Offer(
        today=today,
        days=[(d.isoformat(), label) for d, label in zip(days, labels, strict=True)],
        tags=tags,
        quick_tags=quick,
        yesterday_tags=sorted((pk for pk in habits.yesterdays if pk in position), key=position.get),
        yesterday_state=habits.yesterday_state,
        quick_scale=habits.quick_scale,
        exercises=exercises,
        calm=habits.calm,
        consent=habits.consent,
    )


def validation_offer(user: Any) -> Offer:
    """What checking a sent check-in needs of the offer: its day (the rules read everything else
    from the database, `services.check_checkin`), without the person's habits, whose computing
    (usage, what calms them) each save would redo, since a save changes their data version. A
    form sent back with mistakes is written from the whole offer (`offer_for`)."""
    return Offer(
        today=services.local_today(user),
        days=[],
        tags=[],
        quick_tags=[],
        yesterday_tags=[],
        yesterday_state=False,
        quick_scale="stress",
        exercises=[],
        calm={},
        consent=has_health_consent(user),
    )


@dataclass(frozen=True)
class _Habits:
    """What the check-in form needs from the person's own data, as plain values (cached)."""

    consent: bool
    uses: dict[str, int]  # tag pk → check-ins with it in the last USAGE_DAYS days
    yesterdays: list[str]  # tag pks of yesterday's check-ins
    yesterday_state: bool
    quick_scale: str
    calm: dict[str, str]


def _habits(user: Any, today: date) -> _Habits:
    """From the person's last USAGE_DAYS days: how often each tag was used (one grouped query,
    which also tells yesterday's tags), whether a check-in of yesterday says how they felt, and
    which of stress and sleep they fill in more (one aggregate; stress on a tie). With them the
    health-data consent and "what calms me" in words: both raise the data version too."""
    yesterday = today - timedelta(days=1)
    since = today - timedelta(days=USAGE_DAYS - 1)
    usage = (
        CheckIn.tags.through.objects.filter(checkin__user=user, checkin__day__gte=since)
        .values("tag_id")
        .annotate(uses=Count("id"), yesterday=Count("id", filter=Q(checkin__day=yesterday)))
        .order_by()
        .values_list("tag_id", "uses", "yesterday")
    )
    uses: dict[str, int] = {}
    yesterdays: list[str] = []
    for tag_id, count, on_yesterday in usage:
        uses[str(tag_id)] = count
        if on_yesterday:
            yesterdays.append(str(tag_id))
    counts = CheckIn.objects.filter(user=user, day__gte=since).aggregate(
        stress=Count("stress"),
        sleep=Count("sleep"),
        stated=Count("id", filter=Q(day=yesterday) & ~Q(state="")),
    )
    return _Habits(
        consent=has_health_consent(user),
        uses=uses,
        yesterdays=yesterdays,
        yesterday_state=bool(counts["stated"]),
        quick_scale="sleep" if counts["sleep"] > counts["stress"] else "stress",
        calm=calm.notes(what_calms_me(user)),
    )


def yesterdays_state(user: Any, today: date) -> str:
    """How the person felt in yesterday's last check-in that says so ("" when none did)."""
    found = (
        CheckIn.objects.filter(user=user, day=today - timedelta(days=1))
        .exclude(state="")
        .order_by("-at")
        .values_list("state", flat=True)
        .first()
    )
    return found or ""


def _inputs(
    kind: str,
    name: str,
    auto_id: str,
    options: Iterable[tuple[Any, str, Any]],
    chosen: set[str],
    css: str = "choice",
    extra: str = "",
) -> SafeString:
    """Radio buttons or checkboxes, each in its label, written in one pass: (index, value, label)
    in, escaped markup out (a widget template per input costs some 0.3 ms each)."""
    return mark_safe(  # noqa: S308 - every value and label is escaped here
        "".join(
            f'<label class="{css}" for="{auto_id}_{n}"><input type="{kind}" name="{name}" '
            f'value="{escape(str(value))}" id="{auto_id}_{n}"{extra}'
            f"{_CHECKED if str(value) in chosen else ''}> <span>{label}</span></label>"
            for n, value, label in options
        )
    )


class Offered(forms.Field):
    """A field whose options are shown (radio buttons, checkboxes, a select) but whose value is
    checked by the check-in's rules (`services.check_checkin`), not by the field: the page and
    the API follow the same rules, with the same messages."""

    def __init__(self, *, multiple: bool = False, **kwargs: Any) -> None:
        widget = forms.CheckboxSelectMultiple if multiple else forms.RadioSelect
        super().__init__(required=False, widget=widget, **kwargs)
        self.multiple = multiple

    def __deepcopy__(self, memo: dict[int, Any]) -> "Offered":
        # The same field for every form: nothing changes it per form, and a deep copy of each
        # field for every form (Django's default) costs more than the rest of the form.
        return self

    def to_python(self, value: Any) -> Any:
        if self.multiple:
            return [str(v) for v in value] if isinstance(value, list | tuple) else []
        return "" if value is None else str(value)


class CheckInForm(forms.Form):
    """The check-in page's form: it reads what was posted; the rules are services.check_checkin."""

    day = Offered(label=_("Dag"))
    time = forms.TimeField(
        label=_("Tijd"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    pain = Offered(label=_("Hoeveel pijn heb je nu? (0 = geen, 10 = ergst denkbaar)"))
    state = Offered(label=_("Hoe voel je je vooral?"))
    stress = Offered(label=_("Stress (0 = geen, 10 = heel veel)"))
    sleep = Offered(label=_("Hoe sliep je vannacht? (0 = heel slecht, 10 = heel goed)"))
    energy = Offered(label=_("Energie (0 = op, 10 = vol)"))
    tags = Offered(label=_("Wat speelde er?"), multiple=True)
    new_tags = forms.CharField(
        label=_("Eigen tags toevoegen"),
        required=False,
        help_text=_("Scheid meerdere tags met een komma."),
    )
    exercises = Offered(label=_("Welke oefeningen deed je?"), multiple=True)
    note = forms.CharField(
        label=_("Notitie"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Alleen jij (en een behandelaar aan wie je toegang gaf) kan dit lezen."),
    )
    client_key = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        user: Any,
        offer: Offer | None = None,
        own_day: date | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.offer = offer or offer_for(user)
        self.own_day = own_day  # an edited check-in's day, which it may keep

    # --- What the page shows --------------------------------------------------------------

    def typed(self, name: str, many: bool = False) -> Any:
        """A field's value as the page shows it, posted or initial: what BoundField.value()
        gives for these fields, without making one for each."""
        if not self.is_bound:
            return self.get_initial_for_field(self.fields[name], name)
        getlist = getattr(self.data, "getlist", None)
        if many and getlist:
            return getlist(name)
        return self.data.get(name)

    def chosen(self, name: str) -> set[str]:
        """The values of a choice field as the page shows them: posted, or the initial ones."""
        value = self.typed(name, many=True)
        values = value if isinstance(value, list | tuple) else [value]
        return {str(v) for v in values if v not in (None, "")}

    def scale(self, name: str, optional: str) -> SafeString:
        """A 0-10 scale: its fieldset, legend, message and eleven tiles."""
        auto_id = f"id_{name}"
        errors = self.errors.get(name)
        tiles = _inputs(
            "radio",
            name,
            auto_id,
            _SCALE,
            self.chosen(name),
            extra=" required" if name == "pain" else "",
        )
        return format_html(
            '<fieldset id="{}"{}><legend>{}{}</legend>{}<div class="choices scale11">{}</div>'
            "</fieldset>",
            auto_id,
            format_html(' class="has-error" aria-describedby="{}-error"', auto_id)
            if errors
            else "",
            self.fields[name].label,
            "" if name == "pain" else optional,
            format_html_join(
                "", '<p class="field-error" id="{}-error">{}</p>', ((auto_id, e) for e in errors)
            )
            if errors
            else "",
            tiles,
        )

    def inputs(self) -> dict[str, Any]:
        """Every choice of the page as escaped markup, written once per render."""
        offer = self.offer
        optional = format_html(' <span class="muted">({})</span>', gettext("niet verplicht"))
        quick = self.offer.quick_scale
        html: dict[str, Any] = {
            # in the quick part only pain is marked: the page says the rest may be skipped
            name: self.scale(name, "" if name == quick else optional)
            for name in ("pain", "stress", "sleep", "energy")
        }
        html["state"] = _inputs(
            "radio",
            "state",
            "id_state",
            ((n, value, escape(label)) for n, (value, label) in enumerate(_state_labels())),
            self.chosen("state"),
            css="chip",
        )
        tags = self.chosen("tags")
        quick = set(offer.quick_tags)
        numbered = [(n, pk, escape(name)) for n, (pk, name) in enumerate(offer.tags)]
        order = {pk: n for n, pk in enumerate(offer.quick_tags)}
        html["quick_tags"] = _inputs(
            "checkbox",
            "tags",
            "id_tags",
            sorted((t for t in numbered if t[1] in quick), key=lambda t: order[t[1]]),
            tags,
            css="chip",
        )
        html["other_tags"] = _inputs(
            "checkbox",
            "tags",
            "id_tags",
            (t for t in numbered if t[1] not in quick),
            tags,
            css="chip",
        )
        html["exercises"] = _inputs(
            "checkbox",
            "exercises",
            "id_exercises",
            (
                (n, slug, _exercise_label(name, offer.calm.get(slug, "")))
                for n, (slug, name) in enumerate(offer.exercises)
            ),
            self.chosen("exercises"),
        )
        day = self.chosen("day")
        days = offer.days
        if self.own_day and self.own_day.isoformat() not in {value for value, _ in days}:
            own = self.own_day.isoformat()
            days = [*days, (own, formats.date_format(self.own_day, "DATE_FORMAT"))]
        html["days"] = mark_safe(  # noqa: S308 - ISO dates and escaped labels
            "".join(
                f'<option value="{value}"{" selected" if value in day else ""}>{escape(label)}</option>'
                for value, label in days
            )
        )
        return html

    def more_open(self) -> bool:
        """Whether "more" opens: an error in it, or something in it filled in (after "same as
        yesterday", a refused form or for an edit), so nothing entered is out of sight."""
        other = self.offer.other_scale
        if any(
            name in self.errors
            for name in ("day", "time", "energy", other, "tags", "new_tags", "exercises", "note")
        ):
            return True
        places = [f"region_{code}" for code in REGIONS]
        if any(p in self.errors or self.typed(p) not in (None, "") for p in places):
            return True
        if self.chosen("energy") or self.chosen(other) or self.chosen("exercises"):
            return True
        if self.chosen("tags") - set(self.offer.quick_tags):
            return True
        return any(str(self.typed(name) or "").strip() for name in ("new_tags", "note"))

    # --- What the form accepts ------------------------------------------------------------

    def clean(self) -> dict[str, Any]:
        """The check-in's rules (services.check_checkin); a message goes beside its field. A
        form sent without a day or time at all (only the quick part) is for today, now."""
        data = super().clean()
        if "day" not in self.data:
            data["day"] = self.offer.today.isoformat()
        if "time" not in self.data:
            now = timezone.now().astimezone(services.zone_of(self.user))
            data["time"] = now.time().replace(second=0, microsecond=0)
        typed = {
            **data,
            "new_tags": data.get("new_tags", "").split(","),
            "region_pain": {
                code: data[f"region_{code}"]
                for code in REGIONS
                if data.get(f"region_{code}") is not None
            },
        }
        clean, errors = services.check_checkin(self.user, typed, own_day=self.own_day)
        for key, message in errors.items():
            field = key.replace("region_pain.", "region_")
            if field not in self.errors:  # the field could not even be read: that is said
                self.add_error(field, message)
        return clean or data


def _state_labels() -> list[tuple[str, str]]:
    return [(value, str(capfirst(label))) for value, label in CheckIn.State.choices]


def _exercise_label(name: str, calm: str) -> str:
    if not calm:
        return escape(name)
    return f'{escape(name)} <span class="muted">({escape(calm)})</span>'


class _PlaceField(forms.IntegerField):
    """Pain at one place, 0-10 (the rules check the range)."""

    def __deepcopy__(self, memo: dict[int, Any]) -> "_PlaceField":
        return self  # never changed per form, like Offered


def _region_field(code: str) -> forms.IntegerField:
    message = services.scale_message
    return _PlaceField(
        label=REGION_LABELS[code],
        required=False,
        widget=forms.NumberInput(attrs={"min": 0, "max": 10, "inputmode": "numeric"}),
        error_messages={"invalid": lazy(message, str)()},
    )


# The region fields are made once, with the class (not for every form), in the order of REGIONS.
_REGION_FIELDS = {f"region_{code}": _region_field(code) for code in REGIONS}
CheckInForm.base_fields.update(_REGION_FIELDS)
CheckInForm.declared_fields.update(_REGION_FIELDS)
