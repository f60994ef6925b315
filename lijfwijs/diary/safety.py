"""The diary's safety net: the line shown where pain gets worse, and the safety questions the
flare-up notice asks again (clinical.md, "Safety screens"), each yes routed to fixed advice.

The questions are the Pijntest's cauda equina, leg weakness and fever questions, worded as
clinical.md's table (new or worsening); the advice is the Pijntest's own text for the level
(`assessments.labels`), so a yes here reads exactly as it would there.
"""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lijfwijs.accounts.models import User
from lijfwijs.core import hooks

from .models import SafetyCheck

Level = SafetyCheck.Level


@dataclass(frozen=True)
class Question:
    key: str
    level: str  # the level a yes raises
    text: Promise  # the question
    flag: Promise  # what the person said yes to, in the advice


QUESTIONS = (
    Question(
        "bladder",
        Level.URGENT,
        gettext_lazy(
            "Heb je sinds kort moeite met plassen, kun je niet plassen, of verlies je ongewild urine?"
        ),
        gettext_lazy("nieuwe problemen met plassen of verlies van urine"),
    ),
    Question(
        "saddle",
        Level.URGENT,
        gettext_lazy(
            "Heb je een nieuw of erger wordend doof of tintelend gevoel rond je geslachtsdelen, "
            "anus of de binnenkant van je dijen?"
        ),
        gettext_lazy("doof of tintelend gevoel rond geslachtsdelen, anus of binnenkant dijen"),
    ),
    Question(
        "bowel_sexual",
        Level.URGENT,
        gettext_lazy(
            "Verlies je sinds kort ongewild ontlasting, of merk je nieuwe problemen met seksueel "
            "functioneren?"
        ),
        gettext_lazy("nieuw verlies van ontlasting of nieuwe seksuele problemen"),
    ),
    Question(
        "both_legs",
        Level.URGENT,
        gettext_lazy(
            "Heb je nieuwe of erger wordende pijn, een doof gevoel of tintelingen in allebei je benen?"
        ),
        gettext_lazy("nieuwe of erger wordende pijn, doofheid of tintelingen in beide benen"),
    ),
    Question(
        "leg_weakness",
        Level.URGENT,
        gettext_lazy(
            "Wordt een been snel zwakker, of sleept je voet of kun je je voet niet goed optillen "
            "(klapvoet)?"
        ),
        gettext_lazy("een been dat snel zwakker wordt, of een klapvoet"),
    ),
    Question(
        "fever",
        Level.SAME_DAY,
        gettext_lazy("Heb je koorts of voel je je erg ziek naast je rugpijn?"),
        gettext_lazy("koorts of je erg ziek voelen"),
    ),
)
BY_KEY = {q.key: q for q in QUESTIONS}
ORDER = (Level.NONE, Level.SAME_DAY, Level.URGENT)


def safety_net_line() -> str:
    """The one plain line wherever pain gets worse (clinical.md, "A safety net")."""
    return _(
        "Verandert je pijn van karakter, of krijg je nieuwe problemen met plassen, ontlasting, "
        "gevoel rond je geslachtsdelen en anus, kracht in je benen, koorts of je erg ziek voelen? "
        "Neem dan contact op met je huisarts. Bij problemen met plassen, ontlasting, dat gevoel of "
        "de kracht in je benen: meteen, buiten kantooruren de huisartsenpost."
    )


def level_of(flags: list[str]) -> str:
    """The most serious level among the questions answered yes."""
    levels = [BY_KEY[key].level for key in flags if key in BY_KEY]
    return max(levels, key=ORDER.index, default=Level.NONE)


class SafetyForm(forms.Form):
    """One yes/no per question; each must be answered (a skipped question is no answer)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("yes", _("Ja")), ("no", _("Nee"))]
        for question in QUESTIONS:
            self.fields[question.key] = forms.ChoiceField(
                label=question.text,
                choices=choices,
                widget=forms.RadioSelect,
                error_messages={"required": _("Kies ja of nee.")},
            )

    def flags(self) -> list[str]:
        return [q.key for q in QUESTIONS if self.cleaned_data.get(q.key) == "yes"]


def record(user: Any, flags: list[str]) -> SafetyCheck:
    """Store one answer; a yes at level urgent or same-day alerts the person's practitioners
    (the hook `flare_safety_finding`, which queues the alert task when this commits)."""
    with transaction.atomic():
        check = SafetyCheck.objects.create(user=user, flags=list(flags), level=level_of(flags))
        User.objects.data_changed(user)
        if check.level != Level.NONE:
            for alert in hooks.functions("flare_safety_finding"):
                alert(check.pk)
    return check


def advice(level: str, flags: list[str]) -> dict[str, Any]:
    """The fixed advice for a level, in the Pijntest's own words (`assessments.labels`)."""
    from lijfwijs.assessments import labels

    if level == Level.NONE:
        return {"level": level, "flags": []}
    return {
        "level": level,
        "heading": labels.LEVELS[level],
        "advice": labels.with_links(labels.LEVEL_ADVICE[level]),  # 112 as a tel: link
        "flags": [BY_KEY[key].flag for key in flags if key in BY_KEY],
    }
