"""The exercise catalog: built-in exercises loaded from catalog/*.toml, in Dutch and English."""

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
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


# The cautions of docs/clinical.md, the same words for every exercise they apply to. A catalog file
# names them in `safety`; content.py refuses an exercise that leaves out one that applies to it.
SLOW_BREATHING = "rustig-ademen"  # breathing without holds: the alternative to holding one's breath
GROUNDING = "gronden"  # the way out of body-focused attention, panic or strong anxiety


class Safety(models.TextChoices):
    STOP_SIGNS = "stop_signs", _("Stoppen bij klachten")
    NOT_DRIVING = "not_driving", _("Niet tijdens het rijden of in het water")
    BREATH_HOLDS = "breath_holds", _("Adem vasthouden")
    PANIC = "panic", _("Angst of paniek")
    TRAUMA = "trauma", _("Aandacht naar binnen")


SAFETY_TEXTS = {
    Safety.STOP_SIGNS: _(
        "Stop meteen bij pijn op je borst, als je flauwvalt of voelt dat je gaat flauwvallen, "
        "of als je erg duizelig wordt."
    ),
    Safety.NOT_DRIVING: _(
        "Doe ademoefeningen niet tijdens het autorijden en niet in het water (zwemmen, in bad)."
    ),
    Safety.BREATH_HOLDS: _(
        "In deze oefening houd je je adem vast. Ben je zwanger, of heb je COPD, een "
        "hartaandoening of epilepsie? Vraag dan eerst je arts of dat voor jou goed is. Rustig "
        "ademen, zonder vasthouden, kun je in plaats daarvan doen."
    ),
    Safety.PANIC: _(
        "Word je angstig of paniekerig als je op je adem let? Stop dan, open je ogen en voel je "
        "voeten op de grond."
    ),
    Safety.TRAUMA: _(
        "Je ogen mogen open blijven. Jij kiest waar je je aandacht op richt, en je mag elk deel "
        "overslaan. Wordt het te veel? Stop, open je ogen en breng je aandacht naar buiten met "
        "gronden."
    ),
}
# What the player repeats while it runs, after "Stop als" ("Stop if").
STOP_IF_TEXTS = {
    Safety.STOP_SIGNS: _(
        "je pijn op je borst krijgt, voelt dat je gaat flauwvallen of erg duizelig wordt"
    ),
    Safety.BREATH_HOLDS: _("het vasthouden benauwd voelt: laat het vasthouden dan weg"),
    Safety.PANIC: _("je angstig of paniekerig wordt: open je ogen en voel je voeten op de grond"),
    Safety.TRAUMA: _("het te veel wordt: open je ogen, kijk om je heen en ga naar gronden"),
}
# Where a caution points to (the exercise offered instead, and its words).
SAFETY_LINKS = {
    Safety.BREATH_HOLDS: (SLOW_BREATHING, _("Rustig ademen, zonder vasthouden")),
    Safety.PANIC: (GROUNDING, _("Gronden met je zintuigen")),
    Safety.TRAUMA: (GROUNDING, _("Gronden met je zintuigen")),
}


def required_safety(kind: str, phases: list[dict[str, Any]]) -> list[str]:
    """The cautions an exercise of this kind and rhythm must show (clinical.md), in their order."""
    if kind == ExerciseKind.BREATHING:
        needed = [Safety.STOP_SIGNS, Safety.NOT_DRIVING]
        if any(phase.get("phase") == BreathPhase.HOLD for phase in phases):
            needed.append(Safety.BREATH_HOLDS)
        needed.append(Safety.PANIC)
    elif kind in (ExerciseKind.BODY_SCAN, ExerciseKind.TRACKING):
        needed = [Safety.TRAUMA]
    else:
        needed = []
    return [str(key) for key in needed]


def safety_notes(keys: list[str]) -> list[dict[str, Any]]:
    """The cautions for a page: the text, what the player repeats ("stop if") and a link."""
    notes = []
    for key in Safety:
        if key.value not in keys:
            continue
        note: dict[str, Any] = {
            "key": key.value,
            "text": SAFETY_TEXTS[key],
            "stop_if": STOP_IF_TEXTS.get(key, ""),
        }
        if key in SAFETY_LINKS:
            slug, words = SAFETY_LINKS[key]
            note["link"] = {"url": reverse("exercises:play", kwargs={"slug": slug}), "text": words}
        notes.append(note)
    return notes


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


def duration_words(seconds: int) -> str:
    """130 → "2 minuten en 10 seconden"; whole minutes or seconds alone as _time gives them."""
    if seconds < 60 or seconds % 60 == 0:
        return _time(seconds)
    return _("%(minutes)s en %(seconds)s") % {
        "minutes": _time(seconds - seconds % 60),
        "seconds": _time(seconds % 60),
    }


def _player_phase(phase: dict[str, Any]) -> dict[str, Any]:
    """A breathing phase for the player: its own words where the catalog gives them."""
    text = pick(phase) if all(phase.get(lang) for lang in ("nl", "en")) else ""
    return {"phase": phase["phase"], "seconds": float(phase["seconds"]), "text": text}


def _choice(default: int, low: int | None, high: int | None) -> dict[str, int]:
    return {"default": default, "min": low or default, "max": high or default}


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
    safety = models.JSONField(
        _("veiligheid"),
        default=list,
        blank=True,
        help_text=_("De vaste waarschuwingen die deze oefening toont, zoals stop_signs en panic."),
    )
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
    # what the pages' ETags are made from (visitors' HTTP caching); load_content sets it too
    updated_at = models.DateTimeField(auto_now=True)

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

    def safety_notes(self) -> list[dict[str, Any]]:
        return safety_notes(self.safety)

    @property
    def phases(self) -> list[dict[str, Any]]:
        return list(self.parameters.get("phases", []))

    @property
    def duration_text(self) -> str:
        """A range such as "5-10 minuten" when the parameters give one, else "2 minuten"."""
        low = self.parameters.get("min_minutes", self.duration_minutes)
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
        if "minute_choices" in params:
            choices = [str(c) for c in params["minute_choices"]]
            if len(choices) > 1:
                # Translators: a choice of minutes, e.g. "5 of 10".
                choices = [
                    _("%(some)s of %(last)s")
                    % {"some": ", ".join(choices[:-1]), "last": choices[-1]}
                ]
            lines.append(_("Timer naar keuze: %(choices)s minuten") % {"choices": choices[0]})
        if "clench_seconds" in params:
            lines.append(
                _("Vuist maken %(clench)s s, daarna %(min)s-%(max)s s het verschil voelen")
                % {
                    "clench": params["clench_seconds"],
                    "min": params["compare_min_seconds"],
                    "max": params["compare_max_seconds"],
                }
            )
        if "tense_seconds" in params:
            lines.append(
                _("Aanspannen %(tense)s s, daarna %(min)s-%(max)s s het verschil voelen")
                % {
                    "tense": params["tense_seconds"],
                    "min": params["compare_min_seconds"],
                    "max": params["compare_max_seconds"],
                }
            )
        if "guide" in params:
            count = len(params["guide"])
            total = sum(step["seconds"] for step in params["guide"])
            lines.append(
                ngettext(
                    "Begeleid in %(count)s stap, samen %(time)s",
                    "Begeleid in %(count)s stappen, samen %(time)s",
                    count,
                )
                % {"count": count, "time": duration_words(total)}
            )
        if "senses" in params:
            senses = ", ".join(_sense(item["sense"], item["count"]) for item in params["senses"])
            lines.append(_("Zintuigen: %(senses)s") % {"senses": senses})
        return [str(line) for line in lines]

    def player_data(self) -> dict[str, Any]:
        """What the player plays, in the active language (the page passes it with json_script).

        Validated when the catalog is loaded (content.py); the player computes every moment from
        this and the clock. A pacer has `phases` and either `cycles` or `minutes` to choose from
        (with `tempo` where the in- and out-breath are adjustable), a timer `seconds` or `minutes`
        and its `cues`, a guide its timed `steps`.
        """
        params = self.parameters
        kind = player_kind(self.kind)
        data: dict[str, Any] = {
            "kind": kind,
            "exercise": self.slug,
            "pattern": "",
            "name": str(self.name),
        }
        if kind == "pacer":
            data["phases"] = [_player_phase(phase) for phase in self.phases]
            lead = params.get("lead_in")
            data["lead_in"] = _player_phase(lead) if lead else None
            if "cycles" in params:
                data["cycles"] = _choice(
                    params["cycles"], params.get("min_cycles", 1), params.get("max_cycles")
                )
            else:
                data["minutes"] = _choice(
                    self.duration_minutes, params.get("min_minutes"), params.get("max_minutes")
                )
            if "adjustable_seconds" in params:
                low, high = params["adjustable_seconds"]
                inhale = next(p["seconds"] for p in self.phases if p["phase"] == BreathPhase.INHALE)
                data["tempo"] = {
                    "default": float(inhale),
                    "min": float(low),
                    "max": float(high),
                    "step": float(params.get("tempo_step", 0.5)),
                }
        elif kind == "timer":
            if "minute_choices" in params:
                data["minutes"] = {
                    "default": self.duration_minutes,
                    "choices": list(params["minute_choices"]),
                }
            else:
                data["seconds"] = int(params["seconds"])
            data["cues"] = [{"at": int(c["at"]), "text": pick(c)} for c in params.get("cues", [])]
            data["end_cue"] = pick(params["end_cue"]) if "end_cue" in params else ""
        else:
            data["steps"] = [
                {"seconds": int(s["seconds"]), "text": pick(s), "mark": s.get("mark", "")}
                for s in params.get("guide", [])
            ]
        return data

    def cues(self) -> list[dict[str, Any]]:
        """Timed cues of a timer exercise, in the active language: [{"at": "0:30", "text": …}]."""
        result = []
        for cue in self.parameters.get("cues", []):
            at = int(cue["at"])
            result.append({"at": f"{at // 60}:{at % 60:02d}", "text": pick(cue)})
        return result


# --- What people do with the exercises: own breathing patterns and the practice log ---------------


def player_kind(kind: str) -> str:
    """Which player an exercise kind uses: a breathing pacer, a timer with cues, or a timed guide."""
    if kind == ExerciseKind.BREATHING:
        return "pacer"
    if kind in (ExerciseKind.SHAKING, ExerciseKind.STILLNESS, ExerciseKind.GROUNDING):
        return "timer"
    return "guide"


MAX_TENSION = 10
# Breath holds, in the shipped exercises and own patterns alike (docs/clinical.md: 4-7-8 holds 7 s, at
# most 8 rounds): longer or more holds can make people light-headed or short of breath.
MAX_HOLD = 7  # seconds
MAX_HOLD_CYCLES = 8  # rounds, when a round holds the breath at all
MAX_SESSION_SECONDS = 4 * 60 * 60


class BreathingPatternQuerySet(models.QuerySet["BreathingPattern"]):
    def for_user(self, user: Any) -> "BreathingPatternQuerySet":
        return self.filter(user=user)


class BreathingPattern(models.Model):
    """A person's own breathing rhythm, played by the pacer like a catalog one.

    `phases` has the catalog's shape: [{"phase": "inhale"|"hold"|"exhale", "seconds": 4}, …].
    `base` is the catalog exercise it was made from; practice with it is logged under that exercise.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="breathing_patterns"
    )
    base = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("naam"), max_length=60)
    phases = models.JSONField(_("fases"))
    cycles = models.PositiveSmallIntegerField(_("rondes"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BreathingPatternQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("eigen ademritme")
        verbose_name_plural = _("eigen ademritmes")
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="pattern_name_unique_per_user"),
            models.CheckConstraint(
                condition=Q(cycles__gte=1) & Q(cycles__lte=60), name="pattern_cycles_1_60"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PracticeSessionQuerySet(models.QuerySet["PracticeSession"]):
    def for_user(self, user: Any) -> "PracticeSessionQuerySet":
        return self.filter(user=user)

    def with_client_key(self, key: str) -> "PracticeSessionQuerySet":
        """The session sent with this client key (a resend). The condition of the partial unique
        index (user, client_key) is repeated, so the database reads that index instead of every
        session of the person."""
        return self.filter(client_key=key).exclude(client_key="")


class PracticeSession(models.Model):
    """One time someone practised: tension before and after (0-10, each optional) and how long.

    `day` is the person's local date of `started_at`; `program_step` the step of the 5-step program
    they were in (None outside the program; the program app says which, through a hook). `client_key` makes a resend (offline, double submit)
    store one session.

    An exercise ticked in a check-in is a session too (`checkin` set), so the log, the program's
    counting and "what calms me" read one table: made, moved and removed with its check-in, one
    per check-in and exercise, without tension ratings or a length (`seconds` 0: not recorded).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_sessions"
    )
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="sessions")
    pattern = models.ForeignKey(
        BreathingPattern, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)
    day = models.DateField(db_index=True)
    seconds = models.PositiveIntegerField(_("geoefend (seconden)"))
    completed = models.BooleanField(_("helemaal gedaan"), default=False)
    tension_before = models.PositiveSmallIntegerField(_("spanning vooraf"), null=True, blank=True)
    tension_after = models.PositiveSmallIntegerField(_("spanning achteraf"), null=True, blank=True)
    program_step = models.PositiveSmallIntegerField(null=True, blank=True)
    client_key = models.CharField(max_length=64, blank=True, default="")
    checkin = models.ForeignKey(
        "diary.CheckIn",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="practice_sessions",
        help_text=_("De check-in waarin deze oefening is aangevinkt."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PracticeSessionQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("oefensessie")
        verbose_name_plural = _("oefensessies")
        indexes = [models.Index(fields=["user", "day"])]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "client_key"],
                condition=~Q(client_key=""),
                name="practice_client_key_unique",
            ),
            models.UniqueConstraint(
                fields=["checkin", "exercise"],
                condition=Q(checkin__isnull=False),
                name="practice_one_per_checkin_exercise",
            ),
            models.CheckConstraint(
                condition=Q(tension_before__lte=MAX_TENSION) | Q(tension_before__isnull=True),
                name="practice_tension_before_0_10",
            ),
            models.CheckConstraint(
                condition=Q(tension_after__lte=MAX_TENSION) | Q(tension_after__isnull=True),
                name="practice_tension_after_0_10",
            ),
            models.CheckConstraint(
                condition=Q(seconds__lte=MAX_SESSION_SECONDS), name="practice_seconds_at_most_4h"
            ),
            models.CheckConstraint(
                condition=(Q(program_step__gte=1) & Q(program_step__lte=5))
                | Q(program_step__isnull=True),
                name="practice_program_step_1_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.exercise_id}"

    @property
    def from_checkin(self) -> bool:
        return self.checkin_id is not None

    @property
    def tension_drop(self) -> int | None:
        if self.tension_before is None or self.tension_after is None:
            return None
        return self.tension_before - self.tension_after
