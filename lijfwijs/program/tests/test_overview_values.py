"""The overview's steps are plain values made in the view (addresses reversed once per process
and language, the state's words, the heading): they say what the templates they replace say."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from lijfwijs.program import program
from lijfwijs.program.views import links, state_label


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_state_words_are_those_of_the_state_template(language):
    with translation.override(language):
        for state in (program.DONE, program.OPEN, program.CURRENT, program.LOCKED):
            html = render_to_string("program/_state.html", {"state": state})
            assert html.strip() == (
                f'<span class="tag step-tag-{state}">{state_label(state)}</span>'
            )


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_addresses_are_those_reversed_in_the_language(language):
    with translation.override(language):
        found = links()
        assert found["steps"] == tuple(
            reverse("program:step", kwargs={"number": n}) for n in range(1, program.LAST_STEP + 1)
        )
        assert found["setback_plan"] == reverse("program:setback_plan")
        assert found["overview"] == reverse("program:overview")
    assert links()["overview"] == reverse("program:overview")


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_progress_markup_is_the_templates(language):
    import itertools

    from lijfwijs.program.views import progress_markup

    with translation.override(language):
        for days, answered, override, missing, last, progress_id in itertools.product(
            (0, 3, 7),
            (frozenset(), frozenset({"a"}), frozenset({"a", "b"})),
            ("", program.HOLD, program.UNLOCK),
            ((), ("days",)),
            (False, True),
            ("", "home-program-days"),
        ):
            status = program.AdvanceStatus(
                step=2,
                practice_days=days,
                answered=answered,
                prompts=frozenset({"a", "b"}),
                override=override,
                missing=missing,
            )
            progress = {
                "status": status,
                "held": override == program.HOLD,
                "unlocked": override == program.UNLOCK,
                "last": last,
            }
            expected = render_to_string(
                "program/_progress.html", {"progress": progress, "progress_id": progress_id}
            )
            assert progress_markup(progress, progress_id) == expected


@pytest.mark.parametrize("language", ["nl", "en"])
def test_sentences_are_filled_in_as_blocktranslate_does(language):
    from django.template import engines
    from django.utils.translation import gettext

    from lijfwijs.program.views import _filled

    template = engines["django"].from_string(
        "{% load i18n %}{% blocktranslate trimmed with number=n name=name %}"
        "Stap {{ number }}: {{ name }}{% endblocktranslate %}"
    )
    with translation.override(language):
        for name in ("Grenzen", "Rust & <ruimte>", 'Don\'t "stop"'):
            expected = template.render({"n": 3, "name": name})
            assert _filled(gettext("Stap %(number)s: %(name)s"), number=3, name=name) == expected
