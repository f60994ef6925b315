"""Forms of the account pages. Every rejected form keeps what was typed (except passwords)."""

import unicodedata
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _

from lijfwijs.core.mail import send_email

from .models import ConsentText, User


class EmailLoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mailadres"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    error_messages = {
        "invalid_login": _(
            "Dit e-mailadres en wachtwoord horen niet bij elkaar. Let op hoofdletters."
        ),
        "inactive": _("Dit account is niet actief."),
    }

    def clean_username(self) -> str:
        # One spelling per address (addresses are stored lower-case): django-axes counts failures
        # per username + IP, so "Anna@…" and "anna@…" must not be counted apart.
        return self.cleaned_data["username"].lower()


class PasswordFieldsMixin:
    def clean_password2(self) -> str:
        p1, p2 = self.cleaned_data.get("password1"), self.cleaned_data.get("password2")  # type: ignore[attr-defined]
        if p1 and p2 and p1 != p2:
            raise forms.ValidationError(_("De twee wachtwoorden zijn niet gelijk."))
        return p2 or ""


class RegistrationForm(PasswordFieldsMixin, forms.Form):
    email = forms.EmailField(
        label=_("E-mailadres"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    display_name = forms.CharField(
        label=_("Hoe mogen we je noemen?"),
        required=False,
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    password1 = forms.CharField(
        label=_("Wachtwoord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Minstens 12 tekens. Een zin van een paar woorden werkt goed."),
    )
    password2 = forms.CharField(
        label=_("Wachtwoord nog een keer"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    language = forms.ChoiceField(label=_("Taal"), choices=settings.LANGUAGES)
    consent = forms.BooleanField(
        label=_(
            "Ik geef toestemming voor het verwerken van mijn gezondheidsgegevens zoals hierboven beschreven."
        ),
        error_messages={
            "required": _("Zonder deze toestemming kunnen we je gegevens niet bewaren.")
        },
    )
    consent_version = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, consent_text: ConsentText, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.consent_text = consent_text
        self.fields["consent_version"].initial = consent_text.version

    def clean_email(self) -> str:
        # Whether the address has an account is never said here (services.register mails its
        # owner instead): on a back-pain platform having an account is itself sensitive.
        return self.cleaned_data["email"].strip().lower()

    def clean_consent_version(self) -> str:
        version = self.cleaned_data["consent_version"]
        if version != self.consent_text.version:
            # The version is a hidden field, whose errors nobody sees: the message goes with the
            # checkbox, which is shown unticked, and the form now carries the current version
            # (otherwise every later submit would fail on the stale one).
            data = self.data.copy()
            data["consent_version"] = self.consent_text.version
            data.pop("consent", None)
            self.data = data
            self.add_error(
                "consent",
                _(
                    "De toestemmingstekst is net gewijzigd. Lees hem opnieuw en vink het vakje weer aan."
                ),
            )
        return version

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        password = data.get("password1")
        if password:
            user = User(email=data.get("email", ""), display_name=data.get("display_name", ""))
            try:
                password_validation.validate_password(password, user)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class EmailChangeForm(forms.Form):
    new_email = forms.EmailField(
        label=_("Nieuw e-mailadres"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = forms.CharField(
        label=_("Je huidige wachtwoord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_new_email(self) -> str:
        email = self.cleaned_data["new_email"].strip().lower()
        if email == self.user.email:
            raise forms.ValidationError(_("Dit is al je e-mailadres."))
        if User.objects.with_email(email).exists():
            raise forms.ValidationError(_("Dit e-mailadres is al in gebruik."))
        return email

    def clean_password(self) -> str:
        return check_password_field(self.user, self.cleaned_data["password"])


def check_password_field(user: User, password: str) -> str:
    if not user.check_password(password):
        raise forms.ValidationError(_("Dit wachtwoord klopt niet."))
    return password


class PasswordConfirmForm(forms.Form):
    """A fresh password check before export or deletion."""

    password = forms.CharField(
        label=_("Je wachtwoord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        return check_password_field(self.user, self.cleaned_data["password"])


class DeleteAccountForm(PasswordConfirmForm):
    confirm = forms.BooleanField(
        label=_("Ik begrijp dat al mijn gegevens definitief worden verwijderd."),
        error_messages={"required": _("Vink dit aan als je je account echt wilt verwijderen.")},
    )


class GrantAccessForm(forms.Form):
    practitioner_email = forms.EmailField(label=_("E-mailadres van je behandelaar"))
    consent = forms.BooleanField(
        label=_("Ik geef deze behandelaar toegang zoals hierboven beschreven."),
        error_messages={"required": _("Vink dit aan om toegang te geven.")},
    )

    def clean_practitioner_email(self) -> User:
        email = self.cleaned_data["practitioner_email"].strip().lower()
        practitioner = (
            User.objects.with_email(email)
            .filter(role=User.Role.PRACTITIONER, is_active=True)
            .first()
        )
        if practitioner is None:
            raise forms.ValidationError(
                _(
                    "We vinden geen behandelaar met dit e-mailadres in Lijfwijs. Vraag je behandelaar om het adres waarmee hij of zij inlogt."
                )
            )
        return practitioner


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mailadres van je cliënt"))


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "language", "time_zone"]
        help_texts = {
            "time_zone": _(
                "Bijvoorbeeld Europe/Amsterdam. Je check-ins horen bij je dag in deze tijdzone."
            )
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].required = False  # left empty: keep the zone one has

    def clean_time_zone(self) -> str:
        zone = (self.cleaned_data.get("time_zone") or "").strip() or self.instance.time_zone
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise forms.ValidationError(
                _(
                    "Deze tijdzone kennen we niet. Gebruik de vorm Werelddeel/Stad, zoals Europe/Amsterdam."
                )
            ) from None
        return zone


def _same_address(one: str, other: str) -> bool:
    """Two addresses compared as Django's reset form compares them (NFKC, case folded), so that a
    database's looser lowering (`ı` against `i`) never sends a reset link to another account."""
    return (
        unicodedata.normalize("NFKC", one).casefold()
        == unicodedata.normalize("NFKC", other).casefold()
    )


class LijfwijsPasswordResetForm(PasswordResetForm):
    """Django's reset flow, with the email sent as a background task in the person's language."""

    def get_users(self, email: str) -> Any:
        """Django's rule (an active account with a usable password and the same address, compared
        without case as Django compares it), the accounts read through the lowered address's
        index (`UserQuerySet.with_email`): Django's own `email__iexact` reads every account."""
        return (
            user
            for user in User.objects.with_email(email).filter(is_active=True)
            if user.has_usable_password() and _same_address(email, user.email)
        )

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        from .services import link

        user = context["user"]
        url = link(
            "accounts:password_reset_confirm",
            user.language,
            uidb64=context["uid"],
            token=context["token"],
        )
        send_email(
            to_email,
            "accounts/emails/password_reset",
            {"link": url, "name": str(user), "account": user.pk},
            user.language,
        )
