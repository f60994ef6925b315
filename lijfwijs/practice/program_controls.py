"""The practitioner's hold on a client's 5-step program: what they see and what they may change.

The views have already checked access (`accounts.access.client_for`). The practitioner sees the
client's step and progress, never the reflections (those are the client's alone); they may open
the next step early, hold the current one, or go back to the rule (`program.services`); each
change is in the client's access log.
"""

from functools import lru_cache
from typing import Any

from django import forms
from django.db import connection, transaction
from django.db.models import prefetch_related_objects
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lijfwijs.accounts.audit import log_access
from lijfwijs.accounts.models import AccessLog
from lijfwijs.accounts.services import has_health_consent
from lijfwijs.core.i18n import pick
from lijfwijs.core.statements import instance_by_id
from lijfwijs.program import program, services
from lijfwijs.program.models import ProgramProgress

from .assignments import UNREAD

CLEAR = "clear"  # the form's word for "no override": the rule alone decides again
ACTIONS = {program.UNLOCK: program.UNLOCK, program.HOLD: program.HOLD, CLEAR: ""}


class OverrideForm(forms.Form):
    action = forms.ChoiceField(
        label=gettext_lazy("Wat wil je doen?"),
        choices=[
            (program.UNLOCK, gettext_lazy("Volgende stap nu openen")),
            (program.HOLD, gettext_lazy("Deze stap vasthouden")),
            (CLEAR, gettext_lazy("Weer de gewone regel laten gelden")),
        ],
        error_messages={"required": gettext_lazy("Kies wat je wilt doen.")},
    )

    def __init__(self, *args: Any, client: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.client = client

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not has_health_consent(self.client):
            raise forms.ValidationError(
                _(
                    "Deze cliënt heeft geen toestemming gegeven voor het bewaren van "
                    "gezondheidsgegevens; het programma kan daarom niet worden aangepast."
                )
            )
        progress = services.progress_for(self.client)
        if data.get("action") == program.UNLOCK and progress is not None:
            if progress.current_step >= program.LAST_STEP:
                self.add_error("action", _("Je cliënt is al in de laatste stap."))
        return data


def apply(client: Any, practitioner: Any, form: OverrideForm) -> str:
    """Store the practitioner's choice, written to the client's access log as a change in the
    same transaction (NEN 7513: a change by someone else is logged like a read); returns the
    message for the practitioner."""
    action = form.cleaned_data["action"]
    override = ACTIONS[action]
    with transaction.atomic():
        progress = services.set_override(client, practitioner, override)
        log_access(
            practitioner, [client.pk], AccessLog.Kind.PROGRAM, AccessLog.Action.CHANGE, action
        )
    step = program.step(progress.current_step)
    values = {"number": step.number, "name": pick(step.name), "client": client}
    if override == program.UNLOCK:
        return (
            _("%(client)s kan nu door naar de volgende stap, na stap %(number)s (%(name)s).")
            % values
        )
    if override == program.HOLD:
        return _("%(client)s blijft voorlopig in stap %(number)s (%(name)s).") % values
    return _("Voor %(client)s geldt weer de gewone regel in stap %(number)s.") % values


def read_progress(client: Any) -> ProgramProgress | None:
    """The client's place in the program (one row per person, by a statement compiled once per
    process: core.statements) with who changed it last, in a second query only when someone did
    (None before they started)."""
    progress = instance_by_id(ProgramProgress, "user", client.pk)
    if progress is not None and progress.override_by_id:
        prefetch_related_objects([progress], "override_by")
    return progress


@lru_cache(maxsize=4)
def _status_sql(vendor: str) -> str:
    """What `services.status_for` reads, in one statement written once per process from the
    models' own names: a first row with the days of practice in the step (its prompt NULL), then
    one row per answered prompt of the step. Placeholders: user, step, user, step."""
    from lijfwijs.exercises.models import PracticeSession
    from lijfwijs.program.models import Reflection

    quote = connection.ops.quote_name
    s = {f.name: quote(f.column) for f in PracticeSession._meta.concrete_fields}
    r = {f.name: quote(f.column) for f in Reflection._meta.concrete_fields}
    sessions, reflections = (
        quote(PracticeSession._meta.db_table),
        quote(Reflection._meta.db_table),
    )
    return (
        f"SELECT 0, COUNT(DISTINCT {s['day']}), NULL FROM {sessions} "  # noqa: S608
        f"WHERE {s['user']} = %s AND {s['program_step']} = %s "
        f"UNION ALL SELECT 1, NULL, {r['prompt']} FROM {reflections} "
        f"WHERE {r['user']} = %s AND {r['step']} = %s AND NOT ({r['answer']} = '') "
        "ORDER BY 1"
    )


def read_status(client: Any, progress: ProgramProgress) -> program.AdvanceStatus:
    """`services.status_for(client, progress)` from one plain statement instead of two ORM
    queries (the client's page builds them on every look)."""
    step = progress.current_step
    with connection.cursor() as cursor:
        cursor.execute(_status_sql(connection.vendor), [client.pk, step, client.pk, step])
        rows = cursor.fetchall()
    days = next((n for kind, n, _prompt in rows if kind == 0), 0) or 0
    answered = {prompt for kind, _n, prompt in rows if kind == 1}
    return program.advance_status(
        step, days, answered, program.step(step).prompt_keys, progress.override
    )


def summary(client: Any, progress: Any = UNREAD) -> dict[str, Any] | None:
    """The client's place in the program for the practitioner (None before they started).
    `progress`: `read_progress(client)` when the caller has read it already."""
    if progress is UNREAD:
        progress = read_progress(client)
    if progress is None:
        return None
    status = read_status(client, progress)
    step = program.step(progress.current_step)
    return {
        "number": step.number,
        "name": pick(step.name),
        "goal": pick(step.goal),
        "last_step": program.LAST_STEP,
        "started": progress.step_started_at,
        "status": status,
        "override": progress.override,
        "override_by": progress.override_by,
        "override_at": progress.override_at,
        "is_last": step.number >= program.LAST_STEP,
    }
