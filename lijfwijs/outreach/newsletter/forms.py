"""The newsletter's forms: signing up (short and full), preferences, a practice's lists, searching."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lijfwijs.core.ids import ModelChoices

from .models import NewsletterList, Subscriber

PUBLIC_SOURCES = [
    Subscriber.Source.FOOTER,
    Subscriber.Source.PAGE,
    Subscriber.Source.REPORT,
    Subscriber.Source.ARTICLE,
]


def source_of(value: object) -> str:
    """Where a sign-up form stands (an unknown value: the sign-up page)."""
    return value if value in PUBLIC_SOURCES else Subscriber.Source.PAGE


class ListChoice(ModelChoices):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: NewsletterList) -> str:
        return f"{obj.name}: {obj.description}" if obj.description else obj.name


class SignUpForm(forms.Form):
    """The sign-up: the footer's, a panel's and the page's forms all post here. `lists` is on the
    page only; a short form signs up to its source's default lists. `website` is a honeypot that
    people never see (a robot that fills it in is answered as everyone is, and nothing happens)."""

    email = forms.EmailField(
        label=_("Je e-mailadres"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    name = forms.CharField(
        label=_("Je voornaam (mag leeg)"),
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    source = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    website = forms.CharField(required=False, max_length=200)

    def __init__(self, *args: Any, lists: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if lists is not None:
            self.fields["lists"] = ListChoice(
                queryset=lists,
                label=_("Waarover wil je e-mail krijgen?"),
                required=True,
                error_messages={"required": _("Kies minstens één onderwerp.")},
            )

    def clean_source(self) -> str:
        return source_of(self.cleaned_data.get("source"))


class AccountSignUpForm(forms.Form):
    """A signed-in person chooses lists; their account's address is used."""

    def __init__(self, *args: Any, lists: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lists"] = ListChoice(
            queryset=lists,
            label=_("Waarover wil je e-mail krijgen?"),
            error_messages={"required": _("Kies minstens één onderwerp.")},
        )


class PreferencesForm(forms.Form):
    name = forms.CharField(label=_("Je voornaam (mag leeg)"), max_length=120, required=False)
    language = forms.ChoiceField(
        label=_("Taal van de e-mails"),
        choices=[("nl", "Nederlands"), ("en", "English")],
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, lists: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lists"] = ListChoice(
            queryset=lists,
            label=_("Waarover wil je e-mail krijgen?"),
            required=False,
            help_text=_(
                "Vink alles uit als je tijdelijk niets wilt krijgen, of meld je hieronder af."
            ),
        )


class ListForm(forms.Form):
    name = forms.CharField(label=_("Naam"), max_length=80)
    description = forms.CharField(
        label=_("Omschrijving (mag leeg)"),
        help_text=_("Abonnees zien deze uitleg als ze kiezen waarover ze e-mail willen."),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Zoek op e-mailadres of naam"), max_length=100, required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Alle"))] + list(Subscriber.Status.choices),
        required=False,
    )
