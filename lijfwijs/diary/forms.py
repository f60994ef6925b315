"""The check-in form: everything optional but the pain score; nothing typed is lost on an error."""

from datetime import date
from typing import Any

from django import forms
from django.utils import formats
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


def _scale(label: Any, required: bool = False) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=SCALE,
        coerce=int,
        required=required,
        empty_value=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Kies een getal van 0 tot en met 10."),
            "invalid_choice": _("Kies een getal van 0 tot en met 10."),
        },
    )


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
            code = str(getattr(raw, "value", raw))
            options.append(
                {
                    "id": f"{bound.auto_id}_{n}",
                    "value": code,
                    "label": label,
                    "checked": code in chosen,
                    "instance": getattr(raw, "instance", None),  # a model choice's object
                }
            )
        return options


class CheckInForm(forms.Form):
    day = forms.TypedChoiceField(label=_("Dag"), coerce=date.fromisoformat)
    time = forms.TimeField(
        label=_("Tijd"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    pain = _scale(_("Hoeveel pijn heb je nu? (0 = geen, 10 = ergst denkbaar)"), required=True)
    state = forms.ChoiceField(
        label=_("Hoe voel je je vooral?"),
        choices=CheckIn.State.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    stress = _scale(_("Stress (0 = geen, 10 = heel veel)"))
    sleep = _scale(_("Hoe sliep je vannacht? (0 = heel slecht, 10 = heel goed)"))
    energy = _scale(_("Energie (0 = op, 10 = vol)"))
    tags = forms.ModelMultipleChoiceField(
        label=_("Wat speelde er?"),
        queryset=Tag.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    new_tags = forms.CharField(
        label=_("Eigen tags toevoegen"),
        required=False,
        max_length=300,
        help_text=_("Scheid meerdere tags met een komma."),
    )
    exercises = forms.ModelMultipleChoiceField(
        label=_("Welke oefeningen deed je?"),
        queryset=Exercise.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("Notitie"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Alleen jij (en een behandelaar aan wie je toegang gaf) kan dit lezen."),
    )
    client_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

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
        self.fields["tags"].queryset = Tag.objects.for_user(user)
        self.fields["exercises"].queryset = Exercise.objects.active()

    def exercise_options(self) -> list[dict[str, Any]]:
        """The exercises to tick, each with what it did for the person's tension ("calm")."""
        options = self.choice_options["exercises"]
        for option in options:
            slug = getattr(option["instance"], "slug", "")
            option["calm"] = self.calm.get(slug, "")
        return options

    def region_fields(self) -> list[Any]:
        return [self[f"region_{code}"] for code in REGIONS]

    def clean_new_tags(self) -> list[str]:
        names = [" ".join(part.split()) for part in self.cleaned_data["new_tags"].split(",")]
        names = [n for n in names if n]
        if any(len(n) > 60 for n in names):
            raise forms.ValidationError(_("Een tag mag hooguit 60 tekens lang zijn."))
        return names

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        data["region_pain"] = {
            code: data[f"region_{code}"]
            for code in REGIONS
            if data.get(f"region_{code}") is not None
        }
        return data


def _region_field(code: str) -> forms.IntegerField:
    message = _("Kies een getal van 0 tot en met 10.")
    return forms.IntegerField(
        label=REGION_LABELS[code],
        required=False,
        min_value=0,
        max_value=10,
        widget=forms.NumberInput(attrs={"min": 0, "max": 10, "inputmode": "numeric"}),
        error_messages={"min_value": message, "max_value": message, "invalid": message},
    )


# The region fields are made once, with the class (not for every form), in the order of REGIONS.
_REGION_FIELDS = {f"region_{code}": _region_field(code) for code in REGIONS}
CheckInForm.base_fields.update(_REGION_FIELDS)
CheckInForm.declared_fields.update(
    _REGION_FIELDS
)  # so that subclasses (the API's form) have them too
