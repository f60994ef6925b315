"""`{% load i18n %}` loads lijfwijs.core.i18n_tags: every form of {% translate %} renders exactly
what Django's own tag renders, in Dutch and in English."""

import pytest
from django.template import Context, Engine
from django.utils import translation

FORMS = [
    "{% translate 'Oefeningen' %}",
    '{% translate "Uitloggen" %}',
    "{% translate 'Belasting per domein, eerste en tweede uitslag (0 tot 100%)' %}",
    "{% translate 'tekst die nergens vertaald is & <b>niet</b> escaped' %}",
    "{% translate 'Oefeningen' as label %}[{{ label }}]",
    "{% translate 'Oefeningen' noop %}",
    "{% translate 'Oefeningen'|upper %}",
    "{% translate 'Mei' context 'maand' %}",
    "{% translate word %}",
    "{% translate markup %}",
    "{% autoescape off %}{% translate 'Oefeningen' %}{% endautoescape %}",
    "{% trans 'Dagboek' %}",
]


def engines() -> tuple[Engine, Engine]:
    django = Engine(libraries={"i18n": "django.templatetags.i18n"})
    ours = Engine(libraries={"i18n": "lijfwijs.core.i18n_tags"})
    return django, ours


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("form", FORMS)
def test_translate_renders_as_djangos_tag(form: str, language: str) -> None:
    django, ours = engines()
    source = "{% load i18n %}" + form
    context = {"word": "Dagboek", "markup": "<i>Dagboek</i>"}
    with translation.override(language):
        expected = django.from_string(source).render(Context(context))
        got = ours.from_string(source).render(Context(context))
    assert got == expected


def test_the_site_loads_the_quicker_tag() -> None:
    from django.template import engines as site_engines

    from lijfwijs.core.i18n_tags import TranslateNode

    template = site_engines["django"].from_string("{% load i18n %}{% translate 'Dagboek' %}")
    assert isinstance(template.template.nodelist[-1], TranslateNode)
    with translation.override("en"):
        assert template.render() == "Diary"
    with translation.override("nl"):
        assert template.render() == "Dagboek"


def test_one_compiled_template_follows_the_language_of_each_render() -> None:
    """A node keeps its translation per language: the same template object, rendered in turn
    in Dutch, English and Dutch again, gives each language's text."""
    _, ours = engines()
    template = ours.from_string("{% load i18n %}{% translate 'Uitloggen' %}")
    seen = []
    for language in ("nl", "en", "nl", "en"):
        with translation.override(language):
            seen.append(template.render(Context({})))
    assert seen == ["Uitloggen", "Log out", "Uitloggen", "Log out"]
