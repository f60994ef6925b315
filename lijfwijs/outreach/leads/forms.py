"""The contact form, the report's "contact me" form and the workspace's forms (search, status,
note). Spam protection without a third party lives here: a field people never see (a bot fills
it), a signed time stamp of when the form was shown (sent within seconds, or after a day: refused
kindly, with what was typed kept and a fresh stamp), and the rate limits in the views."""

import time
from typing import Any

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from lijfwijs.booking.forms import PHONE

from .models import Lead

MAX_QUESTION = 2000
MIN_SECONDS = 3  # a person needs longer than this to fill in the form
MAX_AGE = 24 * 60 * 60  # a form shown longer ago than this is sent again with a fresh stamp
_STAMP_SALT = "lijfwijs.leads.form-shown"
HONEYPOT = "website_url"  # a name a person's browser does not fill in by itself


def stamp(now: float | None = None) -> str:
    """When the form was shown, signed (a bot cannot write an older time itself)."""
    return signing.dumps(int(now if now is not None else time.time()), salt=_STAMP_SALT)


def shown_at(value: Any) -> int | None:
    if not isinstance(value, str) or len(value) > 200:
        return None
    try:
        shown = signing.loads(value, salt=_STAMP_SALT)
    except signing.BadSignature:
        return None
    return shown if isinstance(shown, int) else None


class _Guarded(forms.Form):
    """The honeypot and the time stamp (`shown`, written by the page), checked before anything
    is stored."""

    def __init__(self, *args: Any, now: float | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.now = now if now is not None else time.time()
        self.fields[HONEYPOT] = forms.CharField(
            label=_("Laat dit veld leeg"),
            required=False,
            max_length=200,
            widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        )

    def stamp_to_show(self) -> str:
        """The stamp the page carries: the one sent, while it is good. A form shown for the first
        time (or sent with a stamp that does not verify) gets a fresh one. A form that was open
        too long was a person's (the stamp verified): it may be sent again at once."""
        sent = self.data.get("shown") if self.is_bound else None
        shown = shown_at(sent)
        if shown is None or shown > self.now + 5:
            return stamp(self.now)
        if self.now - shown > MAX_AGE:
            return stamp(self.now - MIN_SECONDS)
        return str(sent)

    @property
    def honeypot(self) -> forms.BoundField:
        return self[HONEYPOT]

    def visible_fields(self) -> list[forms.BoundField]:
        return [field for field in super().visible_fields() if field.name != HONEYPOT]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get(HONEYPOT):
            raise ValidationError(
                _(
                    "Dit formulier lijkt automatisch ingevuld te zijn. Stuur het nog eens, of "
                    "mail of bel de praktijk."
                ),
                code="honeypot",
            )
        shown = shown_at(self.data.get("shown"))
        if shown is None or shown > self.now + 5 or self.now - shown > MAX_AGE:
            raise ValidationError(
                _(
                    "Dit formulier stond te lang open. Wat je typte staat er nog: kijk het na en "
                    "verstuur het opnieuw."
                ),
                code="expired",
            )
        if self.now - shown < MIN_SECONDS:
            raise ValidationError(
                _("Dat ging wel heel snel. Kijk je bericht nog even na en verstuur het opnieuw."),
                code="too_fast",
            )
        return data


CONSENT_LABEL = _(
    "Ik geef de praktijk toestemming om mijn gegevens en mijn vraag te bewaren om contact met "
    "mij op te nemen."
)


class _ContactFields(_Guarded):
    """Who the person is, how to reach them, what they ask, to which practice."""

    practice = forms.TypedChoiceField(
        label=_("Aan welke praktijk?"),
        coerce=int,
        choices=(),
        error_messages={"required": _("Kies de praktijk die contact met je opneemt.")},
    )
    name = forms.CharField(
        label=_("Je naam"), max_length=120, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label=_("Je e-mailadres"),
        help_text=_(
            "Hierop neemt de praktijk contact met je op. Je krijgt een kopie van je bericht."
        ),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Je telefoonnummer (mag leeg)"),
        max_length=32,
        required=False,
        validators=[PHONE],
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    consent = forms.BooleanField(
        label=CONSENT_LABEL,
        error_messages={"required": _("Zonder je toestemming kunnen we je vraag niet bewaren.")},
    )

    def __init__(
        self,
        *args: Any,
        practices: list[tuple[int, str]],
        can_attach: bool = False,
        **kwargs: Any,
    ) -> None:
        # ids of their own: the report shows other apps' forms beside this one
        kwargs.setdefault("auto_id", "contact-%s")
        super().__init__(*args, **kwargs)
        self.fields["practice"].choices = practices  # type: ignore[attr-defined]
        self.chosen_practice: int | None = None
        if len(practices) <= 1:
            # one practice runs this installation: nothing to choose (none given: the form is
            # shown without asking, and the page it posts to asks when there are several)
            del self.fields["practice"]
            self.chosen_practice = practices[0][0] if practices else None
        if can_attach:
            self.fields["attach"] = forms.BooleanField(
                label=_("Stuur de uitslag van mijn Pijntest mee"),
                help_text=_(
                    "Dan weet de praktijk waar je staat. Alleen de praktijk ziet je uitslag."
                ),
                required=False,
            )
        self.order_fields(self.field_order)

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def practice_id(self) -> int | None:
        return self.cleaned_data.get("practice") or self.chosen_practice


class ContactForm(_ContactFields):
    """The contact form: a question, optionally with the person's Pijntest result."""

    question = forms.CharField(
        label=_("Je vraag"),
        help_text=_(
            "Schrijf niet meer over je gezondheid dan nodig is. Alleen de praktijk leest dit."
        ),
        max_length=MAX_QUESTION,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    field_order = ("practice", "name", "email", "phone", "question", "attach", "consent")

    def clean_question(self) -> str:
        question = self.cleaned_data["question"].strip()
        if not question:
            raise ValidationError(_("Schrijf je vraag."), code="required")
        return question


class ReportContactForm(_ContactFields):
    """Under the Pijntest report: "contact me", with a short note and the result if they want."""

    name = forms.CharField(
        label=_("Je naam (mag leeg)"),
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    question = forms.CharField(
        label=_("Wil je er iets bij zeggen? (mag leeg)"),
        required=False,
        max_length=MAX_QUESTION,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    field_order = ("practice", "name", "email", "phone", "question", "attach", "consent")

    def clean_question(self) -> str:
        return self.cleaned_data["question"].strip()


class SearchForm(forms.Form):
    """The list's filter: a status and words in the name, address or phone number."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("alle"))] + list(Lead.Status.choices),
    )
    q = forms.CharField(
        label=_("Zoek op naam, e-mailadres of telefoon"), required=False, max_length=100
    )

    def clean_q(self) -> str:
        return " ".join(self.cleaned_data["q"].replace("\x00", "").split())


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Nieuwe status"), choices=Lead.Status.choices)


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Notitie"),
        help_text=_("Alleen de eigenaar en de behandelaars van de praktijk lezen dit."),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].strip()
        if not body:
            raise ValidationError(_("Schrijf een notitie."), code="required")
        return body
