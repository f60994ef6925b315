"""The campaign editor's form: what is written, to whom, and when (in the practice's time zone)."""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from lijfwijs.core.dates import MomentField
from lijfwijs.outreach.audience import Audience

from .models import Campaign
from .services import Draft

MAX_BODY = 50_000
ACTIONS = ("save", "preview", "test", "schedule", "send")


class CampaignForm(forms.Form):
    subject = forms.CharField(
        label=gettext_lazy("Onderwerp"),
        max_length=150,
        error_messages={
            "required": gettext_lazy("Geef je campagne een onderwerp."),
            "max_length": gettext_lazy("Houd het onderwerp korter dan 150 tekens."),
        },
    )
    preheader = forms.CharField(
        label=gettext_lazy("Voorregel (niet verplicht)"),
        max_length=150,
        required=False,
        help_text=gettext_lazy(
            "Veel e-mailprogramma's tonen deze regel naast het onderwerp in de inbox."
        ),
        error_messages={"max_length": gettext_lazy("Houd de voorregel korter dan 150 tekens.")},
    )
    body = forms.CharField(
        label=gettext_lazy("Tekst"),
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "true"}),
        help_text=gettext_lazy(
            "In Markdown: een lege regel tussen alinea's, **vet**, *schuin*, "
            "[linktekst](https://…) en lijstjes met een streepje."
        ),
        error_messages={
            "required": gettext_lazy("Schrijf de tekst van je campagne."),
            "max_length": gettext_lazy("De tekst is te lang: hoogstens 50.000 tekens."),
        },
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Taal van de tekst"),
        choices=Campaign.Language.choices,
        initial=Campaign.Language.NL,
        error_messages={"invalid_choice": gettext_lazy("Kies Nederlands of Engels.")},
    )
    audience = forms.ChoiceField(
        label=gettext_lazy("Naar wie"),
        required=False,
        error_messages={"invalid_choice": gettext_lazy("Kies een groep ontvangers uit de lijst.")},
    )
    send_at = MomentField(
        label=gettext_lazy("Inplannen voor (niet verplicht)"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=gettext_lazy("Alleen nodig als je de campagne later wilt laten versturen."),
        error_messages={
            "invalid": gettext_lazy("Vul een datum en tijd in, zoals 2026-12-24 09:00.")
        },
    )

    def __init__(
        self,
        *args: Any,
        audiences: list[Audience],
        time_zone: str,
        action: str = "save",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.zone = ZoneInfo(time_zone)
        self.action = action
        self.fields["audience"].choices = [("", gettext_lazy("Kies later"))] + [
            (a.key, f"{a.label} ({a.count})") for a in audiences
        ]
        self.fields["send_at"].help_text = gettext_lazy(
            "Alleen nodig als je de campagne later wilt laten versturen. Tijd van de praktijk: %(zone)s."
        ) % {"zone": time_zone}

    def clean_send_at(self) -> datetime | None:
        value = self.cleaned_data.get("send_at")
        if value is None:
            if self.action == "schedule":
                raise forms.ValidationError(
                    gettext_lazy("Kies wanneer de campagne verstuurd moet worden.")
                )
            return None
        # the form's time is the practice's wall clock (the browser sends no zone)
        local = timezone.make_naive(value) if timezone.is_aware(value) else value
        moment = local.replace(tzinfo=self.zone)
        if self.action == "schedule" and moment <= timezone.now():
            raise forms.ValidationError(gettext_lazy("Kies een moment in de toekomst."))
        return moment

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (
            self.action in ("schedule", "send")
            and not data.get("audience")
            and "audience" not in self.errors
        ):
            self.add_error("audience", gettext_lazy("Kies naar wie de campagne gaat."))
        return data

    def draft(self) -> Draft:
        data = self.cleaned_data
        return Draft(
            subject=data["subject"].strip(),
            preheader=data["preheader"].strip(),
            body=data["body"],
            language=data["language"],
            audience_key=data["audience"],
        )


def initial_for(campaign: Campaign) -> dict[str, Any]:
    return {
        "subject": campaign.subject,
        "preheader": campaign.preheader,
        "body": campaign.body,
        "language": campaign.language,
        "audience": campaign.audience_key,
    }
