"""The log form's fields written in Python (views._form_markup) are the markup of the template
they replaced: empty, filled and sent back with mistakes, in both languages."""

import pytest
from django.template import engines
from django.utils import translation

from lijfwijs.exercises import views
from lijfwijs.exercises.forms import PracticeForm

pytestmark = pytest.mark.django_db

# The template the view's markup replaced (log.html before it), kept here as the reference.
TEMPLATE = "{% load i18n %}" + (
    '{% with f=log_options.fields %}{% for e in log_options.non_field_errors %}{% if forloop.first %}<div class="error-summary" role="alert" tabindex="-1"><ul>{% endif %}<li>{{ e }}</li>{% if forloop.last %}</ul></div>{% endif %}{% endfor %}\n'
    '    <input type="hidden" name="pattern" id="id_pattern"{% if f.pattern.value %} value="{{ f.pattern.value }}"{% endif %}><input type="hidden" name="seconds" id="id_seconds"{% if f.seconds.filled %} value="{{ f.seconds.value }}"{% endif %}><input type="hidden" name="client_key"{% if f.client_key.value %} value="{{ f.client_key.value }}"{% endif %} id="id_client_key">\n'
    '    <div class="field{% if f.exercise.errors %} has-error{% endif %}"><label for="id_exercise">{{ f.exercise.label }}</label>{% for e in f.exercise.errors %}<p class="field-error" id="id_exercise_error">{{ e }}</p>{% endfor %}\n'
    '      <select name="exercise" required{% if f.exercise.errors %} aria-invalid="true" aria-describedby="id_exercise_error"{% endif %} id="id_exercise"><option value=""{% if not log_options.exercise_chosen %} selected{% endif %}>{% translate \'Kies een oefening\' %}</option>{{ log_options.exercise }}</select></div>\n'
    '    <div class="field{% if f.minutes.errors %} has-error{% endif %}"><label for="id_minutes">{{ f.minutes.label }}</label>{% for e in f.minutes.errors %}<p class="field-error" id="id_minutes_error">{{ e }}</p>{% endfor %}\n'
    '      <input type="number" name="minutes"{% if f.minutes.filled %} value="{{ f.minutes.value }}"{% endif %} min="1" max="{{ log_options.max_minutes }}" inputmode="numeric"{% if f.minutes.errors %} aria-invalid="true" aria-describedby="id_minutes_error"{% endif %} id="id_minutes"></div>\n'
    '    {% for field in log_options.choices %}<div class="field{% if field.errors %} has-error{% endif %}"><label for="id_{{ field.name }}">{{ field.label }}</label>{% for e in field.errors %}<p class="field-error" id="id_{{ field.name }}_error">{{ e }}</p>{% endfor %}\n'
    '      <select name="{{ field.name }}"{% if field.errors %} aria-invalid="true" aria-describedby="id_{{ field.name }}_error"{% endif %} id="id_{{ field.name }}">{{ field.options }}</select></div>\n'
    "    {% endfor %}\n"
    '    <div class="field{% if f.started_at.errors %} has-error{% endif %}"><label for="id_started_at">{{ f.started_at.label }}</label><p class="help" id="id_started_at_helptext">{{ log_options.started_help }}</p>{% for e in f.started_at.errors %}<p class="field-error" id="id_started_at_error">{{ e }}</p>{% endfor %}\n'
    '      <input type="datetime-local" name="started_at"{% if f.started_at.value %} value="{{ f.started_at.value }}"{% endif %} maxlength="40" min="{{ log_options.started_min }}" max="{{ log_options.started_max }}"{% if f.started_at.errors %} aria-invalid="true"{% endif %} aria-describedby="id_started_at_helptext{% if f.started_at.errors %} id_started_at_error{% endif %}" id="id_started_at"></div>{% endwith %}'
)

SENT = [
    {},
    {"exercise": "bestaat-niet", "minutes": "9999", "started_at": "<b>gisteren</b>"},
    {"exercise": "schudden", "minutes": "abc", "tension_before": "11", "completed": "2"},
    {
        "exercise": "schudden",
        "seconds": "30",
        "pattern": '"><script>',
        "client_key": "k&y",
        "tension_after": "4",
        "completed": "1",
    },
    {"exercise": "4-7-8-ademhaling", "minutes": "5", "started_at": "2001-01-01T10:00"},
]


def reference(options):
    return engines["django"].from_string(TEMPLATE).render({"log_options": options})


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("sent", SENT)
def test_the_fields_of_a_sent_form_are_the_templates_markup(anna, language, sent):
    with translation.override(language):
        form = PracticeForm(sent, user=anna)
        form.is_valid()
        if sent.get("completed") == "2":
            form.add_error(None, "Iets <klopt> niet & meer.")
        options = views._log_options(form)
        assert str(views._form_markup(options)) == reference(options)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_empty_form_is_the_forms_markup_without_building_it(anna, language):
    with translation.override(language):
        form = PracticeForm(user=anna, initial={"client_key": "abc123"})
        from_form = views._log_options(form)
        blank = views._blank_log_options(anna, "abc123")
        # the bounds are "now" in the person's zone, read twice: a minute may have passed
        bounds = ("started_min", "started_max")
        assert {k: v for k, v in blank.items() if k not in bounds} == {
            k: v for k, v in from_form.items() if k not in bounds
        }
        blank.update({k: from_form[k] for k in bounds})
        assert str(views._form_markup(blank)) == reference(from_form)
