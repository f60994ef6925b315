"""Fuzzing the program's forms with hypothesis: never a server error; a rejected form comes back
(422) with what was typed, a saved one stores exactly the stripped text."""

import html as html_lib
import re

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from lijfwijs.accounts.models import User
from lijfwijs.program import program, services
from lijfwijs.program.forms import MAX_ANSWER, MAX_PLAN_FIELD
from lijfwijs.program.models import ProgramProgress, Reflection, SetbackPlan
from lijfwijs.program.tests.program_helpers import client_user, signed_in

pytestmark = pytest.mark.django_db

FUZZ = hypothesis_settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
any_char = st.characters(codec="utf-8")
text = st.one_of(
    st.text(any_char, max_size=40),
    st.text(st.sampled_from("\x00\x01\x1b\t\r\n\u200b\u202e\ufeff<>\"'&%;{}"), max_size=20),
    st.sampled_from(["", " ", "<script>alert(1)</script>", "' OR 1=1 --", "{{ user }}"]),
    st.text(any_char, min_size=1, max_size=5).map(lambda s: s * 900),  # past the limits
)


def form(names) -> st.SearchStrategy[dict]:
    """Each field present or missing, as a string or sent twice."""
    return st.fixed_dictionaries(
        {},
        optional={n: st.one_of(text, st.lists(text, min_size=2, max_size=2)) for n in names},
    )


@pytest.fixture
def anna(db):
    user = client_user("anna-fuzz@example.org")
    services.ensure_progress(user)
    return user


def textareas(page: str) -> dict[str, str]:
    found = re.findall(r'<textarea name="([^"]+)"[^>]*>\n?(.*?)</textarea>', page, re.S)
    return {name: html_lib.unescape(value) for name, value in found}


def sent(value) -> str:
    return value[-1] if isinstance(value, list) else value


def check(response, data: dict, limit: int, stored: dict[str, str]) -> None:
    assert response.status_code in (302, 422), response.status_code
    values = {k: sent(v) for k, v in data.items()}
    if response.status_code == 302:
        for name, value in values.items():
            assert "\x00" not in value and len(value.strip()) <= limit
            assert stored.get(name, "") == value.strip()
    else:
        shown = textareas(response.content.decode())
        assert any("\x00" in v or len(v.strip()) > limit for v in values.values())
        for name, value in values.items():
            if "\x00" not in value:  # what was typed comes back (a NUL is refused, not shown)
                assert shown[name].strip() == value.strip()


PROMPTS = [p.key for p in program.step(1).prompts]


@FUZZ
@given(data=form(PROMPTS))
def test_fuzzed_reflections(anna, data):
    Reflection.objects.filter(user=anna).delete()
    response = signed_in(anna).post("/programma/stap/1/", data)
    stored = dict(Reflection.objects.filter(user=anna).values_list("prompt", "answer"))
    check(response, data, MAX_ANSWER, stored)


PLAN_FIELDS = ["notice_first", "what_i_do", "who_i_call", "helpful_exercises"]


@FUZZ
@given(data=form(PLAN_FIELDS))
def test_fuzzed_setback_plans(anna, data):
    ProgramProgress.objects.filter(user=anna).update(current_step=5)
    User.objects.data_changed(anna)  # a write outside the services
    SetbackPlan.objects.filter(user=anna).delete()
    response = signed_in(anna).post("/programma/terugvalplan/", data)
    plan = SetbackPlan.objects.filter(user=anna).first()
    stored = {name: getattr(plan, name) for name in PLAN_FIELDS} if plan else {}
    check(response, data, MAX_PLAN_FIELD, stored)
