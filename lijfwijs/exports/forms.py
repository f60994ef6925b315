"""Asking for an export: what, in which CSV dialect, and (for one's own data) the password again."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lijfwijs.accounts.forms import check_password_field

from .models import ExportJob

KIND_HINTS = {
    ExportJob.Kind.PDF: _(
        "Eén of twee A4-pagina's om mee te nemen: je laatste Pijntest met eventuele "
        "waarschuwingssignalen, je scores over de tijd, je dagboek en wat je rust geeft."
    ),
    ExportJob.Kind.DIARY_CSV: _("Elke check-in op een regel, voor een spreadsheet."),
    ExportJob.Kind.PRACTICE_CSV: _("Elke keer dat je oefende op een regel, voor een spreadsheet."),
    ExportJob.Kind.FHIR: _(
        "Je vragenlijsten, scores en pijncijfers in de standaard van zorgsystemen (FHIR R4)."
    ),
    ExportJob.Kind.JSON: _("Alles wat Lijfwijs over je bewaart, in één bestand (JSON)."),
}


class ExportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Wat wil je downloaden?"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Kies wat je wilt downloaden."),
            "invalid_choice": _("Kies een van de mogelijkheden hieronder."),
        },
    )
    variant = forms.ChoiceField(
        label=_("Voor CSV: welk soort bestand?"),
        widget=forms.RadioSelect,
        choices=ExportJob.Variant.choices,
        required=False,
        initial="",
        help_text=_(
            "Kies 'Nederlandse spreadsheet' als je het bestand opent in Excel met Nederlandse "
            "instellingen: dan staan de kolommen en de getallen meteen goed."
        ),
        error_messages={"invalid_choice": _("Kies een van de twee soorten.")},
    )
    password = forms.CharField(
        label=_("Je wachtwoord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Ter controle, omdat het bestand gezondheidsgegevens bevat."),
    )

    def __init__(self, *args: Any, kinds: list[str], user: Any, ask_password: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.user = user
        labels = dict(ExportJob.Kind.choices)
        self.fields["kind"].choices = [(k, labels[k]) for k in kinds]
        # what each kind holds, in words for the person themselves (a practitioner knows)
        self.hints = {k: KIND_HINTS[k] for k in kinds} if ask_password else {}
        if not ask_password:
            del self.fields["password"]

    def clean_password(self) -> str:
        return check_password_field(self.user, self.cleaned_data["password"])
