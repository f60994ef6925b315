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
