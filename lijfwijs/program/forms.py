"""Forms of the 5-step program: a step's reflection and the setback plan; and what a person reads
about what is still missing before the next step opens (pages and API)."""

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lijfwijs.core.i18n import pick

from . import program

MAX_ANSWER = 4000
MAX_PLAN_FIELD = 2000


def _text(label: Any, help_text: Any = "", max_length: int = MAX_ANSWER, rows: int = 4) -> Any:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,  # an empty answer removes a stored one
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class ReflectionForm(forms.Form):
    """One text field per reflection prompt of a step, named after the prompt's key."""

    def __init__(self, step: program.Step, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.step = step
        for prompt in step.prompts:
            self.fields[prompt.key] = _text(pick(prompt.text))


class SetbackPlanForm(forms.Form):
    notice_first = _text(
        gettext_lazy("Wat merk ik het eerst?"),
        gettext_lazy(
            "De eerste signalen dat het minder gaat: in je lijf, in je gedachten of in wat je doet."
        ),
        MAX_PLAN_FIELD,
    )
    what_i_do = _text(
        gettext_lazy("Wat doe ik dan?"),
        gettext_lazy("Kleine, haalbare stappen die je rust geven."),
        MAX_PLAN_FIELD,
    )
    who_i_call = _text(
        gettext_lazy("Wie bel ik?"),
        gettext_lazy("Iemand die je steunt, of je behandelaar; met telefoonnummer als je wilt."),
        MAX_PLAN_FIELD,
    )
    helpful_exercises = _text(
        gettext_lazy("Welke oefeningen helpen mij het meest?"),
        gettext_lazy("Eén oefening per regel."),
        MAX_PLAN_FIELD,
    )


def missing_texts(status: program.AdvanceStatus) -> dict[str, str]:
    """What still keeps the next step closed, in the person's language, by reason."""
    texts = {
        "days": _("Oefen op %(required)s dagen in deze stap; je hebt nu %(done)s.")
        % {"required": status.required_days, "done": status.days_done},
        "reflection": _(
            "Beantwoord alle reflectievragen van deze stap (%(answered)s van %(total)s)."
        )
        % {"answered": len(status.answered), "total": len(status.prompts)},
        "held": _("Je behandelaar vraagt je om nog even in deze stap te blijven."),
        "last": _("Dit is de laatste stap van het programma."),
    }
    return {reason: texts[reason] for reason in status.missing}
