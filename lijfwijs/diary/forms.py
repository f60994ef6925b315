"""The check-in form: everything optional but the pain score; nothing typed is lost on an error."""

from typing import Any

from django import forms
from django.utils import formats
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from lijfwijs.exercises.models import Exercise

from . import services
from .models import REGIONS, CheckIn, Tag

SCALE = [(n, str(n)) for n in range(11)]
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


class Offered(forms.Field):
    """A field whose options are shown (radio buttons, checkboxes, a select) but whose value is
    checked by the check-in's rules (`services.check_checkin`), not by the field: the page and
    the API follow the same rules, with the same messages."""

    def __init__(self, *, choices: Any = (), multiple: bool = False, **kwargs: Any) -> None:
        widget = forms.CheckboxSelectMultiple if multiple else forms.RadioSelect
        super().__init__(required=False, widget=widget, **kwargs)
        self.choices = choices
        self.multiple = multiple

    def to_python(self, value: Any) -> Any:
        if self.multiple:
            return [str(v) for v in value] if isinstance(value, list | tuple) else []
        return "" if value is None else str(value)


class _Options:
    """`form.choice_options.pain` in a template: the options of a choice field as plain dicts.

    Rendering each radio or checkbox through Django's widget templates costs about 0.3 ms an
    option; the check-in page has some 80 of them, so the page writes the inputs itself.
    """

    def __init__(self, form: forms.Form) -> None:
        self.form = form

    def __getitem__(self, name: str) -> list[dict[str, Any]]:
        bound = self.form[name]
        value = bound.value()
        values = value if isinstance(value, list | tuple) else [value]
        chosen = {str(getattr(v, "pk", v)) for v in values if v not in (None, "")}
        options = []
        for n, (raw, label) in enumerate(bound.field.choices):
            code = str(raw)
            options.append(
                {
                    "id": f"{bound.auto_id}_{n}",
                    "value": code,
                    "label": label,
                    "checked": code in chosen,
                }
            )
        return options


class CheckInForm(forms.Form):
    """The check-in page's form: it reads what was posted; the rules are services.check_checkin."""

    day = Offered(label=_("Dag"))
    time = forms.TimeField(
        label=_("Tijd"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    pain = Offered(
        label=_("Hoeveel pijn heb je nu? (0 = geen, 10 = ergst denkbaar)"), choices=SCALE
    )
    state = Offered(label=_("Hoe voel je je vooral?"), choices=CheckIn.State.choices)
    stress = Offered(label=_("Stress (0 = geen, 10 = heel veel)"), choices=SCALE)
    sleep = Offered(
        label=_("Hoe sliep je vannacht? (0 = heel slecht, 10 = heel goed)"), choices=SCALE
    )
    energy = Offered(label=_("Energie (0 = op, 10 = vol)"), choices=SCALE)
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
        self, *args: Any, user: Any, calm: dict[str, str] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.calm = calm or {}  # exercise slug → what it did for this person's tension
        self.choice_options = _Options(self)
        days = services.allowed_days(user)
        labels = [_("Vandaag"), _("Gisteren")]
        self.fields["day"].choices = [
            (d.isoformat(), str(labels[n]) if n < 2 else formats.date_format(d, "l j F"))
            for n, d in enumerate(days)
        ]
        self.fields["tags"].choices = [(str(t.pk), t.name) for t in Tag.objects.for_user(user)]
        exercises = Exercise.objects.active().only("slug", "name_nl", "name_en")
        self.fields["exercises"].choices = [(e.slug, e.name) for e in exercises]

    def exercise_options(self) -> list[dict[str, Any]]:
        """The exercises to tick, each with what it did for the person's tension ("calm")."""
        options = self.choice_options["exercises"]
        for option in options:
            option["calm"] = self.calm.get(option["value"], "")
        return options

    def region_fields(self) -> list[Any]:
        return [self[f"region_{code}"] for code in REGIONS]

    def clean(self) -> dict[str, Any]:
        """The check-in's rules (services.check_checkin); a message goes beside its field."""
        data = super().clean()
        typed = {
            **data,
            "new_tags": data.get("new_tags", "").split(","),
            "region_pain": {
                code: data[f"region_{code}"]
                for code in REGIONS
                if data.get(f"region_{code}") is not None
            },
        }
        clean, errors = services.check_checkin(self.user, typed)
        for key, message in errors.items():
            field = key.replace("region_pain.", "region_")
            if field not in self.errors:  # the field could not even be read: that is said
                self.add_error(field, message)
        return clean or data


def _region_field(code: str) -> forms.IntegerField:
    message = services.scale_message
    return forms.IntegerField(
        label=REGION_LABELS[code],
        required=False,
        widget=forms.NumberInput(attrs={"min": 0, "max": 10, "inputmode": "numeric"}),
        error_messages={"invalid": lazy(message, str)()},
    )


# The region fields are made once, with the class (not for every form), in the order of REGIONS.
_REGION_FIELDS = {f"region_{code}": _region_field(code) for code in REGIONS}
CheckInForm.base_fields.update(_REGION_FIELDS)
CheckInForm.declared_fields.update(_REGION_FIELDS)
