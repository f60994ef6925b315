"""Assignments: an exercise a practitioner asks a client to do (how often, for how long) or a
program step they open with a message; how far the client is with it, read from the practice log
and the program (never ticked by hand); the practitioner's section and page, the client's panel.

Access goes through `accounts.access.client_for` (404 for anyone without the client's grant) and
`practitioner_required` (403 for clients, assistants and staff). A practitioner sees the client's
assignments made in their own practice (their own when they have none) and withdraws only their
own. Assigning and withdrawing write one access-log row each (ASSIGNMENTS, CHANGE); the page one
(ASSIGNMENTS, VIEW); the section on the client's page writes none (the page logs its own look).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date, timedelta
from functools import lru_cache
from html import escape  # the standard library's: Django's adds a lazy-text check per call
from typing import Any

from django import forms
from django.contrib import messages
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import get_script_prefix, path, reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lijfwijs.accounts.access import client_for
from lijfwijs.accounts.audit import log_access
from lijfwijs.accounts.localtime import local_today
from lijfwijs.accounts.models import AccessLog, Membership, PractitionerAccess, User
from lijfwijs.accounts.services import has_health_consent
from lijfwijs.core.dates import DayField
from lijfwijs.core.i18n import current_language, pick
from lijfwijs.core.statements import Compiled, Slot
from lijfwijs.exercises import statements as catalog_statements
from lijfwijs.exercises.models import Exercise, PracticeSession
from lijfwijs.program import program
from lijfwijs.program import services as program_services
from lijfwijs.program.models import ProgramProgress

from . import dates, form_markup, statements
from .access import practitioner_required
from .models import Assignment
from .templatetags.practice_forms import field_control, fields_markup

UNREAD: Any = object()  # an argument not given: the function reads it itself
MAX_WEEKS = 8
MAX_MESSAGE = 1000
MAX_DAYS_AHEAD = 365
# A session counts for an assignment when it was done to the end, lasted at least this long, or
# was ticked in a check-in (the client says they did it; such a session has no length).
COUNTS_FROM_SECONDS = 60
# The same assignment again within this time is a second click, not a second assignment.
REPEAT_WINDOW = timedelta(minutes=10)

# How often, as the form offers it, and what it means in times per week (the model's unit).
FREQUENCIES: tuple[tuple[str, int], ...] = (
    ("d1", 7),
    ("d2", 14),
    ("d3", 21),
    ("w1", 1),
    ("w2", 2),
    ("w3", 3),
    ("w4", 4),
    ("w5", 5),
    ("w6", 6),
)
TIMES_PER_WEEK = dict(FREQUENCIES)


def frequency_text(times_per_week: int) -> str:
    """7 → "1× per dag", 3 → "3× per week": per day when it is a whole number a day."""
    if times_per_week % 7 == 0:
        return _("%(count)s× per dag") % {"count": times_per_week // 7}
    return _("%(count)s× per week") % {"count": times_per_week}


def weeks_text(weeks: int) -> str:
    return ngettext("%(count)s week", "%(count)s weken", weeks) % {"count": weeks}


# --- Adherence: the pure core ---------------------------------------------------------------


def _rounded(times_per_week: int, days: int) -> int:
    """times_per_week × days / 7, rounded half up (in integers: no float, no banker's rounding)."""
    return (2 * times_per_week * days + 7) // 14


@dataclass(frozen=True)
class Week:
    starts_on: date
    ends_on: date
    done: int
    expected: int  # for the whole week (a last short week: for its days)
    started: bool


@dataclass(frozen=True)
class Adherence:
    """How far a client is with an exercise assignment on `today`."""

    done: int  # counted sessions on days in [starts_on, min(ends_on, today)]
    expected: int  # times_per_week × days elapsed / 7, rounded: what was asked so far
    total: int  # what the whole period asks
    days_elapsed: int
    started: bool
    finished: bool  # the period is over ("klaar")
    weeks: tuple[Week, ...]

    @property
    def on_track(self) -> bool:
        return self.done >= self.expected


def adherence(
    starts_on: date, ends_on: date, times_per_week: int, session_days: Iterable[date], today: date
) -> Adherence:
    """The counts of one exercise assignment from the days of the client's counted sessions of
    that exercise (one entry per session: three on one day are three times)."""
    if ends_on < starts_on:
        raise ValueError("ends_on before starts_on")
    last = min(ends_on, today)
    counted = sorted(d for d in session_days if starts_on <= d <= last)
    days_elapsed = max(0, (last - starts_on).days + 1)
    weeks = []
    first = starts_on
    while first <= ends_on:
        week_end = min(first + timedelta(days=6), ends_on)
        weeks.append(
            Week(
                starts_on=first,
                ends_on=week_end,
                done=sum(1 for d in counted if first <= d <= week_end),
                expected=_rounded(times_per_week, (week_end - first).days + 1),
                started=first <= today,
            )
        )
        first += timedelta(days=7)
    return Adherence(
        done=len(counted),
        expected=_rounded(times_per_week, days_elapsed),
        total=_rounded(times_per_week, (ends_on - starts_on).days + 1),
        days_elapsed=days_elapsed,
        started=today >= starts_on,
        finished=today > ends_on,
        weeks=tuple(weeks),
    )


# --- Reading assignments and their progress --------------------------------------------------


def visible_to(practitioner: Any, client: Any) -> QuerySet[Assignment]:
    """The client's assignments this practitioner may see (access already checked): those made in
    their practice, or their own when they belong to none."""
    practice = practitioner.practice
    mine = Q(practitioner=practitioner)
    if practice is not None:
        mine |= Q(practitioner__in=Membership.objects.filter(practice=practice).values("user"))
    return Assignment.objects.filter(mine, client=client)


def _counted_days(client: Any, exercise_ids: set[int], first: date, last: date) -> dict[int, list]:
    """{exercise id: [day of each counted session]} in one query."""
    found: dict[int, list[date]] = {}
    if not exercise_ids or last < first:
        return found
    rows = (
        PracticeSession.objects.for_user(client)
        .filter(exercise_id__in=exercise_ids, day__gte=first, day__lte=last)
        .filter(Q(completed=True) | Q(seconds__gte=COUNTS_FROM_SECONDS) | Q(checkin__isnull=False))
        .values_list("exercise_id", "day")
        .order_by()
    )
    for exercise_id, day in rows:
        found.setdefault(exercise_id, []).append(day)
    return found


@dataclass
class Progress:
    """One assignment with what the client did of it (the templates read this)."""

    assignment: Assignment
    adherence: Adherence | None = None  # exercises
    current_step: int | None = None  # steps: where the client is in the program now

    @property
    def is_step(self) -> bool:
        return self.assignment.kind == Assignment.Kind.STEP

    @property
    def step_reached(self) -> bool:
        step = self.assignment.step or 0
        return self.current_step is not None and self.current_step >= step

    @property
    def done(self) -> bool:
        if self.is_step:
            return self.step_reached
        return self.adherence is not None and self.adherence.finished

    @property
    def frequency(self) -> str:
        return frequency_text(self.assignment.times_per_week or 0)

    @property
    def step_name(self) -> str:
        step = self.assignment.step
        return pick(program.step(step).name) if step else ""

    @property
    def progress_text(self) -> str:
        """The numbers in words: "5 van 8 keer gedaan" and what the period asks."""
        if self.is_step:
            if self.step_reached:
                return _("Je cliënt is in stap %(number)s of verder.") % {
                    "number": self.assignment.step
                }
            return _("Stap %(number)s is open; je cliënt is er nog niet naartoe gegaan.") % {
                "number": self.assignment.step
            }
        a = self.adherence
        if a is None or not a.started:
            return _("Begint op %(date)s.") % {"date": _date(self.assignment.starts_on)}
        values = {"done": a.done, "expected": a.expected, "total": a.total}
        if a.finished:
            return _("Klaar: %(done)s van %(total)s keer gedaan.") % values
        return _("%(done)s van %(expected)s keer gedaan tot nu toe (%(total)s in totaal).") % values


def _date(day: date) -> str:
    """`formats.date_format(day, "DATE_FORMAT")`, without its per-call format machinery."""
    return dates.formatter("DATE_FORMAT")(day)


def progress_of(
    client: Any, assignments: Sequence[Assignment], today: date, current: Any = UNREAD
) -> list[Progress]:
    """Each assignment with its progress: one query for the sessions, one for the program step
    (each only when needed; `current`: the client's step when the caller has read it)."""
    exercises = [a for a in assignments if a.kind == Assignment.Kind.EXERCISE]
    days: dict[int, list[date]] = {}
    if exercises:
        first = min(a.starts_on for a in exercises)
        last = min(today, max(a.ends_on or a.starts_on for a in exercises))
        days = _counted_days(client, {a.exercise_id for a in exercises}, first, last)
    if not any(a.kind == Assignment.Kind.STEP for a in assignments):
        current = None
    elif current is UNREAD:
        current = program_services.current_step(client)
    found = []
    for a in assignments:
        if a.kind == Assignment.Kind.EXERCISE:
            # the check constraint makes both present for an exercise
            ends_on, per_week = a.ends_on or a.starts_on, a.times_per_week or 1
            counted = days.get(a.exercise_id or 0, [])
            found.append(
                Progress(a, adherence=adherence(a.starts_on, ends_on, per_week, counted, today))
            )
        else:
            found.append(Progress(a, current_step=current))
    return found


# --- Forms -------------------------------------------------------------------------------------


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class ExerciseAssignmentForm(forms.Form):
    exercise = forms.ModelChoiceField(
        label=gettext_lazy("Oefening"),
        queryset=Exercise.objects.none(),
        to_field_name="slug",
        empty_label=gettext_lazy("Kies een oefening"),
        error_messages={
            "required": gettext_lazy("Kies een oefening."),
            "invalid_choice": gettext_lazy("Kies een oefening uit de lijst."),
        },
    )
    frequency = forms.ChoiceField(
        label=gettext_lazy("Hoe vaak"),
        choices=[(key, "") for key, _n in FREQUENCIES],
        initial="d1",
        error_messages={
            "required": gettext_lazy("Kies hoe vaak."),
            "invalid_choice": gettext_lazy(
                "Kies hoe vaak uit de lijst: hoogstens 3× per dag (21× per week)."
            ),
        },
    )
    starts_on = DayField(
        label=gettext_lazy("Vanaf"),
        widget=DateInput(),
        error_messages={
            "required": gettext_lazy("Vul de begindatum in."),
            "invalid": gettext_lazy("Vul een datum in, zoals 2026-12-24."),
        },
    )
    weeks = forms.TypedChoiceField(
        label=gettext_lazy("Hoe lang"),
        coerce=int,
        choices=[(n, "") for n in range(1, MAX_WEEKS + 1)],
        initial=2,
        error_messages={
            "required": gettext_lazy("Kies hoe lang."),
            "invalid_choice": gettext_lazy("Kies een duur van 1 tot en met 8 weken."),
        },
    )
    message = forms.CharField(
        label=gettext_lazy("Bericht aan je cliënt (niet verplicht)"),
        required=False,
        max_length=MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Je cliënt leest dit bij de oefening op de startpagina; hoogstens 1000 tekens."
        ),
        error_messages={
            "max_length": gettext_lazy("Houd het bericht korter: hoogstens 1000 tekens.")
        },
    )

    def __init__(self, *args: Any, client: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "oefening")
        super().__init__(*args, **kwargs)
        self.client = client
        self.today = local_today(client)
        field = self.fields["exercise"]
        field.queryset = Exercise.objects.active()  # type: ignore[attr-defined]
        field.label_from_instance = lambda e: e.name  # type: ignore[attr-defined]
        # The list shows slugs and names only: read by the catalog's statement (the queryset's
        # own SQL and order), not as model instances with their steps and texts (validation
        # still uses the queryset).
        field.choices = [("", field.empty_label), *exercise_choices()]  # type: ignore[attr-defined]
        choices: dict[str, Any] = {
            "frequency": [(key, frequency_text(n)) for key, n in FREQUENCIES],
            "weeks": [(n, weeks_text(n)) for n in range(1, MAX_WEEKS + 1)],
        }
        for name, labelled in choices.items():
            self.fields[name].choices = labelled  # type: ignore[attr-defined]
        self.fields["starts_on"].initial = self.today
        self.fields["starts_on"].help_text = _starts_hint(self.today)

    def clean_starts_on(self) -> date:
        day: date = self.cleaned_data["starts_on"]
        if day < self.today:
            raise forms.ValidationError(_("Kies vandaag of een dag later als begin."))
        if day > self.today + timedelta(days=MAX_DAYS_AHEAD):
            raise forms.ValidationError(_("Kies een begin binnen een jaar."))
        return day

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not has_health_consent(self.client):
            raise forms.ValidationError(_no_consent())
        return data


def exercise_choices() -> list[tuple[str, str]]:
    """(slug, name) of the active exercises in the catalog's order, named in the language of the
    request: `Exercise.objects.active()` read by the catalog's statement."""
    english = current_language() == "en"
    return [
        (slug, (english and name_en) or name_nl)
        for slug, name_nl, name_en, _kind, _domains in catalog_statements.catalog()
    ]


def _starts_hint(today: date) -> str:
    return _("Vandaag is het bij je cliënt %(date)s; je kunt ook later laten beginnen.") % {
        "date": _date(today)
    }


@lru_cache(maxsize=8)
def _exercise_words(language: str | None) -> dict[str, Any]:
    """The fixed words of the exercise form (labels, hints, the options of how often and how
    long), escaped, with its initial values, from the form's own fields once per process and
    language."""
    fields = ExerciseAssignmentForm.base_fields
    words: dict[str, Any] = {name: escape(str(f.label)) for name, f in fields.items()}
    message = fields["message"]
    words.update(
        empty=escape(str(fields["exercise"].empty_label)),  # type: ignore[attr-defined]
        frequency_options=tuple((key, escape(frequency_text(n))) for key, n in FREQUENCIES),
        frequency_initial=str(fields["frequency"].initial),
        weeks_options=tuple((str(n), escape(weeks_text(n))) for n in range(1, MAX_WEEKS + 1)),
        weeks_initial=str(fields["weeks"].initial),
        message_hint=escape(str(message.help_text)),
        message_rows=message.widget.attrs["rows"],
        message_length=message.max_length,  # type: ignore[attr-defined]
    )
    return words


def blank_exercise_fields(today: date) -> SafeString:
    """An empty `ExerciseAssignmentForm`'s fields (starting on the client's `today`) as
    `{% form_fields %}` writes them, without building the form: the exercises from the catalog's
    statement, the fixed words once per language. A test holds the two together."""
    w = _exercise_words(get_language())
    exercises = [("", w["empty"])]
    exercises += [(escape(slug), escape(name)) for slug, name in exercise_choices()]
    f = form_markup
    written = f.fields(
        f.field(
            "id_oefening-exercise",
            w["exercise"],
            f.select("oefening-exercise", "id_oefening-exercise", exercises, "", required=True),
        ),
        f.field(
            "id_oefening-frequency",
            w["frequency"],
            f.select(
                "oefening-frequency",
                "id_oefening-frequency",
                w["frequency_options"],
                w["frequency_initial"],
            ),
        ),
        f.field(
            "id_oefening-starts_on",
            w["starts_on"],
            f.date_input("oefening-starts_on", "id_oefening-starts_on", today.isoformat()),
            escape(_starts_hint(today)),
        ),
        f.field(
            "id_oefening-weeks",
            w["weeks"],
            f.select("oefening-weeks", "id_oefening-weeks", w["weeks_options"], w["weeks_initial"]),
        ),
        f.field(
            "id_oefening-message",
            w["message"],
            f.textarea(
                "oefening-message", "id_oefening-message", w["message_rows"], w["message_length"]
            ),
            w["message_hint"],
        ),
    )
    return mark_safe(written)  # noqa: S308 - every word and value is escaped above


class StepAssignmentForm(forms.Form):
    """Open the client's next step now, with a message; `step` is the step the practitioner saw
    (a second click or an old page opens nothing twice)."""

    step = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=2,
        max_value=program.LAST_STEP,
        error_messages={
            "required": gettext_lazy("Laad de pagina opnieuw: de stap ontbreekt."),
            "invalid": gettext_lazy("Laad de pagina opnieuw: de stap ontbreekt."),
            "min_value": gettext_lazy("Laad de pagina opnieuw: de stap ontbreekt."),
            "max_value": gettext_lazy("Laad de pagina opnieuw: de stap ontbreekt."),
        },
    )
    message = forms.CharField(
        label=gettext_lazy("Bericht bij de stap"),
        max_length=MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Je cliënt leest dit in het programma en op de startpagina; hoogstens 1000 tekens."
        ),
        error_messages={
            "required": gettext_lazy("Schrijf je cliënt een kort bericht bij deze stap."),
            "max_length": gettext_lazy("Houd het bericht korter: hoogstens 1000 tekens."),
        },
    )

    def __init__(self, *args: Any, client: Any, current_step: Any = UNREAD, **kwargs: Any) -> None:
        """`current_step`: the client's step (None outside the program) when the caller has
        read it already."""
        kwargs.setdefault("prefix", "stap")
        super().__init__(*args, **kwargs)
        self.client = client
        self.next_step, self.already_open = step_state(client, current_step)
        self.fields["step"].initial = self.next_step

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not has_health_consent(self.client):
            raise forms.ValidationError(_no_consent())
        if self.next_step is None:
            raise forms.ValidationError(_("Je cliënt is al in de laatste stap."))
        if "step" in data and data["step"] != self.next_step:
            raise forms.ValidationError(
                _(
                    "Je cliënt is intussen in een andere stap; kijk hieronder waar en probeer opnieuw."
                )
            )
        if self.already_open:
            raise forms.ValidationError(
                _("Stap %(number)s is al voor je cliënt geopend.") % {"number": self.next_step}
            )
        return data


def step_state(client: Any, current: Any = UNREAD) -> tuple[int | None, bool]:
    """The step opening would open (None in the last step), and whether it is opened already
    (with a message, not withdrawn: the client can go on, there is nothing to open)."""
    step = next_step(client, current)
    return step, step is not None and opened(client, step)


@dataclass(frozen=True)
class BlankField:
    """What `_client_assignments.html` reads of an empty form's field."""

    label: str
    help_text: str
    auto_id: str
    errors: tuple[str, ...] = ()

    @property
    def id_for_label(self) -> str:
        return self.auto_id


@dataclass(frozen=True)
class BlankStepForm:
    """What `_client_assignments.html` reads of an empty `StepAssignmentForm`, without building
    one: the step it would open, whether that is open already, the message field."""

    next_step: int | None
    already_open: bool
    message: BlankField = dataclass_field(default_factory=lambda: _blank_message())
    errors: tuple[str, ...] = ()


def _blank_message() -> BlankField:
    message = StepAssignmentForm.base_fields["message"]
    return BlankField(str(message.label), str(message.help_text), "id_stap-message")


def blank_step_control() -> str:
    """The empty message control of `StepAssignmentForm` as `{% field_control %}` writes it."""
    message = StepAssignmentForm.base_fields["message"]
    rows, length = message.widget.attrs["rows"], message.max_length  # type: ignore[attr-defined]
    return form_markup.textarea("stap-message", "id_stap-message", rows, length, required=True)


def _no_consent() -> str:
    return _(
        "Deze cliënt heeft geen toestemming gegeven voor het bewaren van gezondheidsgegevens; "
        "je kunt daarom geen opdracht geven."
    )


_A_STEP = 32_109  # the step's stand-in in the compiled statement: no assignment has it

# Whether a practitioner opened this step for the client (not withdrawn): the queryset's own SQL,
# compiled once per process (building it cost more than the database took to answer it).
_OPENED = Compiled(
    "opened step",
    lambda: Assignment.objects.filter(
        client_id=statements.CLIENT,
        kind=Assignment.Kind.STEP,
        step=_A_STEP,
        withdrawn_at__isnull=True,
    ).values_list("pk")[:1],
    client=Slot(statements.CLIENT, None),
    step=Slot(_A_STEP, None),
)


def opened(client: Any, step: int) -> bool:
    """Whether a practitioner opened this step for the client (not withdrawn)."""
    return bool(_OPENED.rows(client=client.pk, step=step))


def next_step(client: Any, current: Any = UNREAD) -> int | None:
    """The step opening would open: the one after the client's current step (or after where they
    would start), None in the last step. `current`: the client's step when read already."""
    if current is UNREAD:
        current = program_services.current_step(client)
    if current is None:
        recommended = program_services.pijntest_recommendations(client).get("program_step")
        current = program.start_step(recommended)
    return current + 1 if current < program.LAST_STEP else None


# --- Writing -----------------------------------------------------------------------------------


def assign_exercise(client: Any, practitioner: Any, form: ExerciseAssignmentForm) -> Assignment:
    """Store the assignment (one access-log change). A second click, the same assignment by the
    same practitioner within `REPEAT_WINDOW`, stores nothing and returns the first."""
    data = form.cleaned_data
    fields = {
        "exercise": data["exercise"],
        "times_per_week": TIMES_PER_WEEK[data["frequency"]],
        "starts_on": data["starts_on"],
        "ends_on": data["starts_on"] + timedelta(days=7 * data["weeks"] - 1),
    }
    message = data["message"].strip()
    with transaction.atomic():
        # one assignment at a time per client (a row lock on PostgreSQL; SQLite writes one by one)
        list(User.objects.select_for_update().filter(pk=client.pk).values_list("pk", flat=True))
        repeats = Assignment.objects.filter(
            client=client,
            practitioner=practitioner,
            kind=Assignment.Kind.EXERCISE,
            withdrawn_at__isnull=True,
            created_at__gte=timezone.now() - REPEAT_WINDOW,
            **fields,
        )
        for same in repeats:  # the message is encrypted: compared here, not in SQL
            if same.message == message:
                return same
        assignment = Assignment.objects.create(
            client=client,
            practitioner=practitioner,
            practitioner_name=str(practitioner)[:120],
            kind=Assignment.Kind.EXERCISE,
            message=message,
            **fields,
        )
        log_access(
            practitioner,
            [client.pk],
            AccessLog.Kind.ASSIGNMENTS,
            AccessLog.Action.CHANGE,
            f"assign:{assignment.pk}",
        )
    return assignment


def open_step(client: Any, practitioner: Any, form: StepAssignmentForm) -> Assignment | None:
    """Open the next step through the program's own unlock and record it with the message;
    None when the client's step changed under the form (nothing is opened then)."""
    with transaction.atomic():
        progress = program_services.ensure_progress(client)
        progress = ProgramProgress.objects.select_for_update().get(pk=progress.pk)
        step = form.cleaned_data["step"]
        if progress.current_step + 1 != step or opened(client, step):
            return None
        program_services.set_override(client, practitioner, program.UNLOCK)
        assignment = Assignment.objects.create(
            client=client,
            practitioner=practitioner,
            practitioner_name=str(practitioner)[:120],
            kind=Assignment.Kind.STEP,
            step=step,
            starts_on=local_today(client),
            message=form.cleaned_data["message"].strip(),
        )
        log_access(
            practitioner,
            [client.pk],
            AccessLog.Kind.ASSIGNMENTS,
            AccessLog.Action.CHANGE,
            f"step:{assignment.pk}",
        )
    return assignment


def withdraw(client: Any, practitioner: Any, assignment: Assignment) -> bool:
    """Withdraw one's own assignment; a second click changes nothing. A step the client has not
    gone on to yet closes again (the unlock is cleared); a step they reached stays theirs."""
    with transaction.atomic():
        changed = Assignment.objects.filter(pk=assignment.pk, withdrawn_at__isnull=True).update(
            withdrawn_at=timezone.now()
        )
        if not changed:
            return False
        if assignment.kind == Assignment.Kind.STEP and assignment.step:
            progress = (
                ProgramProgress.objects.select_for_update()
                .filter(user=client, current_step=assignment.step - 1, override=program.UNLOCK)
                .first()
            )
            if progress is not None:
                program_services.set_override(client, practitioner, "")
        log_access(
            practitioner,
            [client.pk],
            AccessLog.Kind.ASSIGNMENTS,
            AccessLog.Action.CHANGE,
            f"withdraw:{assignment.pk}",
        )
    return True


# --- The practitioner's section and page -----------------------------------------------------


_ASSIGNMENT_FIELDS = tuple(f.attname for f in Assignment._meta.concrete_fields)


def _visible(practice: bool) -> QuerySet[Any]:
    """`visible_to`'s rule, newest first, the whole row: the client's assignments made by the
    reader, or by a member of their practice when `practice`."""
    mine = Q(practitioner_id=statements.READER)
    if practice:
        members = Membership.objects.filter(practice_id=statements.PRACTICE).values("user")
        mine |= Q(practitioner__in=members)
    return (
        Assignment.objects.filter(mine, client_id=statements.CLIENT)
        .order_by("-created_at")
        .values_list(*_ASSIGNMENT_FIELDS)
    )


# `visible_list`'s statements
_VISIBLE = statements.per_reader("the record's assignments", _visible)


def visible_list(practitioner: Any, client: Any) -> list[Assignment]:
    """`visible_to` with the exercises, newest first (the section and the timeline share it): one
    SQL statement compiled once per process from its queryset, the exercises in a second only when there are any."""
    practice = practitioner.practice
    found = statements.rows_for(
        Assignment,
        _ASSIGNMENT_FIELDS,
        _VISIBLE,
        client.pk,
        practitioner.pk,
        practice.pk if practice is not None else None,
    )
    if any(a.exercise_id for a in found):
        prefetch_related_objects(found, "exercise")
    return found


def client_section(
    request: HttpRequest,
    client: Any,
    exercise_form: ExerciseAssignmentForm | None = None,
    step_form: StepAssignmentForm | None = None,
    *,
    assignments: list[Assignment] | None = None,
    current_step: Any = UNREAD,
) -> dict[str, Any]:
    """The context of `practice/_client_assignments.html` for the client's page (writes no log
    row: the page that includes it logs its own look). `assignments` (`visible_list()`) and
    `current_step` (the client's step or None): what the caller has read already."""
    today = local_today(client)
    if assignments is None:
        assignments = visible_list(request.user, client)
    progress = progress_of(client, assignments, today, current_step)
    # empty forms as plain markup; a form sent back with mistakes through its widgets
    if exercise_form is None:
        exercise_fields = blank_exercise_fields(today)
    else:
        exercise_fields = fields_markup(exercise_form)
    if step_form is None:
        step = BlankStepForm(*step_state(client, current_step))
        step_control = blank_step_control()
    else:
        step, step_control = step_form, field_control(step_form["message"])
    return {
        "client": client,
        "current_assignments": [
            p for p in progress if not p.assignment.withdrawn_at and not p.done
        ],
        "past_assignments": [p for p in progress if p.assignment.withdrawn_at or p.done],
        "exercise_fields": exercise_fields,
        "step_form": step,
        "step_message_control": mark_safe(step_control),  # noqa: S308 - escaped where written
        "user": request.user,
        "csrf_token": get_token(request),
        # where the forms send the practitioner back to: this page or the client's page
        "back": "page" if _on_own_page(request) else "client",
    }


URL_CLIENT = "2147483647"  # the assign address is reversed once per process with this id


@lru_cache(maxsize=16)
def _assign_url(language: str | None, prefix: str) -> str:
    return reverse("practice:assign", kwargs={"client_id": int(URL_CLIENT)})


@lru_cache(maxsize=8)
def _section_words(language: str | None) -> dict[str, str]:
    """The section's fixed words, translated once per process and language (as the template's
    `{% translate %}` of a literal writes them: not escaped but for <, > and &)."""
    words = {
        "heading": "Opdrachten",
        "intro": "Wat je cliënt doet, lees je uit het oefenlogboek en het programma; je cliënt "
        "hoeft niets af te vinken.",
        "current": "Lopende opdrachten",
        "none": "Er lopen nu geen opdrachten.",
        "exercise": "Een oefening meegeven",
        "give": "Oefening meegeven",
        "step": "Een stap openen met een bericht",
        "last": "Je cliënt is in de laatste stap van het programma; er is geen stap meer om te "
        "openen.",
        "past": "Eerdere opdrachten",
    }
    return {key: escape(_(text), quote=False) for key, text in words.items()}


def section_markup(section: dict[str, Any]) -> SafeString:
    """What `practice/_client_assignments.html` writes for `client_section`'s values with the
    empty forms (`BlankStepForm`: the notes and assignments tab), in one pass; each assignment's
    card is still `_assignment.html`. Every value escaped; a test holds the two together in both
    languages."""
    w = _section_words(get_language())
    url = _assign_url(get_language(), get_script_prefix()).replace(
        URL_CLIENT, str(section["client"].pk)
    )
    hidden = (
        f'    <input type="hidden" name="csrfmiddlewaretoken" '
        f'value="{escape(section["csrf_token"])}">\n'
        f'    <input type="hidden" name="back" value="{escape(section["back"])}">\n'
    )
    card = {k: section[k] for k in ("user", "csrf_token", "back")}

    def cards(found: list[Progress], heading: str) -> str:
        items = "".join(
            f'\n    <li class="card">'
            f"{render_to_string('practice/_assignment.html', {**card, 'p': p})}</li>"
            for p in found
        )
        return f'  <ul class="stack" aria-labelledby="{heading}">{items}\n  </ul>\n'

    parts = [
        '<section aria-labelledby="assignments-heading" class="stack">\n'
        f'  <h2 id="assignments-heading">{w["heading"]}</h2>\n'
        f'  <p class="muted">{w["intro"]}</p>\n'
        f'  <h3 id="current-assignments-heading">{w["current"]}</h3>\n'
    ]
    if section["current_assignments"]:
        parts.append(cards(section["current_assignments"], "current-assignments-heading"))
    else:
        parts.append(f"  <p>{w['none']}</p>\n")
    parts.append(
        f'\n  <h3 id="assign-exercise-heading">{w["exercise"]}</h3>\n'
        f'  <form method="post" action="{url}" novalidate class="stack" '
        'aria-labelledby="assign-exercise-heading">\n'
        f'{hidden}    <input type="hidden" name="kind" value="exercise">\n'
        f"    {section['exercise_fields']}\n"
        f'    <div class="form-actions"><button type="submit">{w["give"]}</button></div>\n'
        "  </form>\n\n"
        f'  <h3 id="assign-step-heading">{w["step"]}</h3>\n'
    )
    step = section["step_form"]
    number = {"number": step.next_step}
    if step.already_open:
        opened_text = _(
            "Stap %(number)s is al voor je cliënt geopend; je cliënt kan door zodra die wil. "
            "Trek de opdracht hierboven in om de stap weer te sluiten."
        )
        parts.append(f"  <p>{opened_text % number}</p>\n")
    elif step.next_step:
        field = step.message
        then = _(
            "Je cliënt kan dan meteen door naar stap %(number)s, ook als de vijf oefendagen en "
            "de reflectie nog niet klaar zijn. Je bericht staat bij die stap."
        )
        parts.append(
            f"  <p>{then % number}</p>\n"
            f'  <form method="post" action="{url}" novalidate class="stack" '
            'aria-labelledby="assign-step-heading">\n'
            f'{hidden}    <input type="hidden" name="kind" value="step">\n'
            f'    <input type="hidden" name="stap-step" value="{step.next_step}">\n'
            '    <div class="field">\n'
            f'      <label for="{field.id_for_label}">{escape(str(field.label))}</label>\n'
            f'      <p class="field-hint" id="{field.auto_id}_helptext">'
            f"{escape(str(field.help_text))}</p>\n"
            f"      {section['step_message_control']}\n    </div>\n"
            f'    <div class="form-actions"><button type="submit">'
            f"{_('Stap %(number)s openen') % number}</button></div>\n  </form>\n"
        )
    else:
        parts.append(f"  <p>{w['last']}</p>\n")
    if section["past_assignments"]:
        parts.append(
            f'\n  <h3 id="past-assignments-heading">{w["past"]}</h3>\n'
            + cards(section["past_assignments"], "past-assignments-heading")
        )
    parts.append("</section>")
    return mark_safe("".join(parts))  # noqa: S308 - every value is escaped above


def _on_own_page(request: HttpRequest) -> bool:
    match = request.resolver_match
    return match is not None and match.url_name == "assign"


def _page(
    request: HttpRequest,
    client: Any,
    status: int = 200,
    **forms_: Any,
) -> HttpResponse:
    context = client_section(request, client, **forms_)
    log_access(request.user, [client.pk], AccessLog.Kind.ASSIGNMENTS, AccessLog.Action.VIEW)
    return render(request, "practice/assignments.html", context, status=status)


@practitioner_required
@require_http_methods(["GET", "POST"])
def assignments_page(request: HttpRequest, client_id: int) -> HttpResponse:
    """GET: the client's assignments with the forms. POST: assign an exercise (`kind=exercise`,
    also when the kind is missing) or open the next step (`kind=step`)."""
    client = client_for(request, client_id)
    if request.method == "GET":
        return _page(request, client)
    if request.POST.get("kind") == Assignment.Kind.STEP:
        step_form = StepAssignmentForm(request.POST, client=client)
        if not step_form.is_valid():
            return _page(request, client, 422, step_form=step_form)
        opened = open_step(client, request.user, step_form)
        if opened is None:  # the step changed between the check and the lock
            step_form = StepAssignmentForm(request.POST, client=client)
            step_form.is_valid()  # the form sees the new step and says so
            return _page(request, client, 422, step_form=step_form)
        messages.success(
            request,
            _("Stap %(number)s is open voor %(client)s, met je bericht.")
            % {"number": opened.step, "client": client},
        )
    else:
        exercise_form = ExerciseAssignmentForm(request.POST, client=client)
        if not exercise_form.is_valid():
            return _page(request, client, 422, exercise_form=exercise_form)
        made = assign_exercise(client, request.user, exercise_form)
        messages.success(
            request,
            _("%(client)s ziet %(exercise)s nu op de startpagina.")
            % {"client": client, "exercise": made.exercise.name if made.exercise else ""},
        )
    return _back(request, client)


def _back(request: HttpRequest, client: Any) -> HttpResponse:
    """To the notes and assignments tab of the client's record when the form was on it, else to
    the assignments page."""
    if request.POST.get("back") == "client":
        url = reverse("practice:client_care", kwargs={"client_id": client.pk})
        return redirect(f"{url}#assignments-heading")
    return redirect("practice:assign", client_id=client.pk)


@practitioner_required
@require_POST
def withdraw_view(request: HttpRequest, client_id: int, assignment_id: int) -> HttpResponse:
    client = client_for(request, client_id)
    try:
        assignment = Assignment.objects.get(
            pk=assignment_id, client=client, practitioner=request.user
        )
    except Assignment.DoesNotExist:
        raise Http404("no such assignment") from None
    if withdraw(client, request.user, assignment):
        messages.success(request, _("De opdracht is ingetrokken."))
    return _back(request, client)


urlpatterns = [
    path("clienten/<int:client_id>/opdrachten/", assignments_page, name="assign"),
    path(
        "clienten/<int:client_id>/opdrachten/<int:assignment_id>/intrekken/",
        withdraw_view,
        name="assignment_withdraw",
    ),
]


# --- The client's side: the start page and the program -------------------------------------


def for_client(client: Any) -> QuerySet[Assignment]:
    """The client's own assignments that stand: not withdrawn, from a practitioner the client
    still grants access (after a revoke that practitioner's requests no longer show)."""
    granted = PractitionerAccess.objects.active().filter(
        client=client, practitioner=OuterRef("practitioner")
    )
    return Assignment.objects.filter(Exists(granted), client=client, withdrawn_at__isnull=True)


def current_for_client(client: Any, today: date) -> list[Progress]:
    """What the client is asked to do now: exercises not over yet (also those starting later),
    steps opened that they have not gone on to yet."""
    assignments = list(
        for_client(client)
        .filter(Q(kind=Assignment.Kind.STEP) | Q(ends_on__gte=today))
        .select_related("exercise")
        .order_by("starts_on", "created_at")
    )
    return [p for p in progress_of(client, assignments, today) if not p.done]


def _visible_select(where: str, order: str) -> str:
    """`SELECT` of the whole assignment where `where` holds, not withdrawn, and its practitioner
    has the client's access now (the rule of `for_client`), ordered by `order`: the head of the
    client's plain statements below, from the models' own names. `where` and `order` name the
    columns as `{c[field]}` of the assignment's table; the placeholders are the statement's own,
    then the client (for the access) last."""
    quote = connection.ops.quote_name
    table = quote(Assignment._meta.db_table)
    c = {f.name: f"{table}.{quote(f.column)}" for f in Assignment._meta.concrete_fields}
    columns = ", ".join(c[f.name] for f in Assignment._meta.concrete_fields)
    grants = quote(PractitionerAccess._meta.db_table)
    g = {f.name: f"{grants}.{quote(f.column)}" for f in PractitionerAccess._meta.concrete_fields}
    granted = (
        f"SELECT 1 FROM {grants} WHERE {g['client']} = %s"  # noqa: S608
        f" AND {g['practitioner']} = {c['practitioner']}"
        f" AND {g['status']} = '{PractitionerAccess.Status.ACTIVE.value}'"
    )
    return (
        f"SELECT {columns} FROM {table} WHERE {where.format(c=c)}"  # noqa: S608
        f" AND {c['withdrawn_at']} IS NULL AND EXISTS ({granted})"
        f" ORDER BY {order.format(c=c)}"
    )


@lru_cache(maxsize=4)
def _current_sql(vendor: str) -> str:
    """The SQL of `current_for_client`'s assignments, written once per process (building the
    ORM's Exists cost more than the database took to answer it). Placeholders: the client, the
    day, the client again."""
    step = Assignment.Kind.STEP.value
    return _visible_select(
        "{c[client]} = %s AND ({c[kind]} = '" + step + "' OR {c[ends_on]} >= %s)",
        "{c[starts_on]}, {c[created_at]}",
    )


def home_panel(request: Any) -> tuple[str, dict[str, Any]] | None:
    """The client's start page: their current assignments (no panel when there are none).

    The assignments of `current_for_client` in one statement written once per process; the
    exercises and the progress are read only when there are any."""
    client, today = request.user, local_today(request.user)
    params = [client.pk, connection.ops.adapt_datefield_value(today), client.pk]
    assignments = list(Assignment.objects.raw(_current_sql(connection.vendor), params))
    if not assignments:
        return None
    if any(a.exercise_id for a in assignments):
        prefetch_related_objects(assignments, "exercise")
    current = [p for p in progress_of(client, assignments, today) if not p.done]
    if not current:
        return None
    return "practice/_assignments_panel.html", {"assignments": current}


def program_messages(user: Any, steps: Iterable[int]) -> list[dict[str, Any]]:
    """The `program_messages` hook: the practitioners' messages with the steps they opened for
    this client, for the program's pages (which ask for the steps they show)."""
    if not getattr(user, "is_authenticated", False) or not user.is_client:
        return []
    steps = list(steps)
    if not steps:
        return []
    sql = _messages_sql(connection.vendor, len(steps))
    rows = Assignment.objects.raw(sql, [user.pk, *steps, user.pk])
    return [
        {
            "step": a.step,
            "practitioner": a.practitioner_name,
            "message": a.message,
            "at": a.created_at,
        }
        for a in rows
    ]


@lru_cache(maxsize=16)
def _messages_sql(vendor: str, count: int) -> str:
    """The SQL of `for_client(...).filter(kind=STEP, step__in=...)` oldest first, written once per
    process and number of steps. Placeholders: the client, the steps, the client again."""
    marks = ", ".join(["%s"] * count)
    step = Assignment.Kind.STEP.value
    return _visible_select(
        "{c[client]} = %s AND {c[kind]} = '" + step + "' AND {c[step]} IN (" + marks + ")",
        "{c[created_at]}",
    )


# --- The client's data: export and erasure -----------------------------------------------------


def export(client: Any) -> list[dict[str, Any]]:
    """The client's assignments for their own export (GDPR art. 15), withdrawn ones too."""
    rows = (
        Assignment.objects.filter(client=client).select_related("exercise").order_by("created_at")
    )
    return [
        {
            "id": a.pk,
            "kind": a.kind,
            "practitioner": a.practitioner_name,
            "exercise": a.exercise.slug if a.exercise else None,
            "step": a.step,
            "times_per_week": a.times_per_week,
            "starts_on": a.starts_on.isoformat(),
            "ends_on": a.ends_on.isoformat() if a.ends_on else None,
            "message": a.message,
            "created_at": a.created_at.isoformat(),
            "withdrawn_at": a.withdrawn_at.isoformat() if a.withdrawn_at else None,
        }
        for a in rows
    ]


def erase(client: Any) -> None:
    """Withdrawn health-data consent: what the client was asked to do for their health goes too."""
    Assignment.objects.filter(client=client).delete()
