"""`{% form_fields %}` writes a form exactly as core/_form_fields.html with Django's widget
templates does (labels, hints, messages, what was typed, escaped), only faster: the forms of a
client's page, empty and sent back with mistakes."""

import re

import pytest
from django.template.loader import render_to_string

from lijfwijs.practice.alert_views import AcknowledgeForm
from lijfwijs.practice.assignments import ExerciseAssignmentForm, StepAssignmentForm
from lijfwijs.practice.models import Alert
from lijfwijs.practice.notes import NoteForm
from lijfwijs.practice.templatetags.practice_forms import field_control, fields_markup

pytestmark = pytest.mark.django_db

TYPED = "<script>alert(\"x\")</script> & 'quotes'"


def normal(html: str) -> str:
    """White space between tags does not change what is shown."""
    return re.sub(r">\s+<", "><", str(html)).strip()


def with_templates(form) -> str:
    return render_to_string("core/_form_fields.html", {"form": form})


def forms_of(anna, pieter):
    alert = Alert.objects.create(client=anna, practitioner=pieter, kind="silence", cause="s:1")
    long_note = "x" * 3000
    return [
        AcknowledgeForm(alert=alert),
        AcknowledgeForm({f"ack-{alert.pk}-note": long_note}, alert=alert),
        NoteForm(prefix="note"),
        NoteForm({"note-body": ""}, prefix="note"),
        NoteForm({"note-body": TYPED + "\0"}, prefix="note"),
        ExerciseAssignmentForm(client=anna),
        ExerciseAssignmentForm(
            {
                "oefening-exercise": "bestaat-niet",
                "oefening-frequency": "d1",
                "oefening-starts_on": "2020-01-01",
                "oefening-weeks": "99",
                "oefening-message": TYPED,
            },
            client=anna,
        ),
        StepAssignmentForm(client=anna),
        StepAssignmentForm({"stap-step": "3", "stap-message": ""}, client=anna),
    ]


def test_every_form_of_the_client_page_is_written_as_the_widget_templates_write_it(anna, pieter):
    for form in forms_of(anna, pieter):
        form.is_bound and form.is_valid()
        assert normal(fields_markup(form)) == normal(with_templates(form)), type(form).__name__


def test_what_was_typed_comes_back_escaped_with_its_message(anna, pieter):
    form = forms_of(anna, pieter)[6]
    assert not form.is_valid()
    html = str(fields_markup(form))
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;quotes&#x27;" in html
    assert "<script>" not in html
    assert 'aria-invalid="true"' in html and "error-summary" in html
    assert 'value="2020-01-01"' in html  # the date as typed, with its message
    assert "Kies een oefening uit de lijst." in html
    assert html.count("<option") > 10  # the exercises, how often and how long


def test_one_control_is_the_bound_fields_own_markup(anna, pieter):
    for form in forms_of(anna, pieter):
        form.is_bound and form.is_valid()
        for field in form:
            assert normal(field_control(field)) == normal(str(field)), field.name


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_exercise_choices_are_the_active_exercises_by_name(anna, language):
    """The exercise list is read as values: the same options, in the same order and language,
    as the model choices give, and a chosen slug still comes back as the exercise."""
    from django.forms.models import ModelChoiceIterator
    from django.utils import translation

    with translation.override(language):
        form = ExerciseAssignmentForm(client=anna)
        field = form.fields["exercise"]
        expected = [(str(value), str(label)) for value, label in ModelChoiceIterator(field)]
        assert [(str(v), str(label)) for v, label in field.choices] == expected
        assert len(expected) > 5
    slug = expected[1][0]
    assert field.clean(slug).slug == slug


# --- the empty forms written without building them (the notes and assignments tab) -----------


@pytest.fixture
def odd_exercise(content):
    """An exercise whose names need escaping, in the catalog's choices."""
    from lijfwijs.exercises.models import Exercise

    return Exercise.objects.create(
        slug="vreemd",
        kind="breathing",
        name_nl='Adem <in> & "uit"',
        name_en="Breathe <in> & 'out'",
        summary_nl="Vreemd.",
        steps_nl=["Een"],
        parameters={"phases": [{"phase": "inhale", "seconds": 3}]},
    )


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_blank_forms_are_the_empty_forms_as_django_writes_them(anna, odd_exercise, language):
    """`blank_note_fields`, `blank_exercise_fields` and the blank step form are what Django's
    widget templates write for the empty forms: a change to a form's fields fails here until the
    writer follows."""
    from django.utils import translation

    from lijfwijs.accounts.localtime import local_today
    from lijfwijs.practice import assignments, notes

    with translation.override(language):
        note = notes.blank_note_fields()
        assert normal(note) == normal(with_templates(NoteForm(prefix="note")))
        exercise = assignments.blank_exercise_fields(local_today(anna))
        assert normal(exercise) == normal(with_templates(ExerciseAssignmentForm(client=anna)))
        written = (
            "Breathe &lt;in&gt; &amp; &#x27;out&#x27;"
            if language == "en"
            else ("Adem &lt;in&gt; &amp; &quot;uit&quot;")
        )
        assert f'<option value="vreemd">{written}</option>' in exercise

        form = StepAssignmentForm(client=anna)
        blank = assignments.BlankStepForm(*assignments.step_state(anna))
        assert (blank.next_step, blank.already_open) == (form.next_step, form.already_open)
        assert not blank.errors and not form.errors
        field = form["message"]
        read = ("label", "help_text", "auto_id", "id_for_label")
        assert [str(getattr(blank.message, n)) for n in read] == [
            str(getattr(field, n)) for n in read
        ]
        assert not blank.message.errors and not field.errors
        assert normal(assignments.blank_step_control()) == normal(str(field))


def test_the_blank_step_form_knows_an_opened_step_and_the_last_one(anna, pieter):
    from lijfwijs.accounts.localtime import local_today
    from lijfwijs.accounts.tests.helpers import give_access
    from lijfwijs.practice import assignments
    from lijfwijs.practice.models import Assignment
    from lijfwijs.program import program
    from lijfwijs.program.models import ProgramProgress

    give_access(anna, pieter)
    progress = ProgramProgress.objects.create(user=anna, start_step=1, current_step=1)
    Assignment.objects.create(
        client=anna,
        practitioner=pieter,
        kind=Assignment.Kind.STEP,
        step=2,
        starts_on=local_today(anna),
        message="Ga",
    )
    form = StepAssignmentForm(client=anna)
    assert assignments.step_state(anna) == (form.next_step, form.already_open) == (2, True)
    progress.current_step = program.LAST_STEP
    progress.save()
    form = StepAssignmentForm(client=anna)
    assert assignments.step_state(anna) == (form.next_step, form.already_open) == (None, False)
