"""The forms of events: a practice's event (times in the practice's zone: the view validates and
renders them under `timezone.override`), a visitor's sign-up, and cancelling."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lijfwijs.core.dates import MomentField

from .models import MAX_CAPACITY, Event

LOCAL_MOMENT = "%Y-%m-%dT%H:%M"


class MomentInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format=LOCAL_MOMENT, **kwargs)


class EventForm(forms.ModelForm):
    online_link = forms.URLField(
        label=_("Online link (mag leeg)"),
        help_text=_("Bijvoorbeeld de link van de videoverbinding. Vul deze of een adres in."),
        required=False,
        max_length=200,
        assume_scheme="https",
        error_messages={"invalid": _("Vul een volledige link in, die begint met https://.")},
    )

    class Meta:
        model = Event
        fields = [
            "title",
            "description",
            "start",
            "end",
            "online_link",
            "address",
            "capacity",
            "signup_deadline",
            "is_free",
            "price_text",
        ]
        labels = {
            "address": _("Adres (mag leeg)"),
            "signup_deadline": _("Aanmelden kan tot (mag leeg)"),
            "price_text": _("Prijs (als het niet gratis is)"),
            "description": _("Omschrijving (mag leeg)"),
        }
        help_texts = {
            "start": _("In de tijdzone van je praktijk."),
            "signup_deadline": _("Leeg: tot het begin."),
            "capacity": _("Wie zich aanmeldt als alles vol is, komt op de wachtlijst."),
        }
        field_classes = {"start": MomentField, "end": MomentField, "signup_deadline": MomentField}
        widgets = {
            "start": MomentInput(),
            "end": MomentInput(),
            "signup_deadline": MomentInput(),
            "description": forms.Textarea(attrs={"rows": 6}),
            "address": forms.Textarea(attrs={"rows": 3}),
            "capacity": forms.NumberInput(attrs={"min": 1, "max": MAX_CAPACITY}),
        }
        error_messages = {
            "title": {"required": _("Geef het evenement een titel.")},
            "start": {
                "required": _("Vul in wanneer het begint."),
                "invalid": _("Vul een datum en tijd in, zoals 2026-12-08 19:30."),
            },
            "end": {
                "required": _("Vul in wanneer het eindigt."),
                "invalid": _("Vul een datum en tijd in, zoals 2026-12-08 21:00."),
            },
            "signup_deadline": {
                "invalid": _("Vul een datum en tijd in, zoals 2026-12-07 12:00."),
            },
            "capacity": {
                "required": _("Vul in hoeveel plaatsen er zijn."),
                "invalid": _("Vul een heel getal in."),
                "min_value": _("Er is minstens één plaats."),
                "max_value": _("Kies hoogstens %(limit_value)s plaatsen."),
            },
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end <= start:
            self.add_error("end", _("Het einde ligt na het begin."))
        if start and self.instance.pk is None and start <= timezone.now():
            self.add_error("start", _("Kies een moment in de toekomst."))
        deadline = data.get("signup_deadline")
        if deadline and start and deadline > start:
            self.add_error("signup_deadline", _("Aanmelden sluit uiterlijk bij het begin."))
        if not data.get("online_link") and not (data.get("address") or "").strip():
            self.add_error("online_link", _("Vul een online link of een adres in."))
        if not data.get("is_free") and not (data.get("price_text") or "").strip():
            self.add_error("price_text", _("Vul de prijs in, of kies gratis."))
        capacity = data.get("capacity")
        if capacity is not None and self.instance.pk and capacity < self.instance.taken:
            self.add_error(
                "capacity",
                _("Er zijn al %(taken)s aanmeldingen: kies minstens zoveel plaatsen.")
                % {"taken": self.instance.taken},
            )
        return data

    def clean_title(self) -> str:
        return " ".join(self.cleaned_data["title"].split())


class SignUpForm(forms.Form):
    name = forms.CharField(
        label=_("Je naam"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Vul je naam in.")},
    )
    email = forms.EmailField(
        label=_("Je e-mailadres"),
        help_text=_("Hier sturen we de bevestiging en de link om je af te melden."),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Vul je e-mailadres in."),
            "invalid": _("Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl."),
        },
    )

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Vul je naam in."), code="required")
        return name


class CancelForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Ja, ik meld me af"),
        error_messages={"required": _("Vink aan dat je je wilt afmelden.")},
    )
