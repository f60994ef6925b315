"""The exercise catalog: built-in exercises loaded from catalog/*.toml, in Dutch and English."""

from typing import Any

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from lijfwijs.core.i18n import Translated, pick


class ExerciseKind(models.TextChoices):
    BREATHING = "breathing", _("Ademhaling")
    SHAKING = "shaking", _("Schudden")
    CONTRAST = "contrast", _("Ontspanning voelen")
    BODY_SCAN = "body_scan", _("Bodyscan")
    STILLNESS = "stillness", _("Niets doen")
    GROUNDING = "grounding", _("Gronden")
    TRACKING = "tracking", _("Somatisch volgen")


class Domain(models.TextChoices):
    """The six domains of the Pijntest an exercise can serve."""

    STRESS = "stress", _("Stress")
    BREATHING = "breathing", _("Ademhaling")
    MOVEMENT = "movement", _("Beweging")
    NUTRITION = "nutrition", _("Voeding")
    SLEEP = "sleep", _("Slaap")
    IMMUNE = "immune", _("Immuunsysteem")


class NervousState(models.TextChoices):
    """How the nervous system feels (a metaphor after polyvagal theory, not a measurement)."""

    VENTRAL = "ventral", _("Rust en verbinding")
    SYMPATHETIC = "sympathetic", _("Vechten of vluchten")
    DORSAL = "dorsal", _("Bevriezen of afsluiten")


class BreathPhase(models.TextChoices):
    INHALE = "inhale", _("in")
    HOLD = "hold", _("vasthouden")
    EXHALE = "exhale", _("uit")


class ExerciseQuerySet(models.QuerySet["Exercise"]):
    def active(self) -> "ExerciseQuerySet":
        return self.filter(is_active=True)

    def grouped_by_kind(self) -> list[tuple[str, str, list["Exercise"]]]:
        """(kind, label, exercises) in the order of ExerciseKind, leaving out empty kinds."""
        by_kind: dict[str, list[Exercise]] = {}
        for exercise in self:
            by_kind.setdefault(exercise.kind, []).append(exercise)
        return [
            (kind.value, kind.label, by_kind[kind.value])
            for kind in ExerciseKind
            if kind.value in by_kind
        ]


def _seconds(value: float) -> str:
    """5.5 → "5,5" in Dutch, "5.5" in English; whole numbers without decimals."""
    number = float(value)
    return str(int(number)) if number.is_integer() else number_format(number, decimal_pos=1)


def _time(seconds: int) -> str:
    if seconds % 60 == 0:
        minutes = seconds // 60
        return ngettext("%(count)s minuut", "%(count)s minuten", minutes) % {"count": minutes}
    return ngettext("%(count)s seconde", "%(count)s seconden", seconds) % {"count": seconds}


def _sense(sense: str, count: int) -> str:
    texts = {
        "see": ngettext("%(count)s ding dat je ziet", "%(count)s dingen die je ziet", count),
        "touch": ngettext("%(count)s ding dat je voelt", "%(count)s dingen die je voelt", count),
        "hear": ngettext("%(count)s ding dat je hoort", "%(count)s dingen die je hoort", count),
        "smell": ngettext("%(count)s ding dat je ruikt", "%(count)s dingen die je ruikt", count),
        "taste": ngettext("%(count)s ding dat je proeft", "%(count)s dingen die je proeft", count),
    }
    return texts[sense] % {"count": count}


class Exercise(models.Model):
    """One exercise: instructions in both languages and its parameters as data (for the players)."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("soort"), max_length=20, choices=ExerciseKind.choices)
    name_nl = models.CharField(_("naam (Nederlands)"), max_length=120)
    name_en = models.CharField(_("naam (Engels)"), max_length=120, blank=True, default="")
    summary_nl = models.TextField(_("samenvatting (Nederlands)"))
    summary_en = models.TextField(_("samenvatting (Engels)"), blank=True, default="")
    steps_nl = models.JSONField(_("stappen (Nederlands)"), default=list)
    steps_en = models.JSONField(_("stappen (Engels)"), default=list, blank=True)
    cautions_nl = models.JSONField(_("let op (Nederlands)"), default=list, blank=True)
    cautions_en = models.JSONField(_("let op (Engels)"), default=list, blank=True)
    parameters = models.JSONField(
        _("parameters"),
        default=dict,
        blank=True,
        help_text=_("Ritme, rondes en tijden als data, bijvoorbeeld de fases van een ademritme."),
    )
    duration_minutes = models.PositiveSmallIntegerField(_("duur in minuten"), default=5)
    domains = models.JSONField(_("domeinen"), default=list, blank=True)
    states = models.JSONField(_("toestanden van het zenuwstelsel"), default=list, blank=True)
    builtin = models.BooleanField(
        _("meegeleverd"),
        default=False,
        help_text=_("Komt uit de catalogus in de code; load_content zet de tekst terug."),
    )
    is_active = models.BooleanField(_("actief"), default=True)
    sort_order = models.PositiveIntegerField(_("volgorde"), default=0)

    name = Translated()
    summary = Translated()
    steps = Translated()
    cautions = Translated()

    objects = ExerciseQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "slug"]
        verbose_name = _("oefening")
        verbose_name_plural = _("oefeningen")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ExerciseKind.values), name="exercise_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1), name="exercise_duration_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name_nl

    def get_absolute_url(self) -> str:
        return reverse("exercises:detail", kwargs={"slug": self.slug})

    @property
    def phases(self) -> list[dict[str, Any]]:
        return list(self.parameters.get("phases", []))

    @property
    def duration_text(self) -> str:
        """A range such as "5-10 minuten" when the parameters give one, else "2 minuten"."""
        low = self.duration_minutes
        high = self.parameters.get("max_minutes")
        if high and high > low:
            return _("%(min)s-%(max)s minuten") % {"min": low, "max": high}
        return ngettext("%(count)s minuut", "%(count)s minuten", low) % {"count": low}

    def pattern_text(self) -> str:
        """A breathing pattern in words: "in 4 s, vasthouden 7 s, uit 8 s"."""
        parts = []
        previous = ""
        for step in self.phases:
            phase, seconds = step["phase"], _seconds(step["seconds"])
            if phase == BreathPhase.INHALE and previous == BreathPhase.INHALE:
                parts.append(
                    _("nog een korte inademing erbovenop %(seconds)s s") % {"seconds": seconds}
                )
            else:
                label = BreathPhase(phase).label
                # Translators: a breathing phase and its length, e.g. "in 4 s" or "uit 8 s".
                parts.append(_("%(phase)s %(seconds)s s") % {"phase": label, "seconds": seconds})
            previous = phase
        return ", ".join(str(part) for part in parts)

    def parameter_lines(self) -> list[str]:
        """The parameters as short sentences for the page (the players read the data itself)."""
        params = self.parameters
        lines: list[str] = []
        if self.phases:
            lines.append(_("Ritme: %(pattern)s") % {"pattern": self.pattern_text()})
        if "cycles" in params:
            count, most = params["cycles"], params.get("max_cycles", params["cycles"])
            if most > count:
                text = ngettext(
                    "%(count)s ronde, hooguit %(max)s",
                    "%(count)s rondes, hooguit %(max)s",
                    count,
                )
            else:
                text = ngettext("%(count)s ronde", "%(count)s rondes", count)
            lines.append(text % {"count": count, "max": most})
        if "adjustable_seconds" in params:
            low, high = params["adjustable_seconds"]
            lines.append(
                _("Tempo naar wens: %(min)s tot %(max)s s per inademing en per uitademing")
                % {"min": _seconds(low), "max": _seconds(high)}
            )
        if "seconds" in params:
            lines.append(_("Timer: %(time)s") % {"time": _time(params["seconds"])})
        if "clench_seconds" in params:
            lines.append(
                _("Vuist maken %(clench)s s, daarna %(min)s-%(max)s s het verschil voelen")
                % {
                    "clench": params["clench_seconds"],
                    "min": params["compare_min_seconds"],
                    "max": params["compare_max_seconds"],
                }
            )
        if "senses" in params:
            senses = ", ".join(_sense(item["sense"], item["count"]) for item in params["senses"])
            lines.append(_("Zintuigen: %(senses)s") % {"senses": senses})
        return [str(line) for line in lines]

    def cues(self) -> list[dict[str, Any]]:
        """Timed cues of a timer exercise, in the active language: [{"at": "0:30", "text": …}]."""
        result = []
        for cue in self.parameters.get("cues", []):
            at = int(cue["at"])
            result.append({"at": f"{at // 60}:{at % 60:02d}", "text": pick(cue)})
        return result
